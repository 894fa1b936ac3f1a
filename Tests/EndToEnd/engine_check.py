#!/usr/bin/env python3
"""The engine jobs, run by the real engines, give what LendScope gives, to the cent.

For each data set (the sample loans, the same as typed Parquet, and a generated file of ROWS loans with edge cases: rates
exactly at the APR thresholds, platform parts exactly at 30%, loans closed on a period end or
opening on one, a platform and a bank whose names need quoting, CJK names) and each engine
(DuckDB from PyPI; Apache Spark in local mode through spark-submit, as a cluster runs it):
  1. `lendscope sql --engine E` prints the job; it is run exactly as the README says;
  2. the output is put as `engine/` in a copy of the data directory without `loans/`;
  3. `lendscope report --all-periods --format json`, for both measures, must equal the report on
     the same loans read from `loans/` (every figure; only the `source` notes differ: they say
     where the figures came from);
  4. `lendscope check` on a directory with both `loans/` and `engine/` must pass, and must fail,
     naming the engine file and line, once one figure of the engine's output is changed.
Spark's absence is a failure with --require-spark (CI), else the Spark part is skipped with a note.

Usage: engine_check.py LENDSCOPE [ROWS] [--require-spark] [--engines duckdb,spark]
"""
import csv
import datetime
import glob
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
SAMPLE = os.path.join(ROOT, "sample-data")
SPARK_SCRIPT = os.path.join(ROOT, "Sources", "EngineJobs", "spark", "lendscope_job.py")


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def generate(path, rows, seed=15):
    """Loans over the sample's platforms and banks, 2019-2021, with the boundaries the rules name."""
    platforms = [r["platform"] for r in csv.DictReader(open(os.path.join(SAMPLE, "platforms.csv"), encoding="utf-8"))]
    banks = [r["bank"] for r in csv.DictReader(open(os.path.join(SAMPLE, "banks.csv"), encoding="utf-8"))]
    rng = random.Random(seed)
    borrowers = max(50, rows // 5)
    start = datetime.date(2019, 1, 1)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["loan_id", "platform", "bank", "borrower_id", "amount_cny", "term_days", "originated", "rate_apr",
                    "status", "closed_on", "platform_funded_cny"])
        for i in range(rows):
            platform = platforms[min(len(platforms) - 1, int(rng.paretovariate(1.1)) - 1)]
            bank = banks[min(len(banks) - 1, int(rng.paretovariate(0.8)) - 1)]
            b = rng.randrange(borrowers) if rng.random() < 0.85 else int(rng.paretovariate(0.9)) % borrowers
            cents = rng.randint(100, 8_000_000)
            if i % 499 == 0:
                # Opens on a period end, or runs exactly to one.
                originated = datetime.date(2019 + rng.randint(0, 2), 3 * rng.randint(1, 4), 1) - datetime.timedelta(days=1)
                originated = max(originated, start)
                term = rng.choice([1, 90, 91, 92])
            else:
                originated = start + datetime.timedelta(days=rng.randint(0, 1095))
                term = rng.choice([7, 30, 90, 180, 365, 720])
            closed = ""
            if rng.random() < 0.3:
                closed = (originated + datetime.timedelta(days=rng.randint(0, term))).isoformat()
            # Rates exactly at 24% and 36% are not above them.
            rate = rng.choice(["0.24", "0.36", "0.240000001", f"{rng.randint(50, 450) / 1000:.3f}", "0.1999"])
            part = rng.random()
            if part < 0.1:
                funded = ""
            elif part < 0.2:
                funded = f"{cents * 3 // 10 // 100}.{cents * 3 // 10 % 100:02d}"  # at or just under 30%
            elif part < 0.25:
                funded = f"{cents // 100}.{cents % 100:02d}"  # the whole loan: not co-funded
            else:
                p = cents * rng.randint(1, 60) // 100
                funded = f"{p // 100}.{p % 100:02d}"
            status = rng.choice(["current", "repaid", "repaid", "overdue", "default", "written_off"])
            w.writerow([f"L{i:09d}", platform, bank, f"B{b:07d}", f"{cents // 100}.{cents % 100:02d}", term,
                        originated.isoformat(), rate, status, closed, funded])


def data_directory(root, name, loans_file):
    d = os.path.join(root, name)
    os.makedirs(os.path.join(d, "loans"))
    for f in os.listdir(SAMPLE):
        if f.endswith(".csv"):
            shutil.copy(os.path.join(SAMPLE, f), d)
    shutil.copy(loans_file, os.path.join(d, "loans", "loans.csv"))
    return d


def strip_sources(value):
    if isinstance(value, dict):
        return {k: strip_sources(v) for k, v in value.items() if k != "source"}
    if isinstance(value, list):
        return [strip_sources(v) for v in value]
    return value


def report(lendscope, directory, measure):
    out = subprocess.run([lendscope, "report", directory, "--all-periods", "--format", "json", "--measure", measure],
                         capture_output=True, text=True)
    if out.returncode != 0:
        fail(f"report on {directory} failed: {out.stderr.strip()}")
    return strip_sources(json.loads(out.stdout))


def first_difference(a, b, path="$"):
    if type(a) is not type(b):
        return f"{path}: {a!r} vs {b!r}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{path}.{k}: only in one"
            d = first_difference(a[k], b[k], f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} vs {len(b)} items"
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_difference(x, y, f"{path}[{i}]")
            if d:
                return d
        return None
    return None if a == b else f"{path}: {a!r} vs {b!r}"


def run_job(lendscope, engine, data, output, workdir, source=None):
    job = os.path.join(workdir, f"{engine}.sql")
    with open(job, "w") as f:
        subprocess.run([lendscope, "sql", "--engine", engine, "--input", source or os.path.join(data, "loans", "*.csv"),
                        "--platforms", os.path.join(data, "platforms.csv"), "--output", output], check=True, stdout=f)
    started = time.monotonic()
    if engine == "duckdb":
        # As the README says: the printed SQL, run whole by DuckDB's Python package.
        subprocess.run([sys.executable, "-c", "import duckdb, sys; duckdb.connect().execute(open(sys.argv[1]).read())", job],
                       check=True)
    else:
        log = os.path.join(workdir, "spark.log")
        with open(log, "w") as f:
            done = subprocess.run(["spark-submit", "--master", "local[2]", "--driver-memory", "2g",
                                   "--conf", "spark.sql.shuffle.partitions=4", "--conf", "spark.ui.enabled=false",
                                   SPARK_SCRIPT, job], stdout=f, stderr=subprocess.STDOUT)
        if done.returncode != 0:
            fail(f"spark-submit failed ({done.returncode}); its log: {log}\n" + open(log).read()[-3000:])
    elapsed = time.monotonic() - started
    state = open(os.path.join(output, "_JOB")).read()
    if not state.startswith("done "):
        fail(f"{engine}: _JOB says {state!r} after the job")
    for table in ["originations", "status", "stacking", "indebtedness", "pricing", "summary"]:
        if not os.path.exists(os.path.join(output, table, "_SUCCESS")):
            fail(f"{engine}: {table} has no _SUCCESS")
    return elapsed


def to_parquet(csv_file, parquet_file):
    """The loans as a data lake holds them: typed columns (DECIMAL amounts, DATE dates, INTEGER terms)."""
    import duckdb
    duckdb.sql(f"""COPY (SELECT * REPLACE (CAST(amount_cny AS DECIMAL(18, 2)) AS amount_cny,
                       CAST(term_days AS INTEGER) AS term_days, CAST(originated AS DATE) AS originated,
                       CAST(closed_on AS DATE) AS closed_on, CAST(rate_apr AS DECIMAL(18, 9)) AS rate_apr,
                       CAST(platform_funded_cny AS DECIMAL(18, 2)) AS platform_funded_cny)
                   FROM read_csv('{csv_file}', header = true, all_varchar = true))
                   TO '{parquet_file}' (FORMAT parquet)""")


def check_engine(lendscope, engine, data, workdir, label, source=None):
    engine_only = os.path.join(workdir, f"{label}-{engine}")
    shutil.copytree(data, engine_only, ignore=shutil.ignore_patterns("loans"))
    elapsed = run_job(lendscope, engine, data, os.path.join(engine_only, "engine"), workdir, source)
    for measure in ["balances", "originations"]:
        want, got = report(lendscope, data, measure), report(lendscope, engine_only, measure)
        # The comparison could not fail on figures that are not there.
        if not want["periods"] or any(p["indebtedness"] is None or p["stacking"] is None or not p["pricing"]
                                      for p in want["periods"]):
            fail(f"{label}: the report from loans/ lacks over-indebtedness, stacking or pricing in some period")
        difference = first_difference(want, got)
        if difference:
            fail(f"{label}, {engine}, {measure}: the report from engine/ differs from loans/ at {difference}")
    if source:
        print(f"ok: {label}, {engine}: job in {elapsed:.1f} s; reports from engine/ equal loans/ for every period, both measures")
        return elapsed
    # Both in one directory: check compares them, and names a changed figure.
    both = os.path.join(workdir, f"{label}-{engine}-both")
    shutil.copytree(data, both)
    shutil.copytree(os.path.join(engine_only, "engine"), os.path.join(both, "engine"))
    out = subprocess.run([lendscope, "check", both], capture_output=True, text=True)
    if out.returncode != 0:
        fail(f"{label}, {engine}: check with loans/ and engine/ failed: {out.stderr.strip()}")
    part = sorted(p for p in glob.glob(os.path.join(both, "engine", "stacking", "*.csv")) if os.path.getsize(p) > 0)[0]
    lines = open(part, encoding="utf-8").read().splitlines()
    fields = lines[1].split(",")
    fields[1] = str(int(fields[1]) + 1)  # one more borrower
    lines[1] = ",".join(fields)
    open(part, "w", encoding="utf-8").write("\n".join(lines) + "\n")
    out = subprocess.run([lendscope, "check", both], capture_output=True, text=True)
    if out.returncode == 0 or f"{part}:2:" not in out.stderr or "differs from loans/" not in out.stderr:
        fail(f"{label}, {engine}: a changed figure was not named at {part}:2: {out.stderr.strip()}")
    print(f"ok: {label}, {engine}: job in {elapsed:.1f} s; reports from engine/ equal loans/ for every period, both measures")
    return elapsed


def table_rows(folder):
    rows = []
    for part in sorted(glob.glob(os.path.join(folder, "*.csv"))):
        records = list(csv.reader(open(part, encoding="utf-8")))
        rows += [tuple(r) for r in records[1:]]
    return sorted(rows)


def check_monthly(lendscope, data, workdir):
    """By month, the DuckDB job's originations and long table equal `lendscope aggregate --period month`'s."""
    output = os.path.join(workdir, "monthly", "engine")
    os.makedirs(os.path.dirname(output))
    job = os.path.join(workdir, "monthly.sql")
    loans = os.path.join(data, "loans", "loans.csv")
    with open(job, "w") as f:
        subprocess.run([lendscope, "sql", "--engine", "duckdb", "--period", "month", "--input", loans, "--output", output],
                       check=True, stdout=f)
    subprocess.run([sys.executable, "-c", "import duckdb, sys; duckdb.connect().execute(open(sys.argv[1]).read())", job], check=True)
    ours = os.path.join(workdir, "monthly", "agg.csv"), os.path.join(workdir, "monthly", "ind.csv")
    subprocess.run([lendscope, "aggregate", loans, "--period", "month", "--platforms", os.path.join(data, "platforms.csv"),
                    "--output", ours[0], "--indebtedness", ours[1]], check=True)
    for table, mine in [("originations", ours[0]), ("indebtedness", ours[1])]:
        want = sorted(tuple(r) for r in list(csv.reader(open(mine, encoding="utf-8")))[1:])
        if not want or want != table_rows(os.path.join(output, table)):
            fail(f"by month, DuckDB's {table} differs from lendscope aggregate's")
    print("ok: by month, DuckDB's originations and over-indebtedness equal lendscope aggregate's, row for row")


def main():
    args = sys.argv[1:]
    require_spark = "--require-spark" in args
    engines = ["duckdb", "spark"]
    if "--engines" in args:
        engines = args[args.index("--engines") + 1].split(",")
        args = [a for i, a in enumerate(args) if a != "--engines" and (i == 0 or args[i - 1] != "--engines")]
    args = [a for a in args if not a.startswith("--")]
    lendscope = os.path.abspath(args[0])
    rows = int(args[1]) if len(args) > 1 else 300_000
    if "spark" in engines and shutil.which("spark-submit") is None:
        if require_spark:
            fail("spark-submit is not on PATH: pip install pyspark==4.0.1 (Java 17 needed)")
        print("note: spark-submit not found; the Spark part is skipped")
        engines.remove("spark")
    workdir = tempfile.mkdtemp(prefix="lendscope-engine-")
    try:
        sample = os.path.join(workdir, "sample")
        shutil.copytree(SAMPLE, sample)
        generated_loans = os.path.join(workdir, "generated.csv")
        generate(generated_loans, rows)
        generated = data_directory(workdir, "generated", generated_loans)
        parquet = os.path.join(workdir, "sample-loans.parquet")
        to_parquet(os.path.join(sample, "loans", "loans.csv"), parquet)
        if "duckdb" in engines:
            check_monthly(lendscope, generated, workdir)
        for engine in engines:
            check_engine(lendscope, engine, sample, workdir, "sample")
            check_engine(lendscope, engine, sample, workdir, "sample as typed Parquet", source=parquet)
            check_engine(lendscope, engine, generated, workdir, f"{rows:,} generated rows")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
