"""Benchmark: how long generate_fake_data takes for N reviews on a fresh PostgreSQL database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck \
        .venv/bin/python bench/fake_data.py [N]

Creates ``<name>_bench`` beside the database DATABASE_URL names, migrates it, times the
command, counts the rows, and drops the database again.
"""

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from psycopg import sql

PROJECT_DIR = Path(__file__).resolve().parent.parent


def main():
    reviews = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/factcheck")
    if not base_url.startswith("postgres"):
        sys.exit("bench/fake_data.py measures PostgreSQL: set DATABASE_URL to postgres://…")
    server_url, name = base_url.rsplit("/", 1)
    bench_name = f"{name}_bench"
    bench_url = f"{server_url}/{bench_name}"
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{bench_name}"')
        conn.execute(f'CREATE DATABASE "{bench_name}"')
    env = {**os.environ, "DATABASE_URL": bench_url}
    env.pop("REDIS_URL", None)
    manage = [sys.executable, str(PROJECT_DIR / "manage.py")]
    try:
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
        started = time.perf_counter()
        subprocess.run(
            [*manage, "generate_fake_data", "--reviews", str(reviews), "--seed", "1"],
            env=env,
            check=True,
        )
        elapsed = time.perf_counter() - started
        with psycopg.connect(bench_url) as conn:
            counts = {
                table: conn.execute(
                    sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(f"claims_{table}"))
                ).fetchone()[0]
                for table in ["review", "claim", "speaker", "article", "claimappearance", "source"]
            }
    finally:
        with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{bench_name}"')
    rows = sum(counts.values())
    print(f"generate_fake_data --reviews {reviews}: {elapsed:.1f} s wall (including start-up)")
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"rows: {counts} = {rows} in all, {rows / elapsed:,.0f} rows/s")
    print(f"peak memory of the command: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
