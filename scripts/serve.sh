#!/usr/bin/env bash
# Serve the archive as a public, read-only Datasette site.
#
#   scripts/serve.sh DB [more datasette options]     e.g. scripts/serve.sh archive.db -h 0.0.0.0 -p 8080
#
# Datasette names a database after its file stem and the templates/metadata expect it to be called
# "archive", so a DB with any other file name is served through an "archive.db" symlink in a
# temporary directory (removed on exit). Options after DB override the defaults below (the last
# -h/-p/--setting wins). The database is opened immutable (-i): nothing the site runs can write to it.
#
# The process's private memory (heap, thread stacks; not the memory-mapped database) is capped at
# ARCHIVE_MEMORY_LIMIT_MB (default 2048, 0 for none): past it an allocation fails, and the request that
# made it gets an error page instead of the machine running out of memory. Restarting a server that dies is
# the supervisor's job (deploy/: systemd units, or deploy/local.py).
set -euo pipefail

if [[ $# -lt 1 || ! -f "$1" ]]; then
    echo "usage: $0 DB [datasette options]" >&2
    exit 2
fi
db="$(realpath "$1")"
shift
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ -x "$root/.venv/bin/datasette" ]]; then
    datasette="$root/.venv/bin/datasette"
else
    datasette="datasette"
fi

memory_limit_mb="${ARCHIVE_MEMORY_LIMIT_MB:-2048}"
if [[ "$memory_limit_mb" != 0 ]]; then
    ulimit -d $((memory_limit_mb * 1024))
fi

args=(
    serve
    --metadata "$root/metadata.yml"
    --plugins-dir "$root/plugins"
    --template-dir "$root/templates"
    --static "assets:$root/static"
    -h 127.0.0.1 -p 8001
    # Public-site limits: a runaway query is interrupted, facets stay cheap, downloads stay on.
    --setting sql_time_limit_ms 2000
    --setting facet_time_limit_ms 1000
    --setting facet_suggest_time_limit_ms 50
    --setting suggest_facets off
    --setting max_returned_rows 1000
    --setting default_page_size 50
    --setting default_facet_size 15
    --setting truncate_cells_html 300
    --setting default_cache_ttl 3600
    --setting allow_download on
    --setting allow_csv_stream on
    # A streamed CSV stops (with a notice) after this many megabytes.
    --setting max_csv_mb 100
    # SQLite releases the GIL while a query runs, so a few more threads than the 2 cores helps.
    --setting num_sql_threads 3
)

if [[ "$(basename "$db")" == "archive.db" ]]; then
    exec "$datasette" "${args[@]}" -i "$db" "$@"
fi

link_dir="$(mktemp -d)"
ln -s "$db" "$link_dir/archive.db"
"$datasette" "${args[@]}" -i "$link_dir/archive.db" "$@" &
child=$!
trap 'kill -TERM "$child" 2>/dev/null' TERM INT
status=0
wait "$child" || status=$?
# A trapped signal interrupts the first wait; wait again for datasette to finish shutting down.
wait "$child" 2>/dev/null || true
rm -rf "$link_dir"
exit "$status"
