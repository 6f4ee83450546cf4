#!/usr/bin/env bash
# Load-test the site and its Datasette peer on one benchmark database.
#
#   bench/run.sh 100k [SECONDS]
#
# Uses the PostgreSQL database barometre_bench_<label> (filled by bench/generate.py) and the SQLite
# export bench/out/<label>/db.db (bench/export_sqlite.py). Starts gunicorn (gunicorn.conf.py), the job
# worker and Datasette on 127.0.0.1 only; first sends the cold varied queries of bench/queries.py to the
# site and to Datasette in turn (three rounds of VARIED_SECONDS, default 10, each); then runs wrk against each repeated-query
# scenario for SECONDS (default 15) after a 2 s warm-up, measures
# page weights, the uncached GeoJSON time and the workers' resident memory, and stops both servers.
# Results: bench/results/<label>/results.jsonl (one JSON object per line; the cold rounds also give the
# CPU time a request cost the server, PostgreSQL and Redis) and weights.json.
# Environment: BENCH_PORT, BENCH_DS_PORT, BENCH_CONNECTIONS (wrk connections, default 4), BENCH_KEEP_INDEXES
# (0: the cold rounds empty the registry's indexes too, see empty_cache),
# BENCH_GEOJSON_TRIES (uncached GeoJSON tries, default 3), and GUNICORN_TIMEOUT (read by the
# project's gunicorn.conf.py, 30 s by default).
set -euo pipefail
cd "$(dirname "$0")/.."

LABEL=${1:?usage: bench/run.sh LABEL [SECONDS]}
DURATION=${2:-15}
PORT=${BENCH_PORT:-8101}
DS_PORT=${BENCH_DS_PORT:-8151}
CONNECTIONS=${BENCH_CONNECTIONS:-4}
OUT=bench/results/$LABEL
SQLITE=bench/out/$LABEL/db.db
mkdir -p "$OUT"
: >"$OUT/phases.txt"
: >"$OUT/results.jsonl"

# shellcheck source=bench/site_env.sh
source bench/site_env.sh

BASE=http://127.0.0.1:$PORT
DS_BASE=http://127.0.0.1:$DS_PORT
SERVER_PID=""
SAMPLER_PID=""
WORKER_PID=""

stop() {
  if [[ -n ${DS_PID:-} ]]; then kill "$DS_PID" 2>/dev/null || true; wait "$DS_PID" 2>/dev/null || true; DS_PID=""; fi
  if [[ -n $WORKER_PID ]]; then kill "$WORKER_PID" 2>/dev/null || true; wait "$WORKER_PID" 2>/dev/null || true; WORKER_PID=""; fi
  if [[ -n $SAMPLER_PID ]]; then kill "$SAMPLER_PID" 2>/dev/null || true; wait "$SAMPLER_PID" 2>/dev/null || true; fi
  if [[ -n $SERVER_PID ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  SERVER_PID=""
  SAMPLER_PID=""
}
trap stop EXIT

wait_for() {
  for _ in $(seq 1 60); do
    if curl -fsS -o /dev/null "$1"; then return 0; fi
    sleep 0.5
  done
  echo "server did not answer: $1" >&2
  return 1
}

# Highest resident memory (KB) of one process among those selected (ps options), sampled every 0.5 s;
# each sample also goes to FILE's series (…_series.txt: seconds since the epoch, KB), which `mark` lines
# (phases.txt) tell apart, to see which part of the run a peak belongs to.
sample_rss() {
  local file=$1
  shift
  echo 0 >"$file"
  : >"${file%_max_kb}_series.txt"
  while true; do
    local rss
    rss=$(ps -o rss= "$@" 2>/dev/null | sort -n | tail -1 | tr -d ' ')
    if [[ -n $rss ]]; then
      echo "$(date +%s.%N) $rss" >>"${file%_max_kb}_series.txt"
      if [[ $rss -gt $(cat "$file") ]]; then echo "$rss" >"$file"; fi
    fi
    sleep 0.5
  done
}

# mark NAME: the run enters its part NAME (phases.txt: seconds since the epoch, name).
mark() {
  echo "$(date +%s.%N) $1" >>"$OUT/phases.txt"
}

# Wait until the server has finished the requests that a previous run left queued (a closed wrk
# connection does not stop a sync worker): two cheap requests at once must both answer quickly.
drain() {
  local url=$1 a b pid
  for _ in $(seq 1 150); do
    curl -s -o /dev/null -m 60 -w '%{time_total}' "$url" >"$OUT/.drain_a" 2>/dev/null &
    pid=$!
    b=$(curl -s -o /dev/null -m 60 -w '%{time_total}' "$url" || echo 99)
    wait "$pid" || true
    a=$(cat "$OUT/.drain_a")
    if [[ $(echo "${a:-99} < 0.3 && ${b:-99} < 0.3" | bc) == 1 ]]; then return 0; fi
    sleep 0.5
  done
}

# load NAME URL [PATHS_FILE]: warm up, then measure, and append one JSON line to results.jsonl.
# With BENCH_MODE=sequential (for endpoints slower than wrk's window), three requests one after
# the other instead, reported the same way.
load() {
  local name=$1 url=$2 paths=${3:-}
  mark "$name"
  drain "$DRAIN_URL"
  if [[ ${BENCH_MODE:-load} == sequential ]]; then
    [[ -n $paths ]] && url=${url%/outils/}$(head -1 "$paths")
    local times
    times=$(for _ in 1 2 3; do curl -s -o /dev/null -m 300 -w '%{time_total}\n' "$url" || echo 300; done | sort -n)
    echo "$times" | awk -v name="$name" -v label="$LABEL" '{t[NR]=$1*1000; s+=$1}
      END {printf "{\"scenario\":\"%s\",\"label\":\"%s\",\"mode\":\"sequential\",\"requests\":3,\"rps\":%.3f,\"p50_ms\":%.0f,\"p95_ms\":%.0f,\"p99_ms\":%.0f,\"max_ms\":%.0f,\"non2xx\":0,\"socket_errors\":0}\n", name, label, 3/s, t[2], t[3], t[3], t[3]}' |
      tee -a "$OUT/results.jsonl"
    return 0
  fi
  # The first request builds what the others read from the cache: waited for alone, so that an entry
  # slow to build (the whole map source at 1M: seconds) is not built inside the measured window.
  [[ -z $paths ]] && { curl -s -o /dev/null -m 300 "$url" || true; }
  wrk -t1 -c"$CONNECTIONS" -d2s -s bench/wrk_report.lua "$url" -- $paths >/dev/null
  drain "$DRAIN_URL"
  local line
  line=$(wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s -s bench/wrk_report.lua "$url" -- $paths |
    sed -n 's/^JSON //p')
  echo "{\"scenario\":\"$name\",\"label\":\"$LABEL\",\"connections\":$CONNECTIONS,${line#\{}" |
    tee -a "$OUT/results.jsonl"
}

# ticks PID...: the CPU time (user and system, in clock ticks) these processes and the children they
# have reaped have used (fields 14-17 of /proc/PID/stat): a worker recycled during a round still counts.
ticks() {
  local total=0 pid
  for pid in "$@"; do
    [[ -r /proc/$pid/stat ]] && total=$((total + $(awk '{print $14 + $15 + $16 + $17}' "/proc/$pid/stat")))
  done
  echo "$total"
}

# cpu_split: the CPU ticks of the server under test (the site's gunicorn or Datasette, with their
# processes), of PostgreSQL and of Redis, space-separated.
cpu_split() {
  local server=$1
  echo "$(ticks "$server" $(pgrep -P "$server")) $(ticks $(pgrep -x postgres)) $(ticks $(pgrep -x redis-server))"
}

# cold NAME BASE PATHS_FILE ROUND [SERVER_PID]: the varied queries of bench/queries.py from line
# ROUND × 1300 on, each sent about once, the cache emptied first. No warm-up run: it would send the
# queries before they are measured. Also records the CPU time each request cost the server, PostgreSQL
# and Redis (milliseconds, all processes together).
cold() {
  local name=$1 base=$2 paths=$3 round=$4 server=${5:-$SERVER_PID} line before after
  mark "$name:$round"
  empty_cache
  before=$(cpu_split "$server")
  line=$(wrk -t1 -c"$CONNECTIONS" -d"${VARIED_SECONDS:-10}s" --timeout 10s -s bench/wrk_report.lua "$base" \
    -- "$paths" $((round * 1300)) | sed -n 's/^JSON //p')
  after=$(cpu_split "$server")
  local requests tick_ms cpu
  requests=$(echo "$line" | sed -n 's/.*"requests":\([0-9]*\).*/\1/p')
  tick_ms=$((1000 / $(getconf CLK_TCK)))
  cpu=$(echo "$before $after" | awk -v n="${requests:-0}" -v ms="$tick_ms" \
    '{if (n > 0) printf "\"server_cpu_ms\":%.2f,\"postgres_cpu_ms\":%.2f,\"redis_cpu_ms\":%.2f,", ($4-$1)*ms/n, ($5-$2)*ms/n, ($6-$3)*ms/n}')
  echo "{\"scenario\":\"$name\",\"label\":\"$LABEL\",\"cold\":true,\"round\":$round,\"connections\":$CONNECTIONS,$cpu${line#\{}" |
    tee -a "$OUT/results.jsonl"
}

# empty_cache: every cached page, count, facet set and map source goes, but the registry's indexes
# (the facet index and the lists of the common words, which jobs build once for each version of the
# registry, as after a change in production) and the version they are of: a search is then made as it
# is between two changes of the registry. BENCH_KEEP_INDEXES=0 empties everything (the method of the
# runs before K: the jobs then rebuild the indexes during each round). The keys kept are Django's
# (prefix ":1:") for FACET_INDEX_KEY and COMMON_WORDS_KEY (tools_registry/filters.py), the lists'
# (common_words._list_key) and cache.VERSION_KEY.
empty_cache() {
  if [[ ${BENCH_KEEP_INDEXES:-1} == 0 ]]; then
    redis-cli -n 5 FLUSHDB >/dev/null
    return
  fi
  redis-cli -n 5 --scan |
    grep -vE '^:1:(registry:version|facet-index:roaring|common-words|common-word:[0-9a-f]{32})$' |
    xargs -r -n 500 redis-cli -n 5 DEL >/dev/null
}

# weight URL: status, bytes, seconds, seconds to the first byte (one request).
weight() {
  curl -s -o /dev/null -w '%{http_code} %{size_download} %{time_total} %{time_starttransfer}' "$1" || true
}

echo "load before the run: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/loadavg.txt"
.venv/bin/python manage.py collectstatic --noinput -v0
redis-cli -n 5 FLUSHDB >/dev/null
QUERIES=$OUT/queries
.venv/bin/python bench/queries.py --database-url "$DATABASE_URL" --out "$QUERIES" --count "${BENCH_QUERIES:-4000}"

echo "== gunicorn on $BASE ($DATABASE_URL)"
# The project's gunicorn.conf.py: threaded workers, one per core.
.venv/bin/gunicorn barometre.wsgi -b "127.0.0.1:$PORT" --log-level warning >"$OUT/gunicorn.log" 2>&1 &
SERVER_PID=$!
# The job worker, as deployed: it rebuilds what is slow to build once it is out of date (README).
.venv/bin/python manage.py db_worker --no-reload >"$OUT/worker.log" 2>&1 &
WORKER_PID=$!
wait_for "$BASE/outils/"
DRAIN_URL=$BASE/api/v1/families/
sample_rss "$OUT/gunicorn_rss_max_kb" --ppid "$SERVER_PID" &
SAMPLER_PID=$!

# Page weights and the uncached GeoJSON (cache emptied before each of three tries).
mark geojson_uncached
GEOJSON_UNCACHED=()
for _ in $(seq 1 "${BENCH_GEOJSON_TRIES:-3}"); do
  redis-cli -n 5 FLUSHDB >/dev/null
  GEOJSON_UNCACHED+=("$(weight "$BASE/api/v1/tools/?format=geojson")")
done
GEOJSON_CACHED=$(weight "$BASE/api/v1/tools/?format=geojson")
GEOJSON_GZIP=$( (curl -s "$BASE/api/v1/tools/?format=geojson" || true) | gzip -6 | wc -c)
mark map_page_uncached
MAP=$(weight "$BASE/carte/")
MAP_GZIP=$(curl -s "$BASE/carte/" | gzip -6 | wc -c)
redis-cli -n 5 FLUSHDB >/dev/null
GEOJSON_FILTERED=$(weight "$BASE/api/v1/tools/?format=geojson&q=budget&family=budget_participatif")
mark csv_download
CSV=$(weight "$BASE/api/v1/tools/?format=csv")
mark geojson_download
GEOJSON_DOWNLOAD=$(weight "$BASE/donnees/outils.geojson")
# The map page's own scripts and style sheets (served by WhiteNoise, compressed on the wire).
MAP_ASSETS=$(curl -s "$BASE/carte/" | grep -oE '(src|href)="/static/[^"]+\.(js|css)"' | sed -E 's/.*="([^"]+)"/\1/' |
  sort -u | while read -r path; do
    curl -s -o /dev/null -H 'Accept-Encoding: gzip' -w '%{size_download}\n' "$BASE$path"
  done | paste -sd+ | bc)
cat >"$OUT/weights.json" <<EOF
{"label": "$LABEL",
 "geojson_uncached": [$(printf '"%s",' "${GEOJSON_UNCACHED[@]}" | sed 's/,$//')],
 "geojson_cached": "$GEOJSON_CACHED", "geojson_gzip_bytes": $GEOJSON_GZIP,
 "geojson_filtered_uncached": "$GEOJSON_FILTERED", "csv_all": "$CSV", "geojson_download": "$GEOJSON_DOWNLOAD",
 "map": "$MAP", "map_gzip_bytes": $MAP_GZIP, "map_static_assets_gzip_bytes": ${MAP_ASSETS:-0}}
EOF
cat "$OUT/weights.json"

# Published tool pages to cycle through.
psql -h 127.0.0.1 -U postgres -d "barometre_bench_$LABEL" -Atc \
  "SELECT '/outils/' || slug || '/' FROM tools_registry_tool WHERE status = 'published' ORDER BY md5(slug) LIMIT 500" \
  >"$OUT/tool_paths.txt"

# Cold varied queries: the site and Datasette in turn, three rounds of each (on a shared machine the
# load of others varies; alternating puts both under the same load), each round on other queries.
if [[ -f $SQLITE ]]; then
  .venv/bin/datasette serve -i "$SQLITE" -h 127.0.0.1 -p "$DS_PORT" \
    --setting default_page_size 50 --setting sql_time_limit_ms 10000 >"$OUT/datasette.log" 2>&1 &
  DS_PID=$!
  wait_for "$DS_BASE/db/tools.json?_size=1"
  curl -fsS -o /dev/null "$DS_BASE/db/tools?_search=warm&_facet=family"
fi

# The registry's indexes, built once as the job worker builds them after a change (timed): the cold
# rounds then find them, as searches do between two changes of the registry. (Until now the cache was
# emptied whole, so that what is measured above is uncached, the workers' own copies included: a new
# registry version.)
mark indexes
if [[ ${BENCH_KEEP_INDEXES:-1} != 0 ]]; then
  redis-cli -n 5 FLUSHDB >/dev/null
  .venv/bin/python manage.py shell -v0 -c '
import time
from tools_registry import filters
# The indexes the checkout has (an older one has fewer).
for name in ("refresh_facet_index", "refresh_common_words"):
    if hasattr(filters, name):
        started = time.monotonic()
        getattr(filters, name)()
        print(f"{name}: {time.monotonic() - started:.1f} s")
' | tee "$OUT/indexes.txt"
fi
curl -fsS -o /dev/null "$BASE/outils/?q=warm"  # the processes warm (imports, templates)
curl -fsS -o /dev/null "$BASE/api/v1/tools/?q=warm"
for round in 0 1 2; do
  drain "$DRAIN_URL"
  cold catalogue_varied "$BASE/outils/" "$QUERIES/catalogue.txt" $round
  [[ -n ${DS_PID:-} ]] && cold datasette_html_facets_varied "$DS_BASE/db/tools" "$QUERIES/datasette_html.txt" $round "$DS_PID"
  drain "$DRAIN_URL"
  cold api_list_varied "$BASE/api/v1/tools/" "$QUERIES/api.txt" $round
  [[ -n ${DS_PID:-} ]] && cold datasette_json_varied "$DS_BASE/db/tools.json" "$QUERIES/datasette_json.txt" $round "$DS_PID"
done
if [[ -n ${DS_PID:-} ]]; then kill "$DS_PID"; wait "$DS_PID" 2>/dev/null || true; fi
# Repeated query (cached): one URL again and again, answered from the cache after the first time.
load catalogue_search "$BASE/outils/?q=budget&family=budget_participatif"
load catalogue_all "$BASE/outils/"
load tool_page "$BASE/outils/" "$OUT/tool_paths.txt"
load api_list_search "$BASE/api/v1/tools/?q=budget&family=budget_participatif"
load api_list_all "$BASE/api/v1/tools/"
load geojson_cached "$BASE/api/v1/tools/?format=geojson"
load map_page "$BASE/carte/"
mark end
echo "gunicorn worker RSS now (KB): $(ps -o rss= --ppid "$SERVER_PID" | tr '\n' ' ')" | tee "$OUT/gunicorn_rss_now.txt"
echo "gunicorn worker RSS max (KB): $(cat "$OUT/gunicorn_rss_max_kb")"
stop

if [[ -f $SQLITE ]]; then
  echo "== datasette on $DS_BASE ($SQLITE)"
  .venv/bin/datasette serve -i "$SQLITE" -h 127.0.0.1 -p "$DS_PORT" \
    --setting default_page_size 50 --setting sql_time_limit_ms 10000 >"$OUT/datasette.log" 2>&1 &
  SERVER_PID=$!
  wait_for "$DS_BASE/db/tools.json?_size=1"
  DRAIN_URL=$DS_BASE/-/versions.json
  sample_rss "$OUT/datasette_rss_max_kb" -p "$SERVER_PID" &
  SAMPLER_PID=$!
  RANKED_SQL="select t.* from tools t join tools_fts f on f.rowid = t.rowid where tools_fts match :q and t.family = :family order by bm25(tools_fts) limit 50"
  RANKED_URL="$DS_BASE/db.json?_shape=objects&q=budget&family=budget_participatif&sql=$(
    .venv/bin/python -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$RANKED_SQL")"
  echo "{\"label\": \"$LABEL\", \"datasette_table_page\": \"$(weight "$DS_BASE/db/tools")\"," \
    "\"datasette_search_json\": \"$(weight "$DS_BASE/db/tools.json?_search=budget&family=budget_participatif")\"}" \
    >"$OUT/datasette_weights.json"
  # Datasette's JSON computes "suggested facets" unless told not to (_nosuggest=1): the strict peer
  # is the faster one; the default is measured too.
  load datasette_search "$DS_BASE/db/tools.json?_search=budget&family=budget_participatif&_nosuggest=1"
  load datasette_search_default "$DS_BASE/db/tools.json?_search=budget&family=budget_participatif"
  load datasette_search_ranked "$RANKED_URL"
  load datasette_all "$DS_BASE/db/tools.json?_nosuggest=1"
  echo "datasette RSS max (KB): $(cat "$OUT/datasette_rss_max_kb")"
  stop
fi
