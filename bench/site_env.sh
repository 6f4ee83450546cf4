# Sourced by bench/run.sh and bench/ab_tool_page.sh with LABEL set: the site's settings in a benchmark,
# as deployed (no debug, the Redis cache), on the database barometre_bench_$LABEL.
export DEBUG=false
SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/barometre_bench_$LABEL
export SECURE_SSL_REDIRECT=false
export CACHE_URL=redis://127.0.0.1:6379/5
# As deployed behind the documented proxy: wrk sends each request as one of 1,000 clients
# (X-Forwarded-For, bench/wrk_report.lua), so the API's rate limits stay at their production values and
# see each client at a visitor's rate.
export TRUSTED_PROXIES=127.0.0.1/32
export LOG_LEVEL=WARNING
