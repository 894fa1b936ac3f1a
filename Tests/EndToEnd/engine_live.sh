#!/usr/bin/env bash
# The dashboard follows an engine/ folder that Apache Spark writes a new run into, in tmux: while
# the Spark job writes its run's folder (part files appearing, _SUCCESS and _RUN after each table,
# the manifest, then CURRENT switched by a rename) the screen shows the current run's figures and
# says a newer run is being written; once CURRENT names the new run it shows the new ones; no
# screen ever shows the new figures of one table beside the old of another. Then a writer by hand
# holds a run half-written for 3 s (some tables new, CURRENT not yet switched), to show that the
# pointer, not luck, keeps runs apart.
#
# The screen is the overview on new lending: a group's amount and share come from
# engine/originations, "owing on 2+ groups" from engine/indebtedness. The first figures come from a
# DuckDB job on the sample loans, the rewrite from a Spark job on 60% of them.
#
# Usage: engine_live.sh LENDSCOPE
set -euo pipefail
lendscope=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
command -v spark-submit >/dev/null || { echo "FAIL: spark-submit not on PATH (pip install pyspark==4.0.1)" >&2; exit 1; }
work=$(mktemp -d /tmp/lendscope-engine-live.XXXXXX)
socket="lendscope-engine-live-$$"
cleanup() {
  tmux -L "$socket" kill-server 2>/dev/null || true
  [ -n "${spark_pid:-}" ] && kill "$spark_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

data="$work/data"
mkdir -p "$data" "$work/a" "$work/b"
cp "$root"/sample-data/*.csv "$data/"
cp "$root/sample-data/loans/loans.csv" "$work/a/loans.csv"
python3 - "$root/sample-data/loans/loans.csv" "$work/b/loans.csv" <<'EOF'
import random, sys
rng = random.Random(7)
lines = open(sys.argv[1], encoding="utf-8").read().splitlines(True)
with open(sys.argv[2], "w", encoding="utf-8") as out:
    out.write(lines[0])
    out.writelines(line for line in lines[1:] if rng.random() < 0.6)
EOF

runner=$("$lendscope" sql --write-runner "$work")
"$lendscope" sql --engine duckdb --input "$work/a/loans.csv" --platforms "$data/platforms.csv" --output "$data/engine" > "$work/a.sql"
python3 "$runner" "$work/a.sql"
run_a=$(cat "$data/engine/CURRENT")
cp -r "$data/engine/runs/$run_a" "$work/run-a"
"$lendscope" sql --engine spark --input "$work/b/loans.csv" --platforms "$data/platforms.csv" --output "$data/engine" > "$work/b.sql"

tmux -L "$socket" new-session -d -x 100 -y 30 "$lendscope dashboard '$data' --refresh 0.5"
figures() {
  # "<Ant Group's amount and share> | <owing on 2+ groups: …>" of the screen, or empty while it draws.
  local screen
  screen=$(tmux -L "$socket" capture-pane -p)
  local group owing
  group=$(grep -m1 ' Ant Group ' <<<"$screen" | awk '{print $4, $5}' || true)
  owing=$(grep -o 'owing on 2+ groups: [^(]*' <<<"$screen" | head -1 || true)
  [ -n "$group" ] && [ -n "$owing" ] && echo "$group | $owing"
  return 0
}
for _ in $(seq 50); do
  tmux -L "$socket" capture-pane -p | grep -q 'LendScope' && break
  sleep 0.2
done
tmux -L "$socket" send-keys n
sleep 1
old=$(figures)
[ -n "$old" ] || fail "no figures on the first screen: $(tmux -L "$socket" capture-pane -p)"
echo "before the Spark job: $old"

spark-submit --master 'local[2]' --driver-memory 1g --conf spark.sql.shuffle.partitions=4 --conf spark.ui.enabled=false \
  "$runner" "$work/b.sql" > "$work/spark.log" 2>&1 &
spark_pid=$!
saw_writing=0
saw_incomplete_table=0
screens=0
new=""
deadline=$((SECONDS + 300))
while [ $SECONDS -lt $deadline ]; do
  done_before=0
  [ "$(cat "$data/engine/CURRENT" 2>/dev/null)" != "$run_a" ] && done_before=1
  for run in "$data"/engine/runs/*; do
    [ "$(basename "$run")" = "$run_a" ] && continue
    for table in originations indebtedness pricing; do
      [ -d "$run/$table" ] && [ ! -e "$run/$table/_SUCCESS" ] && saw_incomplete_table=1
    done
  done
  screen=$(tmux -L "$socket" capture-pane -p)
  grep -q '^running ' "$data/engine/_JOB" 2>/dev/null && [ "$done_before" = 0 ] && saw_writing=1
  now=$(figures)
  screens=$((screens + 1))
  if [ -n "$now" ] && [ "$now" != "$old" ]; then
    [ "$done_before" = 1 ] || fail "new figures before CURRENT named the new run: '$now' (old '$old')"$'\n'"$screen"
    if [ -z "$new" ]; then new="$now"; fi
    [ "$now" = "$new" ] || fail "two different new screens: '$new' then '$now'"
  fi
  if ! kill -0 "$spark_pid" 2>/dev/null && [ -n "$new" ]; then break; fi
  if ! kill -0 "$spark_pid" 2>/dev/null && [ "$done_before" = 1 ] && [ -z "$new" ]; then
    sleep 0.3   # the job is done: the reload follows within the refresh interval
  fi
  sleep 0.15
done
wait "$spark_pid" || fail "the Spark job failed: $(tail -20 "$work/spark.log")"
spark_pid=""
[ -n "$new" ] || fail "the screen never showed the new figures: $(tmux -L "$socket" capture-pane -p)"
[ "$saw_incomplete_table" = 1 ] || fail "never saw a table being written (the check could not see a mix)"
[ "$saw_writing" = 1 ] || fail "never saw the job running while the old run was current"
# Every screen was the old figures or the new: a mix would be a third pair (checked above).
final=$(figures)
[ "$final" = "$new" ] || fail "the screen moved on after the job: '$final'"
# The new figures are those of a report on the same engine output (the originations share).
share=$("$lendscope" report "$data" --measure originations --format json | python3 -c '
import json, sys
d = json.load(sys.stdin)
print("%.2f%%" % (100 * next(p["share_of_market"] for p in d["platforms"] if p["group"] == "Ant Group")))')
grep -q -- "$share" <<<"$new" || fail "the new screen '$new' does not show the report's share $share"
# A second rewrite, by hand and slowed down, so that the window between two tables is long: with
# _JOB saying running, the first table is complete and new while the others are complete and old.
# A reader that took every table with _SUCCESS would show a mix here.
# By hand: a new run folder, tables copied in one by one with a pause, CURRENT switched last.
hand="$data/engine/runs/by-hand"
mkdir -p "$hand"
echo "running by-hand" > "$data/engine/_JOB"
cp -r "$work/run-a/originations" "$hand/originations"
echo by-hand > "$hand/originations/_RUN"
sleep 3
window=$(figures)
[ "$window" = "$new" ] || fail "with a run half-written, the screen changed to '$window' (was '$new'): a mix of two runs"
for table in status stacking indebtedness pricing summary; do
  cp -r "$work/run-a/$table" "$hand/$table" && echo by-hand > "$hand/$table/_RUN"
done
python3 - "$work/run-a/manifest.json" "$hand/manifest.json" <<'PY'
import json, sys
manifest = json.loads(open(sys.argv[1]).read())
manifest["run_id"] = "by-hand"
open(sys.argv[2], "w").write(json.dumps(manifest) + "\n")
PY
echo by-hand > "$data/engine/CURRENT.tmp" && mv "$data/engine/CURRENT.tmp" "$data/engine/CURRENT"
echo "done by-hand" > "$data/engine/_JOB"
for _ in $(seq 40); do
  [ "$(figures)" = "$old" ] && break
  sleep 0.25
done
[ "$(figures)" = "$old" ] || fail "after the by-hand run the screen shows '$(figures)', not the first figures '$old'"
echo "ok: $screens screens while Spark wrote a new run: old '$old' until CURRENT named it, then '$new', never a mix; a run half-written by hand showed nothing new until CURRENT named it"
