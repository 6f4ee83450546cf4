"""gunicorn settings for production: `gunicorn barometre.wsgi` reads this file from the working directory.

Every value can be overridden by the environment variables below or on the command line.
"""

import ctypes
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# One process per core, each with a few threads: a request waiting on PostgreSQL leaves its core to
# another, without the memory of more processes (each thread keeps its own persistent connection).
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Memory: glibc's allocator gives each thread that allocates an arena of its own (up to eight per core),
# and what is freed in one is seldom given back to the system: with four threads handling the large
# values of a big registry (the facet index read again after each change, a search's ids, a map source),
# a worker reached 459 MB at a million tools, against 226 MB with two arenas in the same run
# (BENCHMARKS.md). Two arenas for the master, hence its forked workers, set before any thread starts;
# MALLOC_ARENA_MAX in the environment, read by glibc itself, overrides it. Nothing on another C library.
M_ARENA_MAX = -8
if "MALLOC_ARENA_MAX" not in os.environ:
    try:
        ctypes.CDLL(None).mallopt(M_ARENA_MAX, 2)
    except (AttributeError, OSError):
        pass
# A threaded worker tells the arbiter it is alive while its threads work: the timeout ends a worker that
# hangs, never a long download streaming along (the whole registry as CSV or GeoJSON at a million tools).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Each request on a connection of its own (the connection closes after the answer): whichever worker is
# free accepts the next one. A kept-alive connection stays with the worker that accepted it, so a few
# clients (or a proxy's few pooled connections) could all land on one worker while the other idles: with
# 4 benchmark connections on 2 workers, one round in six put all four on one worker and served a third
# fewer pages. Behind nginx's default proxying (a new connection per request) nothing changes.
keepalive = 0
graceful_timeout = 20
# The application is loaded once, before the workers are forked: a worker recycled below starts at once
# instead of importing Django again (a second of CPU taken from the requests), and the workers share the
# loaded code's memory. A new release therefore needs a restart, not a reload (HUP).
preload_app = True
# Recycle workers now and then so that a slow leak never grows a worker past its memory budget.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
# The access log never holds a survey token nor an email address (paths and referers are redacted).
logger_class = "barometre.logs.AccessLogger"
# The same reverse proxies the site trusts for the client's address (TRUSTED_PROXIES, see README).
forwarded_allow_ips = os.environ.get("TRUSTED_PROXIES") or "127.0.0.1"
