"""gunicorn settings for production: `gunicorn barometre.wsgi` reads this file from the working directory.

Every value can be overridden by the environment variables below or on the command line.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Recycle workers now and then so that a slow leak never grows a worker past its memory budget.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
# The access log never holds a survey token nor an email address (paths and referers are redacted).
logger_class = "barometre.logs.AccessLogger"
# The same reverse proxies the site trusts for the client's address (TRUSTED_PROXIES, see README).
forwarded_allow_ips = os.environ.get("TRUSTED_PROXIES") or "127.0.0.1"
