#!/usr/bin/env python3
"""Pseudonymised loan files give the same over-indebtedness as the originals (one key), and no
cross-platform matches with two keys.

The sample loans are split in two by platform (as two platforms would hold them), each half is
pseudonymised on its own with `lendscope pseudonymise`, and `aggregate --indebtedness` on the
halves is compared with the originals. With a second key for the second half, no borrower may be
shared between a group only in the first half and a group only in the second (and the originals
must have some, or the check could not fail).

Usage: pseudonymise_check.py LENDSCOPE
"""
import csv
import os
import shutil
import subprocess
import sys
import tempfile


def run(*args):
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)


def main():
    lendscope = sys.argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    sample = os.path.join(here, "..", "..", "sample-data")
    platforms = os.path.join(sample, "platforms.csv")
    groups = {r["platform"]: r["group"] for r in csv.DictReader(open(platforms, encoding="utf-8"))}
    work = tempfile.mkdtemp(prefix="lendscope-pseudonymise-")
    failures = []
    try:
        rows = list(csv.reader(open(os.path.join(sample, "loans", "loans.csv"), encoding="utf-8")))
        names = sorted({r[1] for r in rows[1:]})
        first = set(names[: len(names) // 2])
        halves = {}
        for name, keep in (("a", lambda r: r[1] in first), ("b", lambda r: r[1] not in first)):
            path = os.path.join(work, name + ".csv")
            with open(path, "w", newline="", encoding="utf-8") as f:
                w = csv.writer(f, lineterminator="\n")
                w.writerow(rows[0])
                w.writerows(r for r in rows[1:] if keep(r))
            halves[name] = path
        keys = []
        for k in ("k1", "k2"):
            path = os.path.join(work, k)
            with open(path, "wb") as f:
                f.write(os.urandom(32))
            os.chmod(path, 0o600)
            keys.append(path)

        def figures(a, b):
            out = os.path.join(work, "out.csv")
            run(lendscope, "aggregate", a, b, "--platforms", platforms, "--indebtedness", out)
            return open(out, encoding="utf-8").read()

        only_a = {groups[p] for p in first} - {groups[p] for p in names if p not in first}
        only_b = {groups[p] for p in names if p not in first} - {groups[p] for p in first}

        def across(table):
            return [line for line in table.splitlines() if ",overlap," in line
                    and {line.split(",")[2], line.split(",")[3]} & only_a and {line.split(",")[2], line.split(",")[3]} & only_b]

        original = figures(halves["a"], halves["b"])
        pa, pb, qb = (os.path.join(work, n) for n in ("pa.csv", "pb.csv", "qb.csv"))
        run(lendscope, "pseudonymise", "--key-file", keys[0], halves["a"], pa)
        run(lendscope, "pseudonymise", "--key-file", keys[0], halves["b"], pb)
        run(lendscope, "pseudonymise", "--key-file", keys[1], halves["b"], qb)
        if figures(pa, pb) != original:
            failures.append("one key: the figures differ from the originals'")
        else:
            print("ok: one key, files pseudonymised apart: every figure equals the originals'")
        crossed = across(figures(pa, qb))
        if not across(original):
            failures.append("the sample has no borrower across the halves: the two-key check could not fail")
        elif crossed:
            failures.append(f"two keys: borrowers still matched across the halves: {crossed[:3]}")
        else:
            print(f"ok: two keys: no borrower matched across the halves (the originals have {len(across(original))} such pairs)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for failure in failures:
        print("FAIL: " + failure)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
