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
RUNNER = None  # lendscope_job.py, written by `lendscope sql --write-runner` in main()
TABLES = ["originations", "status", "stacking", "indebtedness", "pricing", "summary"]


def current_run(output):
    """The folder of the run engine/CURRENT names."""
    run = open(os.path.join(output, "CURRENT"), encoding="utf-8").read().strip()
    return os.path.join(output, "runs", run)


def write_job(lendscope, engine, output, loans, workdir, platforms, name=None, extra=()):
    job = os.path.join(workdir, (name or engine) + ".sql")
    with open(job, "w") as f:
        command = [lendscope, "sql", "--engine", engine, "--input", loans, "--output", output, *extra]
        if platforms:
            command += ["--platforms", platforms]
        subprocess.run(command, check=True, stdout=f)
    return job


def execute(engine, job, workdir):
    """Runs a job through the runner, as the README says; returns (exit status, output)."""
    if engine == "duckdb":
        done = subprocess.run([sys.executable, RUNNER, job], capture_output=True, text=True)
        return done.returncode, done.stdout + done.stderr
    log = os.path.join(workdir, "spark.log")
    with open(log, "w") as f:
        done = subprocess.run(["spark-submit", "--master", "local[2]", "--driver-memory", "2g",
                               "--conf", "spark.sql.shuffle.partitions=4", "--conf", "spark.ui.enabled=false",
                               RUNNER, job], stdout=f, stderr=subprocess.STDOUT)
    return done.returncode, open(log).read()


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
    job = write_job(lendscope, engine, output, source or os.path.join(data, "loans", "*.csv"), workdir,
                    os.path.join(data, "platforms.csv"))
    started = time.monotonic()
    status, log = execute(engine, job, workdir)
    if status != 0:
        fail(f"{engine}: the runner failed ({status}):\n" + log[-3000:])
    elapsed = time.monotonic() - started
    state = open(os.path.join(output, "_JOB")).read()
    if not state.startswith("done "):
        fail(f"{engine}: _JOB says {state!r} after the job")
    run = current_run(output)
    if not os.path.exists(os.path.join(run, "manifest.json")):
        fail(f"{engine}: the current run has no manifest")
    for table in TABLES:
        for marker in ["_SUCCESS", "_RUN"]:
            if not os.path.exists(os.path.join(run, table, marker)):
                fail(f"{engine}: {table} has no {marker}")
    # Hidden files (a file system's checksums) are no one's data.
    stray = [n for n in os.listdir(output) if n not in ("CURRENT", "_JOB", "runs") and not n.startswith(".")]
    if stray:
        fail(f"{engine}: stray files in the output folder: {stray}")
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
    part = sorted(p for p in glob.glob(os.path.join(current_run(os.path.join(both, "engine")), "stacking", "*.csv"))
                  if os.path.getsize(p) > 0)[0]
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
    loans = os.path.join(data, "loans", "loans.csv")
    job = write_job(lendscope, "duckdb", output, loans, workdir, None, name="monthly", extra=["--period", "month"])
    status, log = execute("duckdb", job, workdir)
    if status != 0:
        fail("monthly DuckDB job failed: " + log[-2000:])
    ours = os.path.join(workdir, "monthly", "agg.csv"), os.path.join(workdir, "monthly", "ind.csv")
    subprocess.run([lendscope, "aggregate", loans, "--period", "month", "--platforms", os.path.join(data, "platforms.csv"),
                    "--output", ours[0], "--indebtedness", ours[1]], check=True)
    for table, mine in [("originations", ours[0]), ("indebtedness", ours[1])]:
        want = sorted(tuple(r) for r in list(csv.reader(open(mine, encoding="utf-8")))[1:])
        if not want or want != table_rows(os.path.join(current_run(output), table)):
            fail(f"by month, DuckDB's {table} differs from lendscope aggregate's")
    print("ok: by month, DuckDB's originations and over-indebtedness equal lendscope aggregate's, row for row")


def check_protocol(lendscope, engine, data, workdir):
    """What a data team trips on: separators that a sniffer guesses, a failed rerun, typed columns
    that cannot hold cents or days, a lake table read as files, a URI without its grouping."""
    import duckdb
    # 1. An extra column full of ';' in platforms.csv and in the loans: still read by ','.
    odd = os.path.join(workdir, f"semicolons-{engine}")
    shutil.copytree(data, odd)
    for name in ["platforms.csv", os.path.join("loans", "loans.csv")]:
        path = os.path.join(odd, name)
        rows = list(csv.reader(open(path, encoding="utf-8")))
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(rows[0] + ["note"])
            w.writerows(r + [";;x;y;z;;"] for r in rows[1:])
    out = subprocess.run([lendscope, "check", odd], capture_output=True, text=True)
    if out.returncode != 0:
        fail(f"{engine}: check refused the ';' files: {out.stderr.strip()}")
    engine_only = os.path.join(workdir, f"semicolons-{engine}-engine")
    shutil.copytree(odd, engine_only, ignore=shutil.ignore_patterns("loans"))
    run_job(lendscope, engine, odd, os.path.join(engine_only, "engine"), workdir)
    want, got = report(lendscope, odd, "originations"), report(lendscope, engine_only, "originations")
    difference = first_difference(want, got)
    if difference:
        fail(f"{engine}: with ';' in an extra column the engine's figures differ from loans/ at {difference}")
    print(f"ok: {engine}: an extra column full of ';' is read by ',' (no delimiter sniffing); figures equal loans/")

    # 2. A rerun that fails leaves the last good run readable, and says it failed.
    before = report(lendscope, engine_only, "originations")
    current = open(os.path.join(engine_only, "engine", "CURRENT")).read()
    bad = os.path.join(workdir, f"bad-{engine}.csv")
    lines = open(os.path.join(odd, "loans", "loans.csv"), encoding="utf-8").read().splitlines()
    fields = next(csv.reader([lines[5]]))
    fields[4] = "1.234"
    buffer = []
    csv.writer(buffer_writer(buffer), lineterminator="").writerow(fields)
    lines[5] = buffer[0]
    open(bad, "w", encoding="utf-8").write("\n".join(lines) + "\n")
    job = write_job(lendscope, engine, os.path.join(engine_only, "engine"), bad, workdir, os.path.join(odd, "platforms.csv"),
                    name=f"bad-{engine}")
    status, log = execute(engine, job, workdir)
    if status != 65 or "is not yuan with at most two decimals" not in log:
        fail(f"{engine}: a malformed loan did not fail the rerun with status 65 ({status}):\n" + log[-2000:])
    if not open(os.path.join(engine_only, "engine", "_JOB")).read().startswith("failed "):
        fail(f"{engine}: _JOB does not say the rerun failed")
    if open(os.path.join(engine_only, "engine", "CURRENT")).read() != current:
        fail(f"{engine}: a failed rerun moved CURRENT")
    if first_difference(before, report(lendscope, engine_only, "originations")):
        fail(f"{engine}: after a failed rerun the figures changed")
    print(f"ok: {engine}: a failed rerun exits 65, says failed in _JOB, and the last good run stays readable")

    # 3. Typed Parquet: a DOUBLE amount and a TIMESTAMP date are refused by name; a Delta folder too.
    loans = os.path.join(data, "loans", "loans.csv")
    cases = [("amount_cny", "CAST(amount_cny AS DOUBLE)", "column amount_cny is DOUBLE"),
             ("rate_apr", "CAST(rate_apr AS FLOAT)", "column rate_apr is FLOAT"),
             ("originated", "CAST(originated AS TIMESTAMP)", "column originated is TIMESTAMP")]
    for column, expression, message in cases:
        folder = os.path.join(workdir, f"typed-{engine}-{column}")
        os.makedirs(folder)
        duckdb.sql(f"COPY (SELECT * REPLACE ({expression} AS {column}) FROM read_csv('{loans}', header = true, "
                   f"all_varchar = true)) TO '{folder}/loans.parquet' (FORMAT parquet)")
        job = write_job(lendscope, engine, os.path.join(workdir, f"typed-{engine}-{column}-out"), os.path.join(folder, "loans.parquet"),
                        workdir, os.path.join(data, "platforms.csv"), name=f"typed-{engine}-{column}")
        status, log = execute(engine, job, workdir)
        if status != 65 or message not in log:
            fail(f"{engine}: a {message.split(' is ')[1]} {column} was not refused by name ({status}):\n" + log[-2000:])
    delta = os.path.join(workdir, f"delta-{engine}")
    os.makedirs(os.path.join(delta, "_delta_log"))
    open(os.path.join(delta, "_delta_log", "00000000000000000000.json"), "w").write("{}\n")
    duckdb.sql(f"COPY (SELECT * FROM read_csv('{loans}', header = true, all_varchar = true)) TO '{delta}/part-0.parquet' (FORMAT parquet)")
    job = write_job(lendscope, engine, os.path.join(workdir, f"delta-{engine}-out"), os.path.join(delta, "*.parquet"), workdir,
                    os.path.join(data, "platforms.csv"), name=f"delta-{engine}", extra=["--input-format", "parquet"])
    status, log = execute(engine, job, workdir)
    if status != 65 or "is a Delta table" not in log:
        fail(f"{engine}: a Delta folder was read as files ({status}):\n" + log[-2000:])
    # The folder named without its final slash, and reached by a ** glob from above.
    for name, source in [("bare", delta), ("deep", os.path.join(workdir, "**", "part-0.parquet"))]:
        job = write_job(lendscope, engine, os.path.join(workdir, f"delta-{engine}-{name}-out"), source, workdir,
                        os.path.join(data, "platforms.csv"), name=f"delta-{engine}-{name}", extra=["--input-format", "parquet"])
        status, log = execute(engine, job, workdir)
        if status != 65 or "is a Delta table" not in log:
            fail(f"{engine}: a Delta folder given as {source} was read as files ({status}):\n" + log[-2000:])
    print(f"ok: {engine}: DOUBLE and FLOAT amounts or rates, TIMESTAMP dates and a Delta folder (named three ways) are refused by name (65)")

    # 4. CRLF line ends in platforms.csv and the loans, and a quote in the output's path: the same figures.
    crlf = os.path.join(workdir, f"crlf-{engine}")
    shutil.copytree(data, crlf)
    for name in ["platforms.csv", os.path.join("loans", "loans.csv")]:
        path = os.path.join(crlf, name)
        text = open(path, encoding="utf-8").read().replace("\r\n", "\n").replace("\n", "\r\n")
        open(path, "w", encoding="utf-8", newline="").write(text)
    quoted = os.path.join(workdir, f"it's {engine}")
    shutil.copytree(crlf, quoted, ignore=shutil.ignore_patterns("loans"))
    run_job(lendscope, engine, crlf, os.path.join(quoted, "engine"), workdir)
    difference = first_difference(report(lendscope, crlf, "originations"), report(lendscope, quoted, "originations"))
    if difference:
        fail(f"{engine}: with CRLF files and a quote in the path the figures differ at {difference}")
    print(f"ok: {engine}: CRLF files and a quote in the output's path give the same figures")


class buffer_writer:
    def __init__(self, out):
        self.out = out

    def write(self, text):
        self.out.append(text)


def check_uri_grouping(lendscope):
    """A URI's folder cannot be looked in for platforms.csv: the job is refused without --platforms."""
    out = subprocess.run([lendscope, "sql", "--engine", "spark", "--input", "file:///data/loans/*.csv", "--output", "/tmp/x"],
                         capture_output=True, text=True)
    if out.returncode != 64 or "give --platforms" not in out.stderr:
        fail(f"a URI input without --platforms was not refused: {out.returncode} {out.stderr.strip()}")
    print("ok: a URI input without --platforms is refused (64): no silent one-group-per-platform")


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
    global RUNNER
    RUNNER = subprocess.run([lendscope, "sql", "--write-runner", workdir], check=True, capture_output=True, text=True).stdout.strip()
    check_uri_grouping(lendscope)
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
            check_protocol(lendscope, engine, sample, workdir)
            check_engine(lendscope, engine, sample, workdir, "sample")
            check_engine(lendscope, engine, sample, workdir, "sample as typed Parquet", source=parquet)
            check_engine(lendscope, engine, generated, workdir, f"{rows:,} generated rows")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
