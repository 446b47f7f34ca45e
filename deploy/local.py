#!/usr/bin/env python3
"""The production recipe on one machine: the release step, several Datasette workers, nginx in front.

    deploy/local.py DB [--port 8080] [--workers 3] [--dir build/deploy] [--worker-memory-mb 1024]
    deploy/local.py --print-nginx-site [--release-dir /srv/archive/release] [--worker-ports 8101,8102]

1. releases DB into DIR/release (deploy/release.py: the file, its SHA-256, a gzip copy), unless that is
   already done for this DB;
2. writes DIR/nginx.conf around deploy/nginx/archive.conf (the same site file production uses);
3. starts the workers (scripts/serve.sh on the released file, each on a free local port) and nginx, and
   supervises them until interrupted: a process that exits is started again (after a pause that grows if
   it keeps dying), and a worker whose private memory passes the limit is restarted (each worker's heap is
   also capped by serve.sh's ARCHIVE_MEMORY_LIMIT_MB, set here 50% above it).

With --print-nginx-site it only prints the nginx site file for production (see deploy/README.md).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent
REPO = DEPLOY.parent
sys.path.insert(0, str(DEPLOY))

from release import NAME, release  # noqa: E402

CHECK_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 30.0
START_TIMEOUT_SECONDS = 120.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def is_released(db: Path, release_dir: Path) -> bool:
    """Is ``release_dir`` already the release of ``db`` (same size, and written after it)?"""
    files = [release_dir / NAME, release_dir / f"{NAME}.gz", release_dir / f"{NAME}.sha256"]
    if not all(path.exists() for path in files):
        return False
    released = files[0].stat()
    return released.st_size == db.stat().st_size and released.st_mtime >= db.stat().st_mtime


def nginx_site(listen: str, worker_ports: list[int], release_dir: Path, cache_dir: Path) -> str:
    """deploy/nginx/archive.conf with its placeholders filled in."""
    servers = "\n".join(f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=2s;" for port in worker_ports)
    values = {"@UPSTREAM_SERVERS@": servers, "@LISTEN@": listen, "@RELEASE_DIR@": str(release_dir),
              "@CACHE_DIR@": str(cache_dir), "@DEPLOY_DIR@": str(DEPLOY)}
    return re.sub("|".join(values), lambda match: values[match.group()],
                  (DEPLOY / "nginx" / "archive.conf").read_text())


def nginx_main(workdir: Path, site: Path, access_log: bool = False) -> str:
    """A whole nginx.conf for running nginx from ``workdir`` in the foreground, including ``site``."""
    log = (f"log_format timed '$status $request_time $upstream_cache_status \"$request_uri\"';\n"
           f"    access_log {workdir}/logs/access.log timed;") if access_log else "access_log off;"
    # Started as root (as in this project's containers), nginx would switch its workers to nobody, who may
    # not reach a working folder under a private directory; this local replica keeps the caller's user.
    # Production runs Debian's nginx, whose workers are www-data (deploy/README.md).
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""{user}worker_processes auto;
pid {workdir}/nginx.pid;
daemon off;
error_log {workdir}/logs/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    {log}
    client_body_temp_path {workdir}/tmp/body;
    proxy_temp_path {workdir}/tmp/proxy;
    fastcgi_temp_path {workdir}/tmp/fastcgi;
    uwsgi_temp_path {workdir}/tmp/uwsgi;
    scgi_temp_path {workdir}/tmp/scgi;
    include {site};
}}
"""


def private_memory_mb(pid: int) -> float:
    """Anonymous resident memory of a process (its own; the memory-mapped database is not counted)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return 0.0
    match = re.search(r"RssAnon:\s+(\d+) kB", status)
    return int(match.group(1)) / 1024 if match else 0.0


@dataclass
class Child:
    """A supervised process: how to start it, and what became of it."""

    name: str
    argv: list[str]
    log: Path
    env: dict[str, str] = field(default_factory=dict)
    memory_limit_mb: float | None = None
    process: subprocess.Popen | None = None
    restarts: int = 0
    next_start: float = 0.0

    def start(self) -> None:
        with self.log.open("a") as log:
            self.process = subprocess.Popen(self.argv, stdout=log, stderr=subprocess.STDOUT,
                                            env={**os.environ, **self.env}, start_new_session=True)

    def stop(self, timeout: float = 10.0) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Supervisor:
    """Keeps children running: restarts the ones that exit or outgrow their memory limit."""

    def __init__(self, children: list[Child]) -> None:
        self.children = children
        self.stopping = False

    def check(self) -> None:
        now = time.monotonic()
        for child in self.children:
            process = child.process
            if process is None or process.poll() is not None:
                if process is not None and child.next_start == 0.0:
                    child.restarts += 1
                    delay = min(MAX_BACKOFF_SECONDS, 2 ** min(child.restarts - 1, 5))
                    child.next_start = now + delay
                    log(f"{child.name} exited with {process.returncode}; "
                        f"restart {child.restarts} in {delay} s")
                if now >= child.next_start:
                    child.start()
                    child.next_start = 0.0
            elif child.memory_limit_mb and private_memory_mb(process.pid) > child.memory_limit_mb:
                log(f"{child.name} uses more than {child.memory_limit_mb:.0f} MB; restarting it")
                child.stop()

    def stop(self, *_signal) -> None:
        self.stopping = True


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def wait_until_answering(url: str, children: list[Child]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        for child in children:
            if child.process.poll() is not None:
                raise SystemExit(f"{child.name} exited at start; see {child.log}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"nothing answered at {url} within {START_TIMEOUT_SECONDS:.0f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", type=Path, nargs="?", help="the built database to release and serve")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--workers", type=int, default=3, help="Datasette processes (default 3)")
    parser.add_argument("--dir", type=Path, default=REPO / "build" / "deploy", help="working folder")
    parser.add_argument("--worker-memory-mb", type=float, default=1024,
                        help="restart a worker whose private memory passes this (default 1024)")
    parser.add_argument("--access-log", action="store_true", help="log each request's time and cache status")
    parser.add_argument("--print-nginx-site", action="store_true", help="print the production site file")
    parser.add_argument("--release-dir", type=Path, default=Path("/srv/archive/release"))
    parser.add_argument("--worker-ports", default="8101,8102,8103")
    args = parser.parse_args(argv)
    if args.print_nginx_site:
        ports = [int(port) for port in args.worker_ports.split(",")]
        print(nginx_site("80", ports, args.release_dir, Path("/var/cache/nginx/archive")))
        return 0
    if args.db is None or not args.db.is_file():
        parser.error("DB must be a database file")

    workdir = args.dir.resolve()
    release_dir = workdir / "release"
    if not is_released(args.db, release_dir):
        log(f"releasing {args.db} into {release_dir} (SHA-256 and gzip copy; once per build)")
        release(args.db, release_dir)
    for folder in ("logs", "tmp", "cache"):
        shutil.rmtree(workdir / folder, ignore_errors=True)
        (workdir / folder).mkdir(parents=True)

    ports = [free_port() for _ in range(args.workers)]
    site = workdir / "archive.conf"
    site.write_text(nginx_site(f"127.0.0.1:{args.port}", ports, release_dir, workdir / "cache"))
    (workdir / "nginx.conf").write_text(nginx_main(workdir, site, args.access_log))
    nginx = ["nginx", "-p", str(workdir), "-c", str(workdir / "nginx.conf")]
    subprocess.run([*nginx, "-t", "-q"], check=True)

    memory_env = {"ARCHIVE_MEMORY_LIMIT_MB": str(int(args.worker_memory_mb * 1.5))}
    workers = [Child(f"worker {port}", [str(REPO / "scripts" / "serve.sh"), str(release_dir / NAME),
                                        "-h", "127.0.0.1", "-p", str(port)],
                     workdir / "logs" / f"worker-{port}.log", memory_env, args.worker_memory_mb)
               for port in ports]
    front = Child("nginx", nginx, workdir / "logs" / "nginx.log")
    supervisor = Supervisor([*workers, front])
    signal.signal(signal.SIGTERM, supervisor.stop)
    signal.signal(signal.SIGINT, supervisor.stop)
    try:
        # Workers first: nginx would mark a worker that refuses connections as down for a while.
        for worker in workers:
            worker.start()
        for worker, port in zip(workers, ports, strict=True):
            wait_until_answering(f"http://127.0.0.1:{port}/-/versions.json", [worker])
        front.start()
        wait_until_answering(f"http://127.0.0.1:{args.port}/-/versions.json", [front])
        log(f"serving http://127.0.0.1:{args.port}/ with {args.workers} workers (ports {ports}); logs in "
            f"{workdir / 'logs'}")
        while not supervisor.stopping:
            supervisor.check()
            time.sleep(CHECK_SECONDS)
    finally:
        for child in reversed(supervisor.children):
            child.stop()
        log("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
