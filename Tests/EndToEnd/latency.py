#!/usr/bin/env python3
"""Measures live-refresh latency from the dashboard's --trace timestamps (CLOCK_MONOTONIC, the
same clock as Python's time.monotonic_ns on Linux):
  - atomic rename -> first frame flushed after the swap of that generation;
  - key read -> frame flushed, for keys read while a reload was in flight.
Runs the dashboard in tmux on a copy of sample-data, renames a changed balances.csv N times
while pressing keys. Prints medians and percentiles; asserts nothing (the machine is shared).
Usage: python3 Tests/EndToEnd/latency.py [path/to/lendscope] [renames]
"""
import os, shutil, subprocess, sys, tempfile, time
from trace_stats import describe, key_latencies, read_events

binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/release/lendscope")
renames = int(sys.argv[2]) if len(sys.argv) > 2 else 20
work = tempfile.mkdtemp()
data = os.path.join(work, "data")
shutil.copytree("sample-data", data)
trace = os.path.join(work, "trace")
socket = f"lendscope-latency-{os.getpid()}"
tmux = ["tmux", "-L", socket]
subprocess.run(tmux + ["new-session", "-d", "-s", "m", "-x", "120", "-y", "40",
                       f"TERM=xterm-256color '{binary}' '{data}' --trace '{trace}'"], check=True)
try:
    time.sleep(1.5)
    rows = open(os.path.join(data, "balances.csv"), encoding="utf-8").read().split("\n")
    probe = next(i for i, row in enumerate(rows) if row.startswith("2021Q4,Huabei 花呗,ICBC,"))
    cells = rows[probe].split(",")
    renamed_at = []
    for i in range(renames):
        # Each generation changes one balance, so every rename is a new, valid data set.
        rows[probe] = ",".join(cells[:3] + ["%.1f" % (float(cells[3]) + i + 1)] + cells[4:])
        temporary = os.path.join(data, ".balances.tmp")
        with open(temporary, "w", encoding="utf-8") as f:
            f.write("\n".join(rows))
        renamed_at.append(time.monotonic_ns())
        os.rename(temporary, os.path.join(data, "balances.csv"))
        deadline = time.time() + 0.6
        while time.time() < deadline:           # keys while the reload runs
            subprocess.run(tmux + ["send-keys", "-t", "m", "j" if i % 2 else "k"], check=True)
            time.sleep(0.02)
    time.sleep(1)
finally:
    subprocess.run(tmux + ["kill-server"], check=False)

events = read_events(trace)

rename_to_frame, failures = [], 0
for start in renamed_at:
    swapped = False
    for t, name in events:
        if t < start:
            continue
        if name == "reload_failed":
            failures += 1
            break
        if name == "swap":
            swapped = True
        if name == "frame_flushed" and swapped:
            rename_to_frame.append((t - start) / 1e6)
            break

key_latency = key_latencies(events)

print(f"rename -> frame:             {describe(rename_to_frame)} (failed reloads: {failures})")
print(f"key -> frame during reload:  {describe(key_latency)}")
shutil.rmtree(work)
