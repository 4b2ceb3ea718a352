"""A gunicorn access log that never writes a survey code.

A personal survey link carries its one-time code (/s/<code>/). An access log line with that path,
a time and an address would tie a code to the moment it was used, and so, with the database's
own order of responses, to a response. This logger writes respondent paths as "/s/…".
Use it with `gunicorn --logger-class trienkhai.gunicorn_logging.Logger`.
"""

from gunicorn.glogging import Logger as Base

RESPONDENT_PREFIX = "/s/"
MASK = "/s/…"


class Logger(Base):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = environ.get("PATH_INFO", "")
        if not path.startswith(RESPONDENT_PREFIX):
            return atoms
        # Every atom that repeats the path or the raw URI (the request line, "{raw_uri}e", ...).
        secrets = {v for v in (path, environ.get("RAW_URI", "")) if v}
        for key, value in atoms.items():
            if isinstance(value, str):
                for secret in sorted(secrets, key=len, reverse=True):
                    value = value.replace(secret, MASK)
                atoms[key] = value
        atoms.update({"q": "", "f": "-"})
        return atoms
