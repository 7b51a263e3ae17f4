"""Benchmark: public search latency at two sizes, with the index search uses (RUM where the
extension is installed) and, with ``--compare``, with the GIN index instead.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck \\
        .venv/bin/python bench/search.py [--reviews 100000] [--large 1000000] [--repeat 20] \\
        [--recent 2000,10000] [--compare] [--keep]

It makes a fresh ``<name>_search`` database beside the one DATABASE_URL names, migrates it, runs
``generate_fake_data --reviews N --seed 1`` and ``VACUUM ANALYZE``, then times one page of search
results (21 rows, as the list page asks) for each query of bench/public_pages.py, ``--repeat``
times, queries interleaved, in this process: with search's own first-tier size ``RECENT``, then
with each size in ``--recent`` (set in this process only). Then it adds ``--large − N`` verdicts
(seed 2) and times again (``--large 0`` skips that). With ``--compare`` it also swaps the RUM
index for a GIN one at each size and times the GIN path (``ranked_by_ts_rank``) and the query
search ran before migration 0009 (every match ranked with ts_rank, 5 timings per query), then
puts RUM back. The database is dropped at the end unless ``--keep``. ``--reuse`` times the
database a ``--keep`` run left, at the size it has, without generating anything (and keeps it):
a million verdicts take a quarter of an hour to make.
"""

import argparse
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import psycopg

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from bench.public_pages import TIMED_QUERIES, WORST_QUERY, percentile  # noqa: E402

QUERIES = [*TIMED_QUERIES, WORST_QUERY]
RUM = "CREATE INDEX review_search_vector_rum ON claims_review USING rum (search_vector)"
GIN = "CREATE INDEX review_search_vector_gin ON claims_review USING gin (search_vector)"


def previous_search(reviews, text):
    """Search as it was before migration 0009: every match ranked with ts_rank."""
    from django.contrib.postgres.search import SearchQuery, SearchRank
    from django.db.models import F

    query = SearchQuery(text, config="factcheck_fr", search_type="websearch")
    query |= SearchQuery(text, config="factcheck_en", search_type="websearch")
    return (
        reviews.filter(search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-rank", "-published_at", "-id")
    )


def time_searches(search, repeat):
    """Milliseconds per query for one page of results, queries interleaved, after a warm-up."""
    from claims.publishing.verdicts import listed_reviews

    def run(text):
        started = time.perf_counter()
        rows = list(search(listed_reviews(), text)[:21])
        return (time.perf_counter() - started) * 1000, len(rows)

    for _label, text in QUERIES:
        run(text)
    samples = {text: [] for _label, text in QUERIES}
    for _ in range(repeat):
        for _label, text in QUERIES:
            samples[text].append(run(text)[0])
    return samples


def summary(samples):
    """p50 / p95 per query and over all queries but the worst case."""
    cells = {text: (percentile(ms, 50), percentile(ms, 95)) for text, ms in samples.items()}
    pooled = [ms for _label, text in TIMED_QUERIES for ms in samples[text]]
    cells["all"] = (percentile(pooled, 50), percentile(pooled, 95))
    return cells


def execute(url, *statements):
    with psycopg.connect(url, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20, help="timings per search query")
    parser.add_argument("--recent", default="", help="other first-tier sizes to time, 2000,10000")
    parser.add_argument("--compare", action="store_true", help="also time the GIN paths")
    parser.add_argument("--keep", action="store_true", help="leave the database in place")
    parser.add_argument("--reuse", action="store_true", help="time the kept database as it is")
    args = parser.parse_args()
    args.keep = args.keep or args.reuse

    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/factcheck")
    if not base_url.startswith("postgres"):
        sys.exit("bench/search.py measures PostgreSQL: set DATABASE_URL to postgres://…")
    server_url, name = base_url.rsplit("/", 1)
    bench_name = f"{name}_search"
    if bench_name.startswith("test_"):
        sys.exit("test_* databases belong to test runs: point DATABASE_URL at another name")
    bench_url = f"{server_url}/{bench_name}"
    env = {
        **os.environ,
        "DATABASE_URL": bench_url,
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "DEBUG": "0",  # no query log
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    env.pop("REDIS_URL", None)  # search does not touch the cache
    os.environ.update(env)
    manage = [sys.executable, str(PROJECT_DIR / "manage.py")]
    if not args.reuse:
        execute(f"{server_url}/postgres", f'DROP DATABASE IF EXISTS "{bench_name}"')
        execute(f"{server_url}/postgres", f'CREATE DATABASE "{bench_name}"')
    load_before = os.getloadavg()
    results = {}
    try:
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
        import django

        django.setup()
        from django.db import connections

        from claims.publishing import search

        sizes = [(args.reviews, 1)]
        if args.large > args.reviews:
            sizes.append((args.large - args.reviews, 2))
        if args.reuse:
            sizes = [(0, None)]
        total = 0
        for count, seed in sizes:
            connections.close_all()
            if args.reuse:
                from claims.publishing.verdicts import published_reviews

                total = published_reviews().count()
                print(f"reusing {bench_name}: {total:,} published verdicts")
            else:
                started = time.perf_counter()
                generate = [*manage, "generate_fake_data", "--reviews", str(count)]
                subprocess.run([*generate, "--seed", str(seed)], env=env, check=True)
                total += count
                print(f"generated {count:,} verdicts in {time.perf_counter() - started:.0f} s")
            execute(bench_url, "VACUUM ANALYZE")
            if not search.has_rum_index():
                sys.exit("no RUM index: install postgresql-<version>-rum first")
            timings = {
                f"rum, RECENT {search.RECENT}": time_searches(search.search_reviews, args.repeat)
            }
            default = search.RECENT
            for recent in [int(n) for n in args.recent.split(",") if n]:
                search.RECENT = recent
                timings[f"rum, RECENT {recent}"] = time_searches(search.search_reviews, args.repeat)
            search.RECENT = default
            from claims.publishing.verdicts import listed_reviews

            matches = {
                text: search.search_reviews(listed_reviews(), text).count() for _l, text in QUERIES
            }
            plan = search.search_reviews(listed_reviews(), QUERIES[0][1]).queryset(0, 21)
            print(f"EXPLAIN ANALYZE, {QUERIES[0][1]!r}:\n{plan.explain(analyze=True)}\n")
            if args.compare:
                connections.close_all()
                started = time.perf_counter()
                execute(
                    bench_url, GIN, "DROP INDEX review_search_vector_rum", "ANALYZE claims_review"
                )
                print(f"GIN index built in {time.perf_counter() - started:.0f} s")
                search._rum_index.clear()
                assert not search.has_rum_index()
                timings[f"gin, RECENT {default}"] = time_searches(
                    search.ranked_by_ts_rank, args.repeat
                )
                timings["before (every match ranked with ts_rank, GIN)"] = time_searches(
                    previous_search, 5
                )
                connections.close_all()
                started = time.perf_counter()
                execute(
                    bench_url, RUM, "DROP INDEX review_search_vector_gin", "ANALYZE claims_review"
                )
                print(f"RUM index built in {time.perf_counter() - started:.0f} s")
                search._rum_index.clear()
            results[total] = (matches, {path: summary(s) for path, s in timings.items()})
        with psycopg.connect(bench_url) as conn:
            settings = {
                key: conn.execute(f"SHOW {key}").fetchone()[0]
                for key in ("server_version", "shared_buffers", "work_mem", "jit")
            }
            rum_version = conn.execute(
                "SELECT extversion FROM pg_extension WHERE extname = 'rum'"
            ).fetchone()[0]
        from django.db import connection

        with connection.cursor() as cursor:  # the app's connections set their own (settings.py)
            cursor.execute("SHOW jit")
            settings["jit"] = f"{settings['jit']} (the app's connections: {cursor.fetchone()[0]})"
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception as error:  # Django may not have started
            print(f"(connections not closed: {error})")
        if args.keep:
            print(f"kept the database {bench_name}: drop it when done")
        else:
            execute(
                f"{server_url}/postgres", f'DROP DATABASE IF EXISTS "{bench_name}" WITH (FORCE)'
            )

    load_after = os.getloadavg()
    print(
        f"\nPostgreSQL {settings['server_version']}, rum {rum_version}, shared_buffers"
        f" {settings['shared_buffers']}, work_mem {settings['work_mem']}, jit {settings['jit']};"
        f" {args.repeat} timings per query;"
        f" load average {load_before[0]:.1f} before, {load_after[0]:.1f} after\n"
    )
    paths = list(next(iter(results.values()))[1])
    for path in paths:
        print(f"### {path}\n")
        sizes = list(results)
        print("| query | " + " | ".join(f"{n:,}: matches, p50 / p95" for n in sizes) + " |")
        print("|---|" + "---|" * len(sizes))
        for label, text in [*QUERIES, ("**all but the last**", "all")]:
            cells = []
            for n in sizes:
                matches, paths_summary = results[n]
                p50, p95 = paths_summary[path][text]
                count = f"{matches[text]:,}: " if text in matches else ""
                cells.append(f"{count}{p50:.1f} / {p95:.1f} ms")
            name = label if text == "all" else f"{label}: `{text}`"
            print(f"| {name} | " + " | ".join(cells) + " |")
        print()


if __name__ == "__main__":
    main()
