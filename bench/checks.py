"""Benchmark: source checks on real workers against a slow local server.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck REDIS_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python bench/checks.py [--sources 500] [--latency 0.2] \\
        [--workers 2] [--threads 16]

A server on 127.0.0.2 answers every request after ``--latency`` seconds. The script makes a
fresh ``<name>_bench`` database, adds the sources, starts ``--workers`` Celery processes with a
thread pool of ``--threads`` each on the ``checks`` queue, queues every check and times until
all are done. Ideal = sources × latency ÷ (workers × threads). It also reports each worker's
peak memory. Everything runs on loopback; the per-host limit is lifted because every source
lives on the one local host.
"""

import argparse
import http.server
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg

PROJECT_DIR = Path(__file__).resolve().parent.parent
HOST = "127.0.0.2"
PAGE = (
    "<!doctype html><html><head><title>Rapport {n}</title></head><body><article>"
    "<p>Le chômage a reculé de 180 000 en 2024, selon l'Insee, soit 7,1 % de la population "
    "active. Il s'agit du niveau le plus bas depuis 1982.</p></article></body></html>"
)


class SlowPages(http.server.BaseHTTPRequestHandler):
    latency = 0.2

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        time.sleep(self.latency)
        body = PAGE.format(n=self.path).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def vm_hwm_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sources", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=16)
    args = parser.parse_args()

    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/factcheck")
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/5")
    server_url, name = base_url.rsplit("/", 1)
    bench_url = f"{server_url}/{name}_bench"
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}_bench"')
        conn.execute(f'CREATE DATABASE "{name}_bench"')
    env = {
        **os.environ,
        "DATABASE_URL": bench_url,
        "REDIS_URL": redis_url,
        "SOURCE_FETCH_ALLOWED_NETWORKS": f"{HOST}/32",
        "SOURCE_FETCH_PER_HOST": "100000",
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
    }
    os.environ.update(env)
    manage = [sys.executable, str(PROJECT_DIR / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
    subprocess.run(["redis-cli", "-u", redis_url, "flushdb"], check=True, capture_output=True)

    SlowPages.latency = args.latency
    server = http.server.ThreadingHTTPServer((HOST, 0), SlowPages)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]

    sys.path.insert(0, str(PROJECT_DIR))
    import django

    django.setup()
    from claims.checking.checks import enqueue
    from claims.models import Claim, Source, SourceCheck

    claim = Claim.objects.create(text="Le chômage a reculé de 180 000 en 2024.", language="fr")
    sources = Source.objects.bulk_create(
        Source(claim=claim, url=f"http://{HOST}:{port}/page/{n}") for n in range(args.sources)
    )
    checks = SourceCheck.objects.bulk_create(
        SourceCheck(source=s, url=s.url, reason="benchmark") for s in sources
    )
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "factcheck",
                "worker",
                "--queues=checks",
                "--pool=threads",
                f"--concurrency={args.threads}",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=WARNING",
                f"--hostname=bench{i}@%h",
            ],
            cwd=PROJECT_DIR,
            env=env,
            start_new_session=True,
        )
        for i in range(args.workers)
    ]
    try:
        from factcheck.celery import app

        deadline = time.monotonic() + 60
        while len(app.control.ping(timeout=0.5) or []) < args.workers:
            if time.monotonic() > deadline:
                raise SystemExit("workers did not start")
        started = time.perf_counter()
        for check in checks:
            enqueue(check.pk)
        while SourceCheck.objects.exclude(state__in=["done", "failed"]).exists():
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        memory = [vm_hwm_mb(w.pid) for w in workers]
        states = dict(
            SourceCheck.objects.values_list("state").annotate(n=django.db.models.Count("id"))
        )
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait()
        server.shutdown()
        django.db.connections.close_all()
        with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}_bench"')
    concurrency = args.workers * args.threads
    ideal = args.sources * args.latency / concurrency
    print(
        f"{args.sources} sources, {args.latency * 1000:.0f} ms each, "
        f"{args.workers} workers × {args.threads} threads = {concurrency} in flight"
    )
    print(f"states: {states}")
    print(f"wall time {elapsed:.2f} s, ideal {ideal:.2f} s → {elapsed / ideal:.2f}× (goal ≤ 1.5×)")
    print(f"peak memory per worker process: {', '.join(f'{m:.0f} MB' for m in memory)}")


if __name__ == "__main__":
    main()
