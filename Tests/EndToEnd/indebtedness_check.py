#!/usr/bin/env python3
"""Over-indebtedness checked against an independent computation, with spills forced.

Generates a loan file (a few hundred thousand rows by default) with overlapping terms,
`closed_on` and `platform_funded_cny` columns, quoted borrower IDs, IDs that differ only in
their last byte, loans that start or end exactly at a period's end; computes every period end's
figures here with the csv module (the definitions of the README, written out again, sharing no
code with LendScope); runs `lendscope aggregate --indebtedness` with the smallest budget the
command line takes, 16 MiB (so that the partitions spill; the unit tests force slices and spilled
debts with smaller budgets), and with 64 MiB, and checks that the tables are identical, line for
line. Then checks that no temporary file is left, after a success, after a
failure (a malformed last row), and after the process is killed mid-run.

With DuckDB installed (`pip install duckdb==2.0.1`; `.ci/run` installs it), the SQL the README
ships (docs/sql/indebtedness.duckdb.sql) is run on the same file and must give the same table
too; `--require-duckdb` makes its absence a failure.

Usage: indebtedness_check.py LENDSCOPE [ROWS] [--require-duckdb]
"""
import csv
import datetime
import io
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

PLATFORMS = [("Huabei", "Ant Group"), ("Jiebei", "Ant Group"), ("Weilidai", "WeBank"), ("JD Baitiao", "JD"),
             ("JD Jintiao", "JD"), ("Youqianhua", "Du Xiaoman"), ("360 Jietiao", "360 DigiTech"),
             ("Lufax Puhui", "Lufax"), ("Meituan Yuefu", "Meituan, Inc."), ("Fenqile", "Lexin")]
STATUSES = ["current", "repaid", "overdue", "default", "written_off"]
BAD = {"overdue", "default", "written_off"}


def generate(path, rows, seed=14):
    rng = random.Random(seed)
    borrowers = max(50, rows // 6)
    start = datetime.date(2020, 1, 1)
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["loan_id", "platform", "bank", "borrower_id", "amount_cny", "term_days", "originated", "rate_apr",
                    "status", "closed_on", "platform_funded_cny"])
        for i in range(rows):
            platform = PLATFORMS[min(len(PLATFORMS) - 1, int(rng.paretovariate(1.2)) - 1)][0]
            # Most borrowers take a few loans; some take many (a heavy tail).
            b = rng.randrange(borrowers) if rng.random() < 0.8 else int(rng.paretovariate(0.9)) % borrowers
            # IDs that differ only in the last byte, and the same ID quoted or not.
            borrower = f"ID{b:07d}" + ("a" if b % 7 == 0 else "b" if b % 7 == 1 else "")
            cents = rng.randint(100, 5_000_000)
            if i % 997 == 0:
                originated = datetime.date(2020 + rng.randint(0, 1), 3 * rng.randint(1, 4), 1) - datetime.timedelta(days=1)
                term = rng.choice([1, 90, 92])  # starts on a period end; ends on one
            else:
                originated = start + datetime.timedelta(days=rng.randint(0, 729))
                term = rng.choice([7, 30, 60, 90, 91, 180, 365, 730])
            closed = ""
            u = rng.random()
            if u < 0.15:
                closed = (originated + datetime.timedelta(days=rng.randint(0, term + 30))).isoformat()
            funded = ""
            if rng.random() < 0.5:
                funded = f"{rng.randint(0, cents) // 100}.{rng.randint(0, 99):02d}" if rng.random() < 0.3 else \
                    f"{cents * 3 // 10 // 100}.{cents * 3 // 10 % 100:02d}"
                if int(funded.replace(".", "")) > cents:
                    funded = ""
            w.writerow([f"L{i}", platform, f"Bank {rng.randint(0, 30)}", borrower,
                        f"{cents // 100}.{cents % 100:02d}", term, originated.isoformat(),
                        f"0.{rng.randint(5, 45):02d}{rng.randint(0, 99):02d}",
                        STATUSES[min(4, int(rng.random() ** 5 * 5))], closed, funded])
    with open(path, "r+") as f:  # one quoted ID, written as CSV allows
        text = f.read().replace(",ID0000003,", ',"ID0000003",', 1)
        f.seek(0)
        f.write(text)
        f.truncate()


def quarter_end(d):
    q = (d.month - 1) // 3
    last_month = 3 * q + 3
    nxt = datetime.date(d.year + (last_month == 12), 1 if last_month == 12 else last_month + 1, 1)
    return f"{d.year}Q{q + 1}", nxt - datetime.timedelta(days=1)


def nearest_rank(values, p):
    n = len(values)
    rank = max(1, min(n, -(-p * n // 100)))
    return values[rank - 1]


def yuan(cents):
    return f"{cents // 100}.{cents % 100:02d}"


def field(text):
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n') else text


def expected(path, groups):
    loans = []
    periods = {}
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            o = datetime.date.fromisoformat(r["originated"])
            name, end = quarter_end(o)
            periods[name] = end
            whole, _, frac = r["amount_cny"].partition(".")
            cents = int(whole) * 100 + int((frac + "00")[:2])
            closed = datetime.date.fromisoformat(r["closed_on"]) if r["closed_on"] else None
            loans.append((r["borrower_id"], groups[r["platform"]], cents, o, int(r["term_days"]), closed, r["status"] in BAD))
    lines = ["period,table,a,b,value"]
    for name, end in sorted(periods.items(), key=lambda kv: kv[1]):
        owed = {}
        for borrower, group, cents, o, term, closed, bad in loans:
            if o <= end and o + datetime.timedelta(days=term) > end and (closed is None or closed > end):
                entry = owed.setdefault(borrower, [set(), 0, 0])
                entry[0].add(group)
                entry[1] += cents
                entry[2] += cents if bad else 0
        classes = [0] * 5
        amounts = [0] * 5
        per_group = {}
        pairs = {}
        bad = {"single": 0, "multi": 0}
        debts, multi_debts = [], []
        for gs, amount, bad_cents in owed.values():
            k = min(len(gs), 5) - 1
            classes[k] += 1
            amounts[k] += amount
            debts.append(amount)
            if len(gs) >= 2:
                multi_debts.append(amount)
            bad["multi" if len(gs) >= 2 else "single"] += bad_cents
            for g in gs:
                per_group[g] = per_group.get(g, 0) + 1
            ordered = sorted(gs)
            for i in range(len(ordered)):
                for j in range(i + 1, len(ordered)):
                    pairs[(ordered[i], ordered[j])] = pairs.get((ordered[i], ordered[j]), 0) + 1

        def row(table, a="", b="", value=""):
            lines.append(",".join([name, table, field(a), field(b), str(value)]))
        row("borrowers", value=len(owed))
        for i, c in enumerate(["1", "2", "3", "4", "5+"]):
            row("by_groups", c, value=classes[i])
            row("amount_by_groups", c, value=yuan(amounts[i]))
        for g in sorted(per_group, key=lambda s: s.encode()):
            row("group_borrowers", g, value=per_group[g])
        for (a, b) in sorted(pairs, key=lambda ab: (ab[0].encode(), ab[1].encode())):
            row("overlap", a, b, value=pairs[(a, b)])
        for table, values in (("debt_all", sorted(debts)), ("debt_multi", sorted(multi_debts))):
            if values:
                for p in (50, 90, 99):
                    row(table, f"p{p}", value=yuan(nearest_rank(values, p)))
                row(table, "max", value=yuan(values[-1]))
        row("bad_amount", "single", value=yuan(bad["single"]))
        row("bad_amount", "multi", value=yuan(bad["multi"]))
    return "\n".join(lines) + "\n"


def duckdb_table(loans, platforms):
    """The README's SQL run by DuckDB: the same long table, sorted lines, or None without DuckDB."""
    try:
        import duckdb  # noqa: F401
    except ImportError:
        return None
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "sql"))
    import indebtedness_duckdb
    return indebtedness_duckdb.table(loans, platforms)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    require_duckdb = "--require-duckdb" in sys.argv
    lendscope = args[0]
    rows = int(args[1]) if len(args) > 1 else 300_000
    work = tempfile.mkdtemp(prefix="lendscope-indebtedness-")
    spill = os.path.join(work, "spill")
    os.mkdir(spill)
    failures = []
    try:
        loans = os.path.join(work, "loans.csv")
        platforms = os.path.join(work, "platforms.csv")
        with open(platforms, "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["platform", "group"])
            w.writerows(PLATFORMS)
        generate(loans, rows)
        groups = dict(PLATFORMS)
        want = expected(loans, groups)
        duck = duckdb_table(loans, platforms)
        if duck is None:
            (failures.append if require_duckdb else print)("DuckDB is not installed (pip install duckdb==2.0.1)"
                                                          + ("" if require_duckdb else ": its check is skipped"))
        elif duck != sorted(want.splitlines()[1:]):
            failures.append("DuckDB's table differs from the independent computation")
        else:
            print(f"ok: DuckDB's SQL gives the same {len(duck)} figures")
        out = os.path.join(work, "indebtedness.csv")
        base = [lendscope, "aggregate", loans, "--platforms", platforms, "--indebtedness", out, "--temp-dir", spill]
        for memory in ("16", "64"):
            result = subprocess.run(base + ["--memory", memory], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            if result.returncode != 0:
                failures.append(f"--memory {memory}: exit {result.returncode}: {result.stderr.strip()}")
                continue
            got = open(out).read()
            if got != want:
                a, b = got.splitlines(), want.splitlines()
                first = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
                failures.append(f"--memory {memory}: line {first + 1} differs: lendscope {a[first] if first < len(a) else '(end)'!r}, "
                                f"python {b[first] if first < len(b) else '(end)'!r}")
            else:
                print(f"ok: --memory {memory} MiB: {len(want.splitlines()) - 1} figures identical to the "
                      f"independent computation ({rows} rows)")
            if os.listdir(spill):
                failures.append(f"--memory {memory}: temporary files left: {os.listdir(spill)}")
        # A failure after spilling: a malformed last row (the file is otherwise the same).
        bad = os.path.join(work, "bad.csv")
        shutil.copy(loans, bad)
        with open(bad, "a") as f:
            f.write("Lx,Huabei,Bank 1,IDx,not-an-amount,30,2021-01-01,0.1,current,,\n")
        result = subprocess.run([lendscope, "aggregate", bad, "--platforms", platforms, "--indebtedness", out,
                                 "--temp-dir", spill, "--memory", "16"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if result.returncode == 0 or "not an amount" not in result.stderr:
            failures.append(f"malformed row: expected exit 1 naming the amount, got {result.returncode}: {result.stderr[:200]}")
        if os.listdir(spill):
            failures.append(f"after a failure: temporary files left: {os.listdir(spill)}")
        # Killed mid-run: the files were unlinked at creation, so nothing is left either.
        process = subprocess.Popen(base + ["--memory", "16"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.3)
        process.send_signal(signal.SIGKILL)
        process.wait()
        if os.listdir(spill):
            failures.append(f"after SIGKILL: temporary files left: {os.listdir(spill)}")
        else:
            print("ok: no temporary file left after success, failure or SIGKILL")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for failure in failures:
        print("FAIL: " + failure)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
