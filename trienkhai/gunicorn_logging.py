"""A gunicorn access log that never writes a survey code.

A personal survey link carries its one-time code (/s/<code>/). An access log line with that path,
a time and an address would tie a code to the moment it was used, and so, with the database's
own order of responses, to a response. This logger writes respondent paths as "/s/…".
Use it with `gunicorn --logger-class trienkhai.gunicorn_logging.Logger`.
"""

from gunicorn.glogging import Logger as Base

RESPONDENT_PREFIX = "/s/"


class Logger(Base):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        if environ.get("PATH_INFO", "").startswith(RESPONDENT_PREFIX):
            atoms.update(
                {"r": f"{environ.get('REQUEST_METHOD', '')} /s/… -", "U": "/s/…", "q": "", "f": "-"}
            )
        return atoms
