# Accounts use Django's user model; a user's scope lives in trienkhai.org (Access).
