#!/usr/bin/env bash
# End-to-end tests of live refresh in a real terminal (tmux): atomic replacement, a broken file
# and its fix, an in-place writer racing the reloads, hostile text. Polls for text, never sleeps
# for a fixed answer. Usage: Tests/EndToEnd/live.sh [path/to/lendscope]   (from the package root)
set -u
binary=${1:-.build/debug/lendscope}
binary=$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")
socket="lendscope-live-$$"
work=$(mktemp -d)
data="$work/data"
cp -r sample-data "$data"
passed=0
failed=0

tm() { tmux -L "$socket" "$@"; }
cleanup() { tm kill-server 2>/dev/null; [ -n "${writer:-}" ] && kill "$writer" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

check() {
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok   $name"
  else failed=$((failed + 1)); echo "FAIL $name"; tm capture-pane -p -t live 2>/dev/null | sed 's/^/    /'; fi
}
screen() { tm capture-pane -p -t live; }
wait_for() { # text [seconds]
  local i=0; while [ "$i" -lt $(( ${2:-10} * 20 )) ]; do screen | grep -qF -- "$1" && return 0; sleep 0.05; i=$((i + 1)); done; return 1
}
wait_gone() { # text [seconds]
  local i=0; while [ "$i" -lt $(( ${2:-10} * 20 )) ]; do screen | grep -qF -- "$1" || return 0; sleep 0.05; i=$((i + 1)); done; return 1
}

# Writes balances.csv with Ant Group's 2021Q4 ICBC row raised by $1 million yuan, to a path ($2).
variant() {
  python3 - "$1" "$2" "$data/balances.csv.orig" <<'PY'
import sys
extra, out, source = float(sys.argv[1]), sys.argv[2], sys.argv[3]
rows = open(source, encoding="utf-8").read().split("\n")
for i, row in enumerate(rows):
    if row.startswith("2021Q4,Huabei 花呗,ICBC,"):
        cells = row.split(",")
        cells[3] = "%.1f" % (float(cells[3]) + extra)
        rows[i] = ",".join(cells)
open(out, "w", encoding="utf-8").write("\n".join(rows))
PY
}
cp "$data/balances.csv" "$data/balances.csv.orig"
replace() { cp "$1" "$data/.balances.tmp" && mv "$data/.balances.tmp" "$data/balances.csv"; }

tm new-session -d -s live -x 120 -y 30 "TERM=xterm-256color '$binary' '$data' --trace '$work/trace'; echo EXIT=\$?; sleep 600"
check "the dashboard shows Ant Group at CNY 1,180.0 bn" wait_for "1,180.0"

# 1. An atomic replacement shows within 2 s.
variant 100000 "$work/plus100.csv"
replace "$work/plus100.csv"
check "an atomic rename shows the new figure (1,280.0) within 2 s" wait_for "1,280.0" 2

# 2. A broken file: the banner names file:line:column, the old figure stays.
python3 - "$work/plus100.csv" "$work/broken.csv" <<'PY'
import sys
rows = open(sys.argv[1], encoding="utf-8").read().split("\n")
rows[6] = rows[6].replace(",E,", ",X,", 1)
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(rows))
PY
column=$(python3 -c "import sys; r=open(sys.argv[1],encoding='utf-8').read().split('\n')[6]; print(len(r[:r.index(',X,')+1])+1)" "$work/broken.csv")
replace "$work/broken.csv"
check "a broken file shows its position in the banner" wait_for " balances.csv:7:$column: column 'flag': 'X' is not a flag"
check "the last good figure stays on screen" bash -c "tmux -L '$socket' capture-pane -p -t live | grep -q '1,280.0'"
check "the banner says which data are shown" wait_for "! data of "
check "the title says the reload failed" wait_for "reload failed"
replace "$work/plus100.csv"
check "fixing the file clears the banner" wait_gone "is not a flag"

# 2b. A FIFO swapped in for market.csv mid-run: named within 5 s (never waited on), and the next
# good file is shown.
cp "$data/market.csv" "$work/market.good"
rm "$data/market.csv" && mkfifo "$data/market.csv"
check "a FIFO swapped in is named in the banner within 5 s" wait_for "market.csv:1:1: is a FIFO, not a regular file" 5
rm "$data/market.csv" && cp "$work/market.good" "$data/.market.tmp" && mv "$data/.market.tmp" "$data/market.csv"
check "the next good file is shown after the FIFO" wait_gone "is a FIFO" 5

# 3. An in-place writer for 10 s: every figure shown belongs to one complete generation.
variant 0 "$work/gen-a.csv"
variant 200000 "$work/gen-b.csv"
python3 - "$data/balances.csv" "$work/gen-a.csv" "$work/gen-b.csv" <<'PY' &
import sys, time
target, sources = sys.argv[1], [open(p, "rb").read() for p in sys.argv[2:]]
end, k = time.time() + 10, 0
while time.time() < end:
    with open(target, "r+b") as f:         # in place: truncate, then small chunks
        f.truncate(0)
        data = sources[k % 2]
        for start in range(0, len(data), 8192):
            f.write(data[start:start + 8192]); f.flush()
            time.sleep(0.002)
    k += 1
    time.sleep(0.6)                          # quiet long enough for each generation to be loaded on a busy machine
PY
writer=$!
bad=0; samples=0; seen=""
while kill -0 "$writer" 2>/dev/null; do
  line=$(screen | grep ' Ant Group ' | head -1)
  case "$line" in *1,180.0*) seen="$seen a";; *1,380.0*) seen="$seen b";; esac
  others=$(screen | grep 'others (unreported)' | head -1)
  samples=$((samples + 1))
  case "$line" in *1,180.0*|*1,380.0*|*1,280.0*) ;; *) bad=$((bad + 1)); echo "    unexpected: $line";; esac
  case "$others" in *7,262.0*|*7,062.0*|*7,162.0*) ;; *) bad=$((bad + 1)); echo "    unexpected: $others";; esac
  sleep 0.1
done
writer=
echo "    $samples screens sampled"
check "no screen during in-place rewrites showed numbers from a partial file" test "$bad" -eq 0 -a "$samples" -gt 50
check "both generations were shown while the writer ran" bash -c "[[ '$seen' == *a* && '$seen' == *b* ]]"
replace "$work/gen-b.csv"
check "after the writer stops, the final generation shows" wait_for "1,380.0" 3

# 4. Hostile text: an escape sequence, a bidi override and a tab reach the screen only as placeholders.
python3 - "$work/gen-b.csv" "$work/hostile.csv" <<'PY'
import sys
rows = open(sys.argv[1], encoding="utf-8").read().split("\n")
cells = rows[3].split(",")
cells[3] = '"\x1b[2J\u202eevil\there"'
rows[3] = ",".join(cells)
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(rows))
PY
tm pipe-pane -o -t live "cat >> '$work/raw.bytes'"
replace "$work/hostile.csv"
check "the hostile value is shown with placeholders" wait_for "'�[2J�evil here' is not"
tm pipe-pane -t live
check "no foreign escape sequence or bidi override reached the terminal" \
  python3 -c "import sys; b=open(sys.argv[1],'rb').read(); sys.exit(1 if (b'\x1b[2J' in b or '\u202e'.encode() in b or len(b)==0) else 0)" "$work/raw.bytes"
replace "$work/gen-b.csv"
check "the good data return" wait_gone "is not a plain decimal number"

# 5. r reloads now, p pauses.
tm send-keys -t live P
check "p pauses live refresh" wait_for "refresh paused"
replace "$work/plus100.csv"
sleep 1.5
check "while paused the data stay" bash -c "tmux -L '$socket' capture-pane -p -t live | grep -q '1,380.0'"
tm send-keys -t live P
check "resuming loads the change made meanwhile" wait_for "1,280.0" 3
tm send-keys -t live q
check "q exits cleanly" wait_for "EXIT=0"
check "the trace records file events, parses, swaps and frames" \
  bash -c "grep -q file_event '$work/trace' && grep -q parse_end '$work/trace' && grep -q swap '$work/trace' && grep -q frame_flushed '$work/trace'"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
