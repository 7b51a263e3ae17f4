"""Benchmark: the public pages under load, each against a constant response of the same size,
and the search query's latency at two sizes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck REDIS_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python bench/public_pages.py [--reviews 100000] [--large 1000000] \\
        [--duration 10] [--rounds 2] [--threads 2] [--connections 8] [--workers 2] [--keep] \\
        [--modes uncached,cached]

It makes a fresh ``<name>_bench_pages`` database beside the one DATABASE_URL names, migrates
it, runs ``generate_fake_data --reviews N --seed 1``, collects the static files into a
temporary folder and starts gunicorn as in production (``factcheck.wsgi``, DEBUG=0, sync
workers, no access log) on 127.0.0.1 with the bench-only settings ``bench.benchsite.settings``:
the product's URLs plus ``bench/constant/<size>`` (that many bytes of HTML) and
``bench/not-modified`` (a bare 304), which cost only the server, the middleware and the URL
resolver, and three floors of any rendered page (one verdict read through the ORM whole, or
only the two columns shown, with a three-line template; or by one raw SQL query with no
template engine; each padded to the verdict page's size), measured uncached like the pages.
For each page, wrk (``/usr/bin/wrk``) loads the page, then the constant response of the same size,
alternating ``--rounds`` times after a warm-up; the ratio of the two request rates is the figure to
watch (goals: ≥ 50 % for a full page, ≥ 80 % for a 304). It does so twice, each time with a fresh
gunicorn: ``uncached`` (``PUBLIC_PAGE_CACHE_SECONDS=0``: every page is rendered) and ``cached`` (the
page cache on: every request after a URL's first is served from it).

Then it times the search query itself in this process, as the list page runs it (one page of
21 rows, best matches first), over a set of query words, at N published verdicts and, after
adding ``--large − N`` more (seed 2), at ``--large`` (0 skips that step). The database is
dropped at the end (``--keep`` leaves it for EXPLAIN: drop it yourself), and so are the cache
keys the pages made (under a prefix of their own, so nothing else in that Redis database is
touched). A table of CPU time per request (in process, without the HTTP server) complements
wrk's figures, which a busy machine blurs.
"""

import argparse
import http.client
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import psycopg

PROJECT_DIR = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
WRK = "/usr/bin/wrk"
VERDICTS = 20  # verdict pages cycled through by wrk
# bench/benchsite/urls.py: the least a rendered page can cost (one ORM query, a tiny template).
# (label, URL prefix): the floors of a page rendered from the database (bench/benchsite/urls.py).
FLOORS = (
    ("floor: one ORM query, whole rows + a 3-line template", "/bench/one-query"),
    ("floor: one ORM query, the 2 columns shown + the same template", "/bench/two-columns"),
    ("floor: one raw SQL query + 2 escaped strings, no template", "/bench/raw-sql"),
)
FLOOR_LABELS = {label for label, _prefix in FLOORS}

# Readers' searches cycled through by wrk: common words, accent-less, phrase, numbers.
HTTP_QUERIES = [
    "chômage",
    "refugies",
    "dette publique",
    '"dette publique"',
    "unemployment",
    "2024",
    "santé 2015",
    "manifestation",
]
# Searches timed in process: (label, query). The last one matches every fake verdict (they all
# say « fictive »): a worst case shown on its own line, not in the overall figure.
TIMED_QUERIES = [
    ("common word", "chômage"),
    ("common word, no accent", "refugies"),
    ("common word, stemmed", "manifestation"),
    ("two words", "dette publique"),
    ("phrase", '"dette publique"'),
    ("either word", "chômage or dette"),
    ("English word", "unemployment"),
    ("year", "2024"),
    ("word and number", "santé 2015"),
    ("rare number", "527409"),
    ("no match", "inflation"),
]
WORST_QUERY = ("every verdict", "fictive")

LUA = """
local paths = {paths}
local headers = {headers}
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], headers)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {{"requests": %d, "duration_us": %d, "errors": %d, "status_errors": %d, '
    .. '"p50_us": %d, "p99_us": %d}}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99)))
end
"""


def lua_list(items):
    return "{" + ", ".join(json.dumps(item) for item in items) + "}"


def lua_table(mapping):
    return "{" + ", ".join(f"[{json.dumps(k)}] = {json.dumps(v)}" for k, v in mapping.items()) + "}"


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def fetch(port, path, headers=None):
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def wrk(port, paths, headers, args, duration):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA.format(paths=lua_list(paths), headers=lua_table(headers)))
    try:
        out = subprocess.run(
            [
                WRK,
                f"-t{args.threads}",
                f"-c{args.connections}",
                f"-d{duration}s",
                "--timeout",
                "10s",
                "-s",
                script.name,
                f"http://{HOST}:{port}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    line = next(line for line in out.splitlines() if line.startswith("BENCH "))
    result = json.loads(line.removeprefix("BENCH "))
    if result["errors"] or result["status_errors"]:
        raise SystemExit(f"wrk saw errors on {paths[0]}…: {result}\n{out}")
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def start_server(port, env, args):
    """gunicorn as in production, answering once its workers are up."""
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "factcheck.wsgi",
            f"--bind={HOST}:{port}",
            f"--workers={args.workers}",
            "--worker-class=sync",
            "--log-level=warning",
        ],
        cwd=PROJECT_DIR,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            if fetch(port, "/bench/constant/1")[0] == 200:
                return server
        except OSError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            os.killpg(server.pid, signal.SIGKILL)
            raise SystemExit("gunicorn did not start")
        time.sleep(0.2)


def measure(port, paths, headers, args):
    """Alternate page and constant runs; request rates over all rounds, mean percentiles."""
    page_paths, constant_paths = paths
    wrk(port, page_paths, headers, args, 3)
    wrk(port, constant_paths, headers, args, 3)
    runs = {"page": [], "constant": []}
    for _ in range(args.rounds):
        runs["page"].append(wrk(port, page_paths, headers, args, args.duration))
        runs["constant"].append(wrk(port, constant_paths, headers, args, args.duration))
    summary = {}
    for kind, results in runs.items():
        requests = sum(r["requests"] for r in results)
        seconds = sum(r["duration_us"] for r in results) / 1e6
        summary[kind] = {
            "rps": requests / seconds,
            "p50_ms": statistics.mean(r["p50_us"] for r in results) / 1000,
            "p99_ms": statistics.mean(r["p99_us"] for r in results) / 1000,
            "rounds_rps": [round(r["rps"]) for r in results],
        }
    summary["ratio"] = summary["page"]["rps"] / summary["constant"]["rps"]
    summary["rounds_ratio"] = [
        p["rps"] / c["rps"] for p, c in zip(runs["page"], runs["constant"], strict=True)
    ]
    return summary


def percentile(values, p):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))]


def cpu_seconds(pid):
    """User + system CPU seconds of process ``pid`` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_per_request(paths, headers, seconds=3.0):
    """CPU milliseconds per request in this process plus its PostgreSQL backend, through
    Django's test client (no HTTP server): what a request costs, whatever else the machine
    is running."""
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST=HOST, headers=headers)
    for path in paths:
        client.get(path)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    requests = 0
    process, postgres = time.process_time(), cpu_seconds(backend)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline or requests < 2 * len(paths):
        client.get(paths[requests % len(paths)])
        requests += 1
    django_ms = (time.process_time() - process) * 1000 / requests
    postgres_ms = (cpu_seconds(backend) - postgres) * 1000 / requests
    return django_ms, postgres_ms


def time_searches(repeat):
    """Milliseconds of one page of search results per query, queries interleaved."""
    from claims.publishing.search import search_reviews
    from claims.publishing.verdicts import published_reviews

    def run(text):
        reviews = published_reviews().select_related("claim__speaker", "rating")
        started = time.perf_counter()
        rows = list(search_reviews(reviews, text)[:21])
        return (time.perf_counter() - started) * 1000, len(rows)

    queries = [*TIMED_QUERIES, WORST_QUERY]
    for _label, text in queries:
        run(text)  # plans, caches
    samples = {text: [] for _label, text in queries}
    for _ in range(repeat):
        for _label, text in queries:
            samples[text].append(run(text)[0])
    matches = {text: search_reviews(published_reviews(), text).count() for _l, text in queries}
    # Where the time goes, for the first (common) query.
    reviews = published_reviews().select_related("claim__speaker", "rating")
    results = search_reviews(reviews, TIMED_QUERIES[0][1])
    # A ranked search may be a queryset or an object that makes one (claims/publishing/search.py).
    first_page = results.queryset(0, 21) if hasattr(results, "queryset") else results[:21]
    plan = first_page.explain(analyze=True)
    print(f"EXPLAIN ANALYZE of the search for {TIMED_QUERIES[0][1]!r}:\n{plan}\n")
    return queries, samples, matches


def search_table(results):
    """Markdown rows: one per query, then all realistic queries together."""
    sizes = list(results)
    queries = results[sizes[0]][0]
    head = "| query | " + " | ".join(f"matches, p50 / p95 at {n:,}" for n in sizes) + " |"
    lines = [head, "|---|" + "---|" * len(sizes)]
    for label, text in queries:
        cells = []
        for n in sizes:
            _q, samples, matches = results[n]
            ms = samples[text]
            cells.append(
                f"{matches[text]:,}: {percentile(ms, 50):.1f} / {percentile(ms, 95):.1f} ms"
            )
        lines.append(f"| {label}: `{text}` | " + " | ".join(cells) + " |")
    cells = []
    for n in sizes:
        _q, samples, _m = results[n]
        pooled = [ms for _label, text in TIMED_QUERIES for ms in samples[text]]
        cells.append(f"p50 {percentile(pooled, 50):.1f} / p95 {percentile(pooled, 95):.1f} ms")
    lines.append("| **all but the last** | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def print_pages(args, by_mode, load_before, pg_version, shared_buffers, env_page_cache):
    """The pages' tables, as soon as they are measured (a later step may still fail)."""
    load_after = os.getloadavg()
    print()
    print(
        f"{args.reviews:,} published verdicts; gunicorn {args.workers} sync workers, DEBUG=0; "
        f"wrk -t{args.threads} -c{args.connections}, {args.rounds} × {args.duration} s per side "
        f"after 3 s warm-ups; PostgreSQL {pg_version}, shared_buffers {shared_buffers}; "
        f"load average {load_before[0]:.1f} before, {load_after[0]:.1f} after"
    )
    for mode, (rows, cpu) in by_mode.items():
        print()
        print(
            f"{mode} (PUBLIC_PAGE_CACHE_SECONDS={'0' if mode == 'uncached' else env_page_cache}):"
        )
        print()
        print(
            "| page | bytes | page req/s | p50 / p99 | constant req/s | p50 / p99 "
            "| page ÷ constant | goal |"
        )
        print("|---|---|---|---|---|---|---|---|")
        for label, size, result, _paths in rows:
            page, constant = result["page"], result["constant"]
            goal = "≥ 80 %" if "304" in label else "—" if label in FLOOR_LABELS else "≥ 50 %"
            print(
                f"| {label} | {size:,} | {page['rps']:.0f} | {page['p50_ms']:.1f} / "
                f"{page['p99_ms']:.1f} ms | {constant['rps']:.0f} | {constant['p50_ms']:.1f} / "
                f"{constant['p99_ms']:.1f} ms | {result['ratio']:.0%} | {goal} |"
            )
        print()
        print(
            f"CPU per request, {mode}, in process (Django test client, no HTTP server), "
            "Django + PostgreSQL:"
        )
        print()
        print("| page | page CPU ms (Django + PostgreSQL) | constant CPU ms | constant ÷ page |")
        print("|---|---|---|---|")
        for label, ((page_django, page_pg), (const_django, const_pg)) in cpu.items():
            page_ms, const_ms = page_django + page_pg, const_django + const_pg
            print(
                f"| {label} | {page_ms:.2f} ({page_django:.2f} + {page_pg:.2f}) | "
                f"{const_ms:.2f} ({const_django:.2f} + {const_pg:.2f}) | "
                f"{const_ms / page_ms:.0%} |"
            )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=20, help="timings per search query")
    parser.add_argument("--keep", action="store_true", help="leave the database in place")
    parser.add_argument(
        "--modes",
        default="uncached,cached",
        help="uncached: PUBLIC_PAGE_CACHE_SECONDS=0, every page rendered; cached: the page "
        "cache on (PUBLIC_PAGE_CACHE_SECONDS from the environment, else 300), every request "
        "after a URL's first served from it",
    )
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # progress shows in a log as it happens

    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/factcheck")
    if not base_url.startswith("postgres"):
        sys.exit("bench/public_pages.py measures PostgreSQL: set DATABASE_URL to postgres://…")
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/5")
    if redis_url.rstrip("/").endswith("/1"):
        sys.exit("Redis database 1 is the test suite's: pick another one in REDIS_URL")
    server_url, name = base_url.rsplit("/", 1)
    bench_name = f"{name}_bench_pages"
    if bench_name.startswith("test_"):
        sys.exit("test_* databases belong to test runs: point DATABASE_URL at another name")
    bench_url = f"{server_url}/{bench_name}"
    static_root = tempfile.mkdtemp(prefix="bench-static-")
    env_page_cache = os.environ.get("PUBLIC_PAGE_CACHE_SECONDS") or "300"
    env = {
        **os.environ,
        "DATABASE_URL": bench_url,
        "REDIS_URL": redis_url,
        # Our own cache prefix: the run creates and deletes its keys and touches no other.
        "CACHE_KEY_PREFIX": f"bench-pages-{os.getpid()}",
        "DJANGO_SETTINGS_MODULE": "bench.benchsite.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": static_root,
    }
    os.environ.update(env)
    sys.path.insert(0, str(PROJECT_DIR))
    manage = [sys.executable, str(PROJECT_DIR / "manage.py")]
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{bench_name}"')
        conn.execute(f'CREATE DATABASE "{bench_name}"')
    load_before = os.getloadavg()
    server = None
    search_results = {}
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
        subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True)

        import django

        django.setup()
        from django.conf import settings
        from django.utils import translation

        from claims.models import Review
        from claims.publishing.verdicts import published_reviews

        pks = list(published_reviews().values_list("pk", flat=True))
        chosen = random.Random(1).sample(pks, VERDICTS)
        with translation.override("fr"):
            verdicts = [
                (review.pk, review.get_absolute_url())
                for review in Review.objects.select_related("claim").filter(pk__in=chosen)
            ]
        verdict_paths = [path for _pk, path in verdicts]

        search_paths = [f"/fr/?q={quote(q)}" for q in HTTP_QUERIES]
        by_mode = {}
        for mode in args.modes.split(","):
            # Each mode has its own gunicorn, so that its workers start with empty memories.
            page_cache = "0" if mode == "uncached" else env_page_cache
            mode_env = {**env, "PUBLIC_PAGE_CACHE_SECONDS": page_cache}
            port = free_port()
            server = start_server(port, mode_env, args)
            _status, headers, _body = fetch(port, "/fr/")
            etag = headers["ETag"]
            targets = [
                ("list `/fr/`", ["/fr/"], {}, 200),
                (f"verdict page ({VERDICTS} cycled)", verdict_paths, {}, 200),
                (f"search `/fr/?q=` ({len(HTTP_QUERIES)} queries cycled)", search_paths, {}, 200),
                ("Atom feed `/fr/feed/`", ["/fr/feed/"], {}, 200),
                (
                    "verdict page, 304 (`If-None-Match`)",
                    verdict_paths,
                    {"If-None-Match": etag},
                    304,
                ),
            ]
            if mode == "uncached":
                # The same verdicts, each as a floor page of its verdict page's size.
                sizes = [(pk, len(fetch(port, path)[2])) for pk, path in verdicts]
                for position, (label, prefix) in enumerate(FLOORS, start=2):
                    floor_paths = [f"{prefix}/{size}/{pk}" for pk, size in sizes]
                    targets.insert(position, (label, floor_paths, {}, 200))
            rows = []
            for label, paths, request_headers, expected in targets:
                sizes = []
                for path in paths:
                    status, _headers, body = fetch(port, path, request_headers)
                    if status != expected:
                        raise SystemExit(f"{path} answered {status}, not {expected}")
                    sizes.append(len(body))
                if expected == 304:
                    constant_paths = ["/bench/not-modified"]
                else:
                    constant_paths = [f"/bench/constant/{size}" for size in sizes]
                for path, size in zip(constant_paths, sizes, strict=False):
                    status, _headers, body = fetch(port, path)
                    assert status == expected and len(body) == size, (path, status, len(body))
                print(f"measuring {label}, {mode} …", flush=True)
                result = measure(port, (paths, constant_paths), request_headers, args)
                rows.append((label, round(statistics.mean(sizes)), result, constant_paths))
                print(
                    f"  page {result['page']['rounds_rps']}"
                    f" rps, constant {result['constant']['rounds_rps']} rps, ratio per round "
                    + ", ".join(f"{r:.0%}" for r in result["rounds_ratio"]),
                    flush=True,
                )
            server.terminate()  # the arbiter stops its workers
            server.wait(30)
            server = None
            cpu = {}
            settings.PUBLIC_PAGE_CACHE_SECONDS = int(page_cache)
            for label, paths, request_headers, _expected in targets:
                constant_paths = next(row[3] for row in rows if row[0] == label)
                cpu[label] = (
                    cpu_per_request(paths, request_headers),
                    cpu_per_request(constant_paths, request_headers),
                )
            by_mode[mode] = (rows, cpu)
        print_pages(args, by_mode, load_before, pg_version, shared_buffers, env_page_cache)

        search_results[args.reviews] = time_searches(args.repeat)
        if args.large > args.reviews:
            django.db.connections.close_all()
            started = time.perf_counter()
            extra = args.large - args.reviews
            generate = [*manage, "generate_fake_data", "--reviews", str(extra), "--seed", "2"]
            subprocess.run(generate, env=env, check=True)
            print(f"generated {extra:,} more verdicts in {time.perf_counter() - started:.0f} s")
            with psycopg.connect(bench_url, autocommit=True) as conn:
                conn.execute("VACUUM ANALYZE")
            search_results[args.large] = time_searches(args.repeat)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait()
        try:
            import redis

            # The version stamp and the kept pages: every key under this run's own prefix.
            client = redis.Redis.from_url(redis_url)
            for key in client.scan_iter(f"{env['CACHE_KEY_PREFIX']}:*"):
                client.delete(key)
        except Exception as error:
            print(f"(cache keys not deleted: {error})")
        if "django.db" in sys.modules:  # Django started: let the database go before dropping it
            sys.modules["django.db"].connections.close_all()
        if args.keep:
            print(f"kept the database {bench_name}: drop it when done")
        else:
            with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{bench_name}" WITH (FORCE)')
        subprocess.run(["rm", "-rf", static_root], check=True)

    print()
    print(f"Search, one page of 21 rows, {args.repeat} timings per query (goal: p95 ≤ 50 ms)")
    print()
    print(search_table(search_results))


if __name__ == "__main__":
    main()
