"""Benchmark: the partner API under load, each answer against a constant JSON response of the
same size; a full sync of every published verdict through the cursor; the DataFeed export.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck REDIS_URL=redis://127.0.0.1:6379/5 \\
        flock /tmp/factcheck-bench.lock .venv/bin/python bench/api.py [--reviews 100000] \\
        [--duration 10] [--rounds 2] [--threads 2] [--connections 8] [--workers 2] \\
        [--page-size 50] [--sync-page-sizes 200,50] [--keep]

It makes a fresh ``<name>_api_bench`` database beside the one DATABASE_URL names (so
``factcheck_api_bench``), migrates it, runs ``generate_fake_data --reviews N --seed 1`` and
``VACUUM ANALYZE``, and starts gunicorn as in production (``factcheck.wsgi``, DEBUG=0, sync
workers, no access log) on 127.0.0.1 with the bench-only settings ``bench.benchsite.settings``:
the product's URLs plus ``api/v1/bench/constant/<size>`` (that many bytes of JSON) and
``api/v1/bench/not-modified`` (a bare 304), under ``/api/v1/`` so that the same middleware runs.
The anonymous rate limit is raised out of the way (``API_ANON_RATE``), but still counted in
Redis on every request, as in production.

1. wrk (``/usr/bin/wrk``, as bench/public_pages.py) loads each API answer, then the constant
   response of the same size, alternating ``--rounds`` times after 3 s warm-ups: a sync feed
   page of ``--page-size`` (20 positions in the feed, cycled), a review's detail (20 cycled), and
   the feed page again with the ETag in ``If-None-Match`` (a 304), on a server as in production,
   where a repeated request gets the answer kept under the version stamp (claims/api/caching.py);
   then the page and the detail again on a server that keeps nothing (``API_CACHE_SECONDS=0``),
   so each answer is built afresh. The ratio of the request rates is the figure (goals: ≥ 50 %
   for a page, ≥ 80 % for a 304).
2. A full sync: a fresh one-worker gunicorn, then one Python client walks the feed from the
   start through ``next`` until ``has_more`` is false, for each of ``--sync-page-sizes``: wall
   time, pages, items (checked: every published verdict once), and the worker's RSS before and
   after and its peak (``VmHWM`` in /proc/<pid>/status, reset before the walk).
3. The DataFeed: a fresh one-worker gunicorn again, ``GET /api/v1/datafeed`` read to the end:
   time to the first byte and to the last, bytes, elements (checked), the worker's peak RSS.
4. CPU time per request measured in process (Django test client, this process plus its
   PostgreSQL backend), which a busy machine does not blur.

The database is dropped at the end (``--keep`` leaves it, for profiling: drop it yourself), and
the cache keys the run made are deleted (under a prefix of its own). Run it under
``flock /tmp/factcheck-bench.lock`` on a shared machine, so that benchmarks never overlap. When
others edit the checkout, measure a commit instead of the work tree: ``git archive HEAD | tar -x
-C DIR``, then run ``DIR/bench/api.py`` with ``BENCH_COMMIT=<id>`` (this virtualenv works: the
script's own folder comes first on the import path).
"""

import argparse
import http.client
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from public_pages import HOST, cpu_per_request, fetch, free_port, measure

PROJECT_DIR = Path(__file__).resolve().parent.parent
SAMPLES = 20  # feed positions and details cycled through by wrk
RSS_FIELDS = ("VmRSS", "VmHWM")


def start_gunicorn(env, workers):
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "factcheck.wsgi",
            f"--bind={HOST}:{port}",
            f"--workers={workers}",
            "--worker-class=sync",
            "--log-level=warning",
            # The full sync and the DataFeed take their time: only a stuck worker is killed.
            "--timeout=600",
        ],
        cwd=PROJECT_DIR,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            if fetch(port, "/api/v1/bench/constant/2")[0] == 200:
                break
        except OSError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            stop(server)
            raise SystemExit("gunicorn did not start")
        time.sleep(0.2)
    return server, port


def stop(server):
    if server is not None and server.poll() is None:
        server.terminate()  # the arbiter stops its workers
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def workers_of(server):
    """Pids of the arbiter's worker processes."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    return [int(pid) for pid in children]


def memory(pid):
    """``{"VmRSS": MB, "VmHWM": MB}`` of a process."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        field, _, rest = line.partition(":")
        if field in RSS_FIELDS:
            values[field] = int(rest.split()[0]) / 1024
    return values


def reset_peak(pid):
    """Start VmHWM afresh from the current RSS (Linux ≥ 4.0; needs the right to write there).
    Returns False if not allowed: the peak is then since the worker started."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def get_json(port, path):
    status, _headers, body = fetch(port, path)
    if status != 200:
        raise SystemExit(f"{path} answered {status}: {body[:300]!r}")
    return json.loads(body)


def full_sync(env, page_size, expected):
    """Walk the whole feed through its cursor on a fresh one-worker server."""
    server, port = start_gunicorn(env, 1)
    try:
        (worker,) = workers_of(server)
        get_json(port, f"/api/v1/reviews/?page_size={page_size}")  # imports, first queries
        before = memory(worker)
        reset = reset_peak(worker)
        seen = set()
        pages = items = tombstones = 0
        path = f"/api/v1/reviews/?page_size={page_size}"
        started = time.perf_counter()
        client_cpu = time.process_time()
        while True:
            body = get_json(port, path)
            pages += 1
            for item in body["results"]:
                items += 1
                if item["deleted"]:
                    tombstones += 1
                    seen.discard(item["id"])
                else:
                    seen.add(item["id"])
            if not body["has_more"]:
                break
            next_url = urlsplit(body["next"])
            path = f"{next_url.path}?{next_url.query}"
        seconds = time.perf_counter() - started
        client_cpu = time.process_time() - client_cpu
        after = memory(worker)
    finally:
        stop(server)
    if len(seen) != expected:
        raise SystemExit(f"the sync found {len(seen):,} published verdicts, not {expected:,}")
    return {
        "page_size": page_size,
        "seconds": seconds,
        "client_cpu": client_cpu,
        "pages": pages,
        "items": items,
        "tombstones": tombstones,
        "before": before,
        "after": after,
        "peak_reset": reset,
    }


def datafeed(env, expected):
    """Stream the whole DataFeed on a fresh one-worker server."""
    server, port = start_gunicorn(env, 1)
    try:
        (worker,) = workers_of(server)
        get_json(port, "/api/v1/reviews/?page_size=1")  # imports, first queries
        before = memory(worker)
        reset = reset_peak(worker)
        conn = http.client.HTTPConnection(HOST, port, timeout=600)
        started = time.perf_counter()
        conn.request("GET", "/api/v1/datafeed")
        response = conn.getresponse()
        if response.status != 200:
            raise SystemExit(f"the DataFeed answered {response.status}")
        first = None
        chunks = []
        while chunk := response.read1(1 << 16):
            if first is None:
                first = time.perf_counter() - started
            chunks.append(chunk)
        seconds = time.perf_counter() - started
        conn.close()
        after = memory(worker)
    finally:
        stop(server)
    body = b"".join(chunks)
    elements = len(json.loads(body)["dataFeedElement"])
    if elements != expected:
        raise SystemExit(f"the DataFeed holds {elements:,} elements, not {expected:,}")
    return {
        "seconds": seconds,
        "first_byte": first,
        "bytes": len(body),
        "elements": elements,
        "before": before,
        "after": after,
        "peak_reset": reset,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--page-size", type=int, default=50)
    parser.add_argument("--sync-page-sizes", default="200,50")
    parser.add_argument("--skip-load", action="store_true", help="no wrk step (profiling)")
    parser.add_argument("--keep", action="store_true", help="leave the database in place")
    args = parser.parse_args()
    sync_sizes = [int(size) for size in args.sync_page_sizes.split(",") if size]

    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/factcheck")
    if not base_url.startswith("postgres"):
        sys.exit("bench/api.py measures PostgreSQL: set DATABASE_URL to postgres://…")
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/5")
    if redis_url.rstrip("/").endswith("/1"):
        sys.exit("Redis database 1 is the test suite's: pick another one in REDIS_URL")
    server_url, name = base_url.rsplit("/", 1)
    bench_name = f"{name}_api_bench"
    if bench_name.startswith("test_"):
        sys.exit("test_* databases belong to test runs: point DATABASE_URL at another name")
    bench_url = f"{server_url}/{bench_name}"
    prefix = f"bench-api-{os.getpid()}"
    static_root = tempfile.mkdtemp(prefix="bench-static-")
    env = {
        **os.environ,
        "DATABASE_URL": bench_url,
        "REDIS_URL": redis_url,
        # Our own cache prefix (version stamp, rate counters): the run touches no other key.
        "CACHE_KEY_PREFIX": prefix,
        "DJANGO_SETTINGS_MODULE": "bench.benchsite.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "0",
        # Counted as in production, never refused: wrk makes thousands a second.
        "API_ANON_RATE": str(10**9),
        # An empty folder: the API serves no static file, WhiteNoise only wants it to exist.
        "STATIC_ROOT": static_root,
    }
    os.environ.update(env)
    sys.path.insert(0, str(PROJECT_DIR))
    manage = [sys.executable, str(PROJECT_DIR / "manage.py")]
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{bench_name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{bench_name}"')
    load_before = os.getloadavg()
    server = None
    rows, syncs, cpu = [], [], {}
    try:
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
        started = time.perf_counter()
        generate = [*manage, "generate_fake_data", "--reviews", str(args.reviews), "--seed", "1"]
        subprocess.run(generate, env=env, check=True)
        print(f"generated {args.reviews:,} verdicts in {time.perf_counter() - started:.0f} s")
        with psycopg.connect(bench_url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
            shared_buffers = conn.execute("SHOW shared_buffers").fetchone()[0]
            pg_version = conn.execute("SHOW server_version").fetchone()[0]

        import django

        django.setup()
        from django.conf import settings

        from claims.api.feed import encode_cursor
        from claims.publishing.verdicts import published_reviews

        keys = list(
            # The feed's own order and cursor: (synced_at, id).
            published_reviews().order_by("synced_at", "id").values_list("synced_at", "pk")
        )
        published = len(keys)
        rng = random.Random(1)
        # Positions in the first 90 % so that every page is full.
        starts = rng.sample(keys[: int(published * 0.9)], SAMPLES)
        feed_paths = [
            f"/api/v1/reviews/?page_size={args.page_size}&cursor={encode_cursor(*key)}"
            for key in starts
        ]
        detail_paths = [f"/api/v1/reviews/{pk}/" for _stamp, pk in rng.sample(keys, SAMPLES)]
        # A partner's key, made before the ETag below (a new key moves the version stamp).
        from claims.api.keys import new_key
        from claims.models import ApiKey

        api_key = ApiKey(name="bench", rate_per_minute=10**9)
        key_header = {"Authorization": f"Api-Key {new_key(api_key)}"}
        api_key.save()
        django.db.connections.close_all()

        # The version stamp is made by the first request; the feed gives an ETag only once its
        # horizon (now − API_SYNC_SAFETY_LAG) has passed the stamp.
        server, port = start_gunicorn(env, args.workers)
        fetch(port, feed_paths[0])
        time.sleep(settings.API_SYNC_SAFETY_LAG + 1)
        _status, headers, _body = fetch(port, feed_paths[0])
        etag = headers.get("ETag")
        if etag is None:
            raise SystemExit("the feed gave no ETag")
        server_builds = False
        page_label = f"sync feed page of {args.page_size} ({SAMPLES} positions)"
        detail_label = f"review detail ({SAMPLES} cycled)"
        targets = [
            (f"{page_label}, kept", feed_paths, {}, 200),
            (f"{detail_label}, kept", detail_paths, {}, 200),
            ("feed page, 304 (`If-None-Match`)", feed_paths, {"If-None-Match": etag}, 304),
            (f"{page_label}, kept, with an API key", feed_paths, key_header, 200),
            (
                "feed page, 304, with an API key",
                feed_paths,
                {**key_header, "If-None-Match": etag},
                304,
            ),
            # Then on a server that keeps no answer (API_CACHE_SECONDS=0): built every time.
            (f"{page_label}, built", feed_paths, {}, 200),
            (f"{detail_label}, built", detail_paths, {}, 200),
        ]
        for label, paths, request_headers, expected in targets:
            if label.endswith(", built") and not server_builds:
                stop(server)
                server, port = start_gunicorn({**env, "API_CACHE_SECONDS": "0"}, args.workers)
                server_builds = True
            sizes = []
            for path in paths:
                status, _headers, body = fetch(port, path, request_headers)
                if status != expected:
                    raise SystemExit(f"{path} answered {status}, not {expected}")
                sizes.append(len(body))
            if expected == 304:
                constant_paths = ["/api/v1/bench/not-modified"]
            else:
                constant_paths = [f"/api/v1/bench/constant/{size}" for size in sizes]
            for path, size in zip(constant_paths, sizes, strict=False):
                status, _headers, body = fetch(port, path)
                assert status == expected and len(body) == size, (path, status, len(body))
            if args.skip_load:
                rows.append((label, round(sum(sizes) / len(sizes)), None, constant_paths))
                continue
            print(f"measuring {label} …", flush=True)
            result = measure(port, (paths, constant_paths), request_headers, args)
            rows.append((label, round(sum(sizes) / len(sizes)), result, constant_paths))
            print(
                f"  page {result['page']['rounds_rps']}"
                f" rps, constant {result['constant']['rounds_rps']} rps, ratio per round "
                + ", ".join(f"{r:.0%}" for r in result["rounds_ratio"]),
                flush=True,
            )
        stop(server)
        server = None

        for size in sync_sizes:
            print(f"full sync, pages of {size} …", flush=True)
            syncs.append(full_sync(env, size, published))
            print(f"  {syncs[-1]['seconds']:.1f} s", flush=True)
        print("DataFeed …", flush=True)
        feed = datafeed(env, published)
        print(f"  {feed['seconds']:.1f} s", flush=True)

        for label, paths, request_headers, _expected in targets:
            constant_paths = next(row[3] for row in rows if row[0] == label)
            settings.API_CACHE_SECONDS = 0 if label.endswith(", built") else 300
            cpu[label] = (
                cpu_per_request(paths, request_headers),
                cpu_per_request(constant_paths, request_headers),
            )
    finally:
        stop(server)
        try:
            import redis

            # The version stamp (<prefix>:1:…) and the rate counters (<prefix>:api-rate:…).
            client = redis.Redis.from_url(redis_url)
            for key in client.scan_iter(f"{prefix}:*"):
                client.delete(key)
        except redis.RedisError as error:
            print(f"(cache keys not deleted: {error})")
        if "django" in sys.modules:
            sys.modules["django"].db.connections.close_all()
        if args.keep:
            print(f"kept the database {bench_name}: drop it when done")
        else:
            with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{bench_name}" WITH (FORCE)')
        os.rmdir(static_root)

    load_after = os.getloadavg()
    # Run from a clean export of a commit (git archive) when others edit the checkout: then say
    # which one with BENCH_COMMIT.
    commit = (
        os.environ.get("BENCH_COMMIT")
        or subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=PROJECT_DIR
        ).stdout.strip()
    )
    print()
    print(
        f"commit {commit}; {published:,} published verdicts; gunicorn {args.workers} sync workers, "
        f"DEBUG=0; wrk -t{args.threads} -c{args.connections}, {args.rounds} × {args.duration} s "
        f"per side after 3 s warm-ups; PostgreSQL {pg_version}, shared_buffers {shared_buffers}; "
        f"load average {load_before[0]:.1f} before, {load_after[0]:.1f} after"
    )
    print()
    print(
        "| answer | bytes | API req/s | p50 / p99 | constant req/s | p50 / p99 "
        "| API ÷ constant | goal |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for label, size, result, _paths in rows:
        if result is None:
            continue
        page, constant = result["page"], result["constant"]
        goal = "≥ 80 %" if "304" in label else "≥ 50 %"
        print(
            f"| {label} | {size:,} | {page['rps']:.0f} | {page['p50_ms']:.1f} / "
            f"{page['p99_ms']:.1f} ms | {constant['rps']:.0f} | {constant['p50_ms']:.1f} / "
            f"{constant['p99_ms']:.1f} ms | **{result['ratio']:.0%}** | {goal} |"
        )
    print()
    print("| CPU per request, in process | API: Django + PostgreSQL | constant | constant ÷ API |")
    print("|---|---|---|---|")
    for label, ((page_django, page_pg), (const_django, const_pg)) in cpu.items():
        page_ms, const_ms = page_django + page_pg, const_django + const_pg
        print(
            f"| {label} | {page_ms:.2f} ms ({page_django:.2f} + {page_pg:.2f}) | "
            f"{const_ms:.2f} ms | {const_ms / page_ms:.0%} |"
        )
    print()
    print(
        "| full sync | wall time | pages | items | items/s | client CPU "
        "| worker RSS before → after | worker peak (VmHWM) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for sync in syncs:
        note = "" if sync["peak_reset"] else " (since start)"
        print(
            f"| pages of {sync['page_size']} | {sync['seconds']:.1f} s | {sync['pages']:,} | "
            f"{sync['items']:,} | {sync['items'] / sync['seconds']:,.0f} | "
            f"{sync['client_cpu']:.1f} s | {sync['before']['VmRSS']:.0f} → "
            f"{sync['after']['VmRSS']:.0f} MB | {sync['after']['VmHWM']:.0f} MB{note} |"
        )
    print()
    note = "" if feed["peak_reset"] else " (since start)"
    print("| DataFeed | time to first byte | total | bytes | elements | worker RSS before → peak |")
    print("|---|---|---|---|---|---|")
    print(
        f"| `/api/v1/datafeed` | {feed['first_byte'] * 1000:.0f} ms | {feed['seconds']:.1f} s | "
        f"{feed['bytes'] / 1e6:.1f} MB | {feed['elements']:,} | {feed['before']['VmRSS']:.0f} → "
        f"{feed['after']['VmHWM']:.0f} MB (+{feed['after']['VmHWM'] - feed['before']['VmRSS']:.0f})"
        f"{note} |"
    )


if __name__ == "__main__":
    main()
