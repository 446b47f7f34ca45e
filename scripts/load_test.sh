#!/usr/bin/env bash
# Load test of the public site on 127.0.0.1 (bounded: it stops by itself).
#
#   scripts/load_test.sh DB [SECONDS] [CONNECTIONS]        e.g. scripts/load_test.sh corpus.db 60 50
#   WORKERS=3 scripts/load_test.sh DB [SECONDS] [CONNECTIONS]
#   NOCACHE=1 ...: every request carries a random parameter, so nginx's micro-cache never answers
#
# Serves DB with scripts/serve.sh on a free local port (one process) or, with WORKERS=N, with the production
# recipe (deploy/local.py: N workers behind nginx; its release of DB is kept in DEPLOY_DIR, default
# build/load-test-deploy, so it is written once per build), then:
#   1. a short baseline (BASELINE_SECONDS, default 15) of wrk on a mix of real URLs picked from DB:
#      home, search in English and Chinese, faceted and filtered tables, article, person, place and
#      outlet pages, JSON and CSV;
#   2. the same mix for SECONDS (default 60) at CONNECTIONS (default 50) while one extra client keeps
#      sending expensive ad-hoc SQL (cross joins, endless recursion, full scans, huge strings), which
#      the site's time limit must stop;
# sampling the server's RSS every 5 seconds (the sum over the workers with WORKERS=N), and finally counting
# errors in the server log(s).
set -euo pipefail

if [[ $# -lt 1 || ! -f "$1" ]]; then
    echo "usage: $0 DB [SECONDS] [CONNECTIONS]" >&2
    exit 2
fi
db="$(realpath "$1")"
duration="${2:-60}"
connections="${3:-50}"
baseline="${BASELINE_SECONDS:-15}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="$root/.venv/bin/python"
[[ -x "$python" ]] || python=python3
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }

work="$(mktemp -d)"
server=""
cleanup() {
    if [[ -n "$server" ]]; then
        kill -TERM "$server" 2>/dev/null || true
        timeout 15 tail --pid="$server" -f /dev/null || kill -KILL "$server" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

port="$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
workers="${WORKERS:-0}"
deploy_dir="${DEPLOY_DIR:-$root/build/load-test-deploy}"
if [[ "$workers" -gt 0 ]]; then
    "$python" "$root/deploy/local.py" "$db" --port "$port" --workers "$workers" --dir "$deploy_dir" \
        >"$work/server.log" 2>&1 &
else
    "$root/scripts/serve.sh" "$db" -h 127.0.0.1 -p "$port" >"$work/server.log" 2>&1 &
fi
server=$!
# Ready when the site answers (and, with workers, when deploy/local.py says every worker does).
for _ in $(seq 1 6000); do
    if curl -s -o /dev/null "$base/-/versions.json"; then
        [[ "$workers" -eq 0 ]] || grep -q "serving http" "$work/server.log" && break
    fi
    kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
    sleep 0.1
done
# The Datasette processes: the one listening on the port, or every worker in nginx's upstream.
if [[ "$workers" -gt 0 ]]; then
    worker_ports="$(grep -o 'server 127.0.0.1:[0-9]*' "$deploy_dir/archive.conf" | cut -d: -f2)"
else
    worker_ports="$port"
fi
datasette_pids=""
for p in $worker_ports; do
    datasette_pids+="$(ss -ltnpH "sport = :$p" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2) "
done

# The URL mix: real ids and names from DB; repeated lines weigh a page type more.
"$python" - "$db" >"$work/urls.txt" <<'PY'
import sqlite3, sys
from urllib.parse import quote

conn = sqlite3.connect(f"file:{sys.argv[1]}?immutable=1", uri=True)
def ids(sql): return [row[0] for row in conn.execute(sql)]
articles = ids("select id from articles order by random() limit 60")
people = ids("select id from people where article_count > 0 order by article_count desc limit 20")
places = ids("select id from places where article_count > 0 order by article_count desc limit 10")
outlets = ids("select id from outlets where article_count > 0 order by article_count desc limit 8")
names = [row[0] for row in conn.execute(
    "select coalesce(name_zh, name) from people where article_count > 0 order by article_count desc limit 5")]
terms = ["tariffs", "Taiwan Strait", "export controls", "中美关系", "贸易战", "香港", *names]
paths = ["/"] * 6
paths += [f"/search?q={quote(t)}" for t in terms] * 2
paths += [f"/archive/articles?_search={quote(t)}" for t in terms[:4]]
paths += ["/archive/articles", "/archive/articles?language=zh", "/archive/articles?language=en"]
paths += [f"/archive/articles?outlet_id={o}" for o in outlets[:4]]
paths += [f"/archive/articles?_m2m_people={p}" for p in people[:4]]
paths += [f"/archive/articles/{a}" for a in articles]
paths += [f"/archive/people/{p}" for p in people] + [f"/archive/places/{p}" for p in places]
paths += [f"/archive/outlets/{o}" for o in outlets] + ["/archive/people", "/archive/places_map"]
paths += [f"/archive/articles/{a}.json" for a in articles[:10]] + ["/archive/articles.json?_size=20"] * 3
paths += [f"/archive/people/{p}.json" for p in people[:5]]
paths += [f"/archive/articles.csv?_size=50&outlet_id={o}" for o in outlets[:3]] + ["/archive/people.csv"]
paths += [f"/archive/ranked_search?q={quote(t)}" for t in terms[:3]]
print("\n".join(paths))
PY
echo "URL mix: $(wc -l <"$work/urls.txt") paths ($(sort -u "$work/urls.txt" | wc -l) distinct) from $db"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the test"

run_wrk() {
    wrk -t2 -c"$connections" -d"${1}s" --timeout 10s -s "$root/scripts/load_test.lua" "$base" -- \
        "$work/urls.txt" "$([[ -n "${NOCACHE:-}" ]] && echo nocache)"
}

# One client sending expensive SQL, one query after another, until told to stop.
expensive_sql() {
    local queries=(
        "select count(*) from articles a, articles b, articles c"
        "with recursive r(i) as (select 1 union all select i + 1 from r) select count(*) from r"
        "select count(*) from articles where body like '%zzzz%' or title like '%qqqq%'"
        "select length(group_concat(body)) from articles"
        "select length(randomblob(900000000))"
        "select a.id from articles a join articles b on a.body > b.body order by random() limit 1"
    )
    local n=0
    while [[ ! -e "$work/stop" ]]; do
        local sql="${queries[$((n % ${#queries[@]}))]}"
        curl -s -o /dev/null -G --max-time 60 -w "%{http_code} %{time_total}\n" \
            --data-urlencode "sql=$sql" "$base/archive.json" >>"$work/expensive.txt" || echo "000 60" >>"$work/expensive.txt"
        n=$((n + 1))
    done
}

# RssAnon is the server's own memory; RssFile is mostly the memory-mapped database (page cache, shared).
sample_rss() {
    while [[ ! -e "$work/stop" ]]; do
        for pid in $datasette_pids; do cat "/proc/$pid/status"; done 2>/dev/null |
            awk '/^RssAnon/ { anon += $2 } /^RssFile/ { file += $2 }
                 END { printf "RssAnon: %d RssFile: %d\n", anon / 1024, file / 1024 }' >>"$work/rss.txt"
        sleep 5
    done
}

echo
echo "== baseline: ${baseline} s, $connections connections"
run_wrk "$baseline"

echo
echo "== load: ${duration} s, $connections connections, plus one client sending expensive SQL"
sample_rss &
sampler=$!
expensive_sql &
hog=$!
run_wrk "$duration"
touch "$work/stop"
wait "$hog" "$sampler"

echo
echo "== expensive SQL client"
awk '{ n++; codes[$1]++; if ($2 > max) max = $2; total += $2 }
     END { printf "queries %d, statuses:", n; for (c in codes) printf " %s: %d", c, codes[c];
           printf "; time per query: mean %.2f s, max %.2f s\n", total / n, max }' "$work/expensive.txt"
echo "(the site's sql_time_limit_ms is 2000: each query should end in about 2 s with status 400)"

echo
echo "== slowest pages (one request each, after the load)"
# wrk's timed-out requests are still being answered: let the server drain first.
for _ in $(seq 1 60); do
    [[ "$(curl -s -o /dev/null -w '%{time_total}' "$base/-/versions.json")" < "0.2" ]] && break
    sleep 0.5
done
sort -u "$work/urls.txt" | while read -r path; do
    curl -s -o /dev/null -w "%{time_total} %{http_code} $path\n" --max-time 30 "$base$path"
done | sort -rn | head -8

echo
echo "== server memory (MB, every 5 s, all Datasette processes): anonymous / file-backed (mmap of the database)"
awk '{ printf "%d/%d ", $2, $4 } END { print "" }' "$work/rss.txt"

echo
echo "== server log"
logs=("$work/server.log")
if [[ "$workers" -gt 0 ]]; then
    logs+=("$deploy_dir"/logs/worker-*.log)
fi
echo "5xx responses logged: $(cat "${logs[@]}" | grep -c '" 5[0-9][0-9] ' || true)"
echo "tracebacks: $(cat "${logs[@]}" | grep -c 'Traceback' || true)"
echo "SQL errors (interrupted or failed queries): $(cat "${logs[@]}" | grep -c '^ERROR: conn=' || true)"
cat "${logs[@]}" | grep -v '^INFO:\|^ERROR: conn=' | grep -i 'error\|exception' | sort | uniq -c | sort -rn |
    head -5 || true
