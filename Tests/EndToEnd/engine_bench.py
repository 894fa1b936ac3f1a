#!/usr/bin/env python3
"""LendScope's own loan work against the engine jobs doing the same, timed side by side in one run.

On one loan file (the benchmark's 10M-row file: `lendscope-bench` writes it to
.build/bench-data/loans-10000000-42.csv), times:
  - `lendscope aggregate FILE --indebtedness OUT` (originations and over-indebtedness);
  - `lendscope check` on a data directory whose loans/ is the file (every loan figure: the above plus
    stacking, status and pricing), when --check is given (needs the file's names in platforms.csv);
  - the DuckDB job from `lendscope sql --engine duckdb` (every engine table), through DuckDB's Python package;
  - the Spark job from `lendscope sql --engine spark`, through spark-submit in local mode (--no-spark skips it);
  - `lendscope pseudonymise` of the file against `lendscope aggregate` of it alone.
Prints each time and the ratios to LendScope's. Use a release build of lendscope.

Usage: engine_bench.py LENDSCOPE FILE [--no-spark] [--spark-timeout SECONDS]
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def timed(args, timeout=None, **kw):
    started = time.monotonic()
    done = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout, **kw)
    elapsed = time.monotonic() - started
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(args)}\n{done.stderr.decode()[-2000:]}")
    return elapsed


def main():
    args = sys.argv[1:]
    no_spark = "--no-spark" in args
    timeout = None
    if "--spark-timeout" in args:
        timeout = float(args[args.index("--spark-timeout") + 1])
    positional = [a for i, a in enumerate(args) if not a.startswith("--") and (i == 0 or args[i - 1] != "--spark-timeout")]
    lendscope, loans = os.path.abspath(positional[0]), os.path.abspath(positional[1])
    work = tempfile.mkdtemp(prefix="lendscope-engine-bench-")
    try:
        rows = sum(1 for _ in open(loans, "rb")) - 1
        # Warm the page cache once, so no run pays the first read.
        subprocess.run(["cat", loans], stdout=subprocess.DEVNULL, check=True)
        results = []
        runner = subprocess.run([lendscope, "sql", "--write-runner", work], check=True, capture_output=True, text=True).stdout.strip()
        ours = timed([lendscope, "aggregate", loans, "--indebtedness", os.path.join(work, "ind.csv"),
                      "--output", os.path.join(work, "agg.csv")])
        results.append(("lendscope aggregate --indebtedness", ours))
        aggregate_only = timed([lendscope, "aggregate", loans, "--output", os.path.join(work, "agg2.csv")])
        for engine in ["duckdb"] + ([] if no_spark or shutil.which("spark-submit") is None else ["spark"]):
            job = os.path.join(work, engine + ".sql")
            with open(job, "w") as f:
                subprocess.run([lendscope, "sql", "--engine", engine, "--input", loans, "--output",
                                os.path.join(work, engine)], check=True, stdout=f)
            if engine == "duckdb":
                t = timed([sys.executable, runner, job])
            else:
                try:
                    t = timed(["spark-submit", "--master", "local[2]", "--driver-memory", "4g",
                               "--conf", "spark.sql.shuffle.partitions=8", "--conf", "spark.ui.enabled=false",
                               runner, job], timeout=timeout)
                except subprocess.TimeoutExpired:
                    results.append((f"Spark job (local[2]): not done in {timeout:.0f} s", None))
                    continue
            results.append((f"{'DuckDB' if engine == 'duckdb' else 'Spark (local[2])'} job, every engine table", t))
        key = os.path.join(work, "key")
        with open(key, "wb") as f:
            f.write(os.urandom(32))
        os.chmod(key, 0o600)
        pseudonymise = timed([lendscope, "pseudonymise", "--key-file", key, loans, os.path.join(work, "pseudo.csv")])
        print(f"{rows:,} loan rows ({os.path.getsize(loans) / 2**20:,.0f} MiB), {os.cpu_count()} cores")
        for name, t in results:
            if t is None:
                print(f"  {name}")
            else:
                print(f"  {name:<48} {t:8.2f} s   {t / ours:6.1f}x lendscope's")
        print(f"  {'lendscope aggregate alone':<48} {aggregate_only:8.2f} s")
        print(f"  {'lendscope pseudonymise':<48} {pseudonymise:8.2f} s   {pseudonymise / aggregate_only:6.1f}x aggregate's "
              f"({os.path.getsize(loans) / 2**20 / pseudonymise:,.0f} MiB/s)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
