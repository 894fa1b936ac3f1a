#!/usr/bin/env python3
"""A writer rerunning the engine job while a reader loops: never a mix of two runs.

The writer runs the real DuckDB job through the runner over and over, alternating two inputs
(the sample loans, and 60% of them), each run writing its own folder and switching
engine/CURRENT by a rename; the runner prunes to the last two runs. Meanwhile `lendscope report
--format json` reads the directory READS times. Every read must equal the report of run A or of
run B, figure for figure (only the source notes, which name the run, may differ): a read that
took new lending from one run and over-indebtedness from the other would equal neither.
A control then copies tables of two runs into one flat engine/ and expects the reader to refuse
them by name ("tables of two runs").

Usage: engine_runs_race.py LENDSCOPE [READS]
"""
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE = os.path.normpath(os.path.join(HERE, "..", "..", "sample-data"))


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def strip_sources(value):
    if isinstance(value, dict):
        return {k: strip_sources(v) for k, v in value.items() if k not in ("source", "sources")}
    if isinstance(value, list):
        return [strip_sources(v) for v in value]
    return value


def main():
    lendscope = os.path.abspath(sys.argv[1])
    reads = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    work = tempfile.mkdtemp(prefix="lendscope-race-")
    try:
        data = os.path.join(work, "data")
        shutil.copytree(SAMPLE, data, ignore=shutil.ignore_patterns("loans"))
        runner = subprocess.run([lendscope, "sql", "--write-runner", work], check=True, capture_output=True, text=True).stdout.strip()
        inputs = {"a": os.path.join(SAMPLE, "loans", "loans.csv"), "b": os.path.join(work, "b.csv")}
        rng = random.Random(7)
        with open(inputs["a"], encoding="utf-8") as f, open(inputs["b"], "w", encoding="utf-8") as out:
            lines = f.read().splitlines(True)
            out.write(lines[0])
            out.writelines(line for line in lines[1:] if rng.random() < 0.6)
        jobs = {}
        for name, loans in inputs.items():
            jobs[name] = os.path.join(work, name + ".sql")
            with open(jobs[name], "w") as f:
                subprocess.run([lendscope, "sql", "--engine", "duckdb", "--input", loans, "--platforms",
                                os.path.join(data, "platforms.csv"), "--output", os.path.join(data, "engine")],
                               check=True, stdout=f)

        def run(name):
            done = subprocess.run([sys.executable, runner, jobs[name]], capture_output=True, text=True)
            if done.returncode != 0:
                fail(f"the runner failed on {name}: {done.stderr}")

        def read():
            out = subprocess.run([lendscope, "report", data, "--measure", "originations", "--format", "json"],
                                 capture_output=True, text=True)
            return out.returncode, out.stdout, out.stderr

        expected = {}
        for name in ["a", "b"]:
            run(name)
            status, text, err = read()
            if status != 0:
                fail(f"report after run {name}: {err}")
            expected[name] = strip_sources(json.loads(text))
        if expected["a"] == expected["b"]:
            fail("the two runs give the same report: a mix could not be seen")

        stop = threading.Event()
        runs = [0]

        def writer():
            order = ["a", "b"]
            while not stop.is_set():
                run(order[runs[0] % 2])
                runs[0] += 1

        thread = threading.Thread(target=writer)
        thread.start()
        seen = {"a": 0, "b": 0}
        failures = []
        try:
            for _ in range(reads):
                status, text, err = read()
                if status != 0:
                    failures.append(err.strip())
                    continue
                got = strip_sources(json.loads(text))
                match = [name for name, want in expected.items() if got == want]
                if not match:
                    fail("a read equal to neither run: a mix of two runs")
                seen[match[0]] += 1
        finally:
            stop.set()
            thread.join()
        if failures:
            fail(f"{len(failures)} of {reads} reads failed: {failures[0]}")
        if min(seen.values()) == 0:
            fail(f"the reads saw only one run ({seen}): the writer did not race the reader")
        print(f"ok: {reads} reads while {runs[0]} runs were written: {seen['a']} of run A, {seen['b']} of run B, 0 mixes, 0 failures")

        # Control: tables of two runs put together by hand are refused, by name.
        engine = os.path.join(data, "engine")
        runs_folder = os.path.join(engine, "runs")
        names = sorted(os.listdir(runs_folder))
        flat = os.path.join(work, "flat")
        shutil.copytree(data, flat, ignore=shutil.ignore_patterns("engine"))
        shutil.copytree(os.path.join(runs_folder, names[0]), os.path.join(flat, "engine"))
        shutil.rmtree(os.path.join(flat, "engine", "pricing"))
        shutil.copytree(os.path.join(runs_folder, names[1], "pricing"), os.path.join(flat, "engine", "pricing"))
        out = subprocess.run([lendscope, "report", flat, "--format", "json"], capture_output=True, text=True)
        if out.returncode == 0 or "tables of two runs" not in out.stderr:
            fail(f"tables of two runs put together by hand were not refused: {out.returncode} {out.stderr.strip()}")
        print("ok: tables of two runs put together by hand are refused by name")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
