#!/usr/bin/env bash
# End-to-end tests of the dashboard in a real terminal (tmux): keys, resizes, signals, terminal
# restore, colour and TERM handling, plain mode. Polls for text instead of sleeping.
# Usage: Tests/EndToEnd/dashboard.sh [path/to/lendscope]   (run from the package root)
set -u
binary=${1:-.build/debug/lendscope}
binary=$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")
socket="lendscope-e2e-$$"
passed=0
failed=0

tm() { tmux -L "$socket" "$@"; }
cleanup() { tm kill-server 2>/dev/null; }
trap cleanup EXIT
# A session that lives for the whole run: killing the test's session then never leaves the
# server empty, so it never exits while the next session is being made ("server exited
# unexpectedly").
tm new-session -d -s keep "sleep 3600"

check() { # name, then a command that must succeed
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok   $name"
  else failed=$((failed + 1)); echo "FAIL $name"; echo "---- screen:"; tm capture-pane -p -t e2e 2>/dev/null | sed 's/^/    /'; fi
}

screen() { tm capture-pane -p -t e2e; }

# Waits up to $2 seconds (default 10) for the screen to contain the fixed string $1.
wait_for() {
  local text=$1 limit=${2:-10} i=0
  while [ "$i" -lt $((limit * 20)) ]; do
    screen 2>/dev/null | grep -qF -- "$text" && return 0
    sleep 0.05; i=$((i + 1))
  done
  return 1
}

# Starts the dashboard in a fresh tmux session of the given size; the shell reports the exit status.
start() { # width height [env assignments...]
  local width=$1 height=$2; shift 2
  tm kill-session -t e2e 2>/dev/null
  tm new-session -d -s e2e -x "$width" -y "$height" \
    "cd '$PWD' && env $* '$binary' sample-data; echo EXIT=\$?; sleep 600"
}

app_pid() { pgrep -f "^$binary sample-data" | head -1; }
alternate_off() { [ "$(tm display -p -t e2e '#{alternate_on}')" = "0" ]; }

# 1. Overview at 100x30, keys.
start 100 30 TERM=xterm-256color
check "overview appears at 100x30" wait_for "Ant Group"
check "latest period is shown" wait_for "2021Q4"
tm send-keys -t e2e Left Left Left Left Left Left
check "six presses of Left reach 2020Q2" wait_for "◀ 2020Q2 ▶"
check "Ant Group at 21.00% in 2020Q2" wait_for "21.00%"
tm send-keys -t e2e u
check "u switches to US\$ bn (245.1)" wait_for "245.1"
tm send-keys -t e2e u g
check "g moves to the EU 2004 guideline" wait_for "EU 2004:"
tm send-keys -t e2e 2
check "2 sorts by group, A to Z" wait_for "Group▲"
tm send-keys -t e2e / l u f
check "the search shows what is typed" wait_for "Search: luf"
tm send-keys -t e2e Enter
check "the filter keeps only Lufax" bash -c "! tmux -L '$socket' capture-pane -p -t e2e | grep -q 'Ant Group'"
tm send-keys -t e2e Escape
check "Esc clears the filter" wait_for "Ant Group"
tm send-keys -t e2e '?'
check "? opens the help" wait_for "LendScope help"
tm send-keys -t e2e Escape
check "Esc closes the help" wait_for "Concentration"

# Over-indebtedness: the o view, a cell of the overlap matrix, the pair over every period.
tm send-keys -t e2e o
check "o opens over-indebtedness at the period's end" wait_for "Over-indebtedness at 2020-06-30"
check "o shows the share owing on 2+ groups" wait_for "on 2+ groups: 276 (10.8%)"
tm send-keys -t e2e Down
sleep 0.2
check "the overlap cell's figures are on the status line" wait_for "Lufax ∩ Ant Group: 89 borrowers"
tm send-keys -t e2e Enter
check "Enter opens the pair over every period" wait_for "Borrowers owing to both at each period end"
tm send-keys -t e2e Escape
sleep 0.2
tm send-keys -t e2e Escape
check "Esc goes back to the overview" wait_for "Concentration"

# 2. Resizes relayout.
tm resize-window -t e2e -x 60 -y 20
check "relayout at 60x20" wait_for "rows 1"
tm resize-window -t e2e -x 200 -y 50
check "side panel at 200x50, indices under their basis" wait_for "Among the 12 groups only"
tm resize-window -t e2e -x 40 -y 10
check "too small at 40x10 says so" wait_for "Terminal too small: 40×10"
tm resize-window -t e2e -x 100 -y 30
check "back at 100x30" wait_for "Ant Group"

# 3. q quits and restores the terminal.
tm send-keys -t e2e q
check "q exits with status 0" wait_for "EXIT=0"
check "q leaves the alternate screen" alternate_off

# 4. Signals restore the terminal and exit with 128 + the signal.
for signal in TERM HUP INT; do
  start 100 30 TERM=xterm-256color
  wait_for "Ant Group" >/dev/null
  case $signal in
    TERM) status=143; kill -TERM "$(app_pid)" ;;
    HUP) status=129; kill -HUP "$(app_pid)" ;;
    INT) status=130; tm send-keys -t e2e C-c ;;
  esac
  check "SIG$signal exits with status $status" wait_for "EXIT=$status"
  check "SIG$signal leaves the alternate screen" alternate_off
done

# 4b. A crash (abort, trap, fault) restores the terminal too: alternate screen left, echo back on,
# and the process still dies of its signal (128 + n).
for signal in ABRT ILL TRAP SEGV BUS QUIT FPE USR1 ALRM XCPU SYS; do
  tm kill-session -t e2e 2>/dev/null
  tm new-session -d -s e2e -x 100 -y 30 \
    "cd '$PWD' && env TERM=xterm-256color '$binary' sample-data; echo EXIT=\$?; stty -a | tr ' ' '\n' | grep -x -- '-\?echo' | sed 's/^/MODE=/'; sleep 600"
  wait_for "Ant Group" >/dev/null
  number=$(kill -l "$signal")
  kill "-$signal" "$(app_pid)"
  check "SIG$signal exits with status $((128 + number))" wait_for "EXIT=$((128 + number))"
  check "SIG$signal leaves the alternate screen" alternate_off
  check "SIG$signal leaves echo on" wait_for "MODE=echo"
done

# 5. The terminal going away ends the process (no spinning).
start 100 30 TERM=xterm-256color
wait_for "Ant Group" >/dev/null
pid=$(app_pid)
tm kill-session -t e2e
gone() { local i=0; while kill -0 "$1" 2>/dev/null; do [ $i -ge 100 ] && return 1; sleep 0.05; i=$((i + 1)); done; }
check "closing the terminal ends the process within 5 s" gone "$pid"

# 6. Terminal types and colour.
start 80 24 TERM=vt100
check "TERM=vt100 shows the overview" wait_for "Ant Group"
start 80 24 TERM=nosuchterminal
check "an unknown TERM is a clear error" wait_for "unknown terminal type 'nosuchterminal'"
check "an unknown TERM exits with status 1" wait_for "EXIT=1"
start 80 24 TERM=xterm-256color
wait_for "Ant Group" >/dev/null
check "colours are used on a colour terminal" bash -c "tmux -L '$socket' capture-pane -p -e -t e2e | grep -q $'\e\\[[0-9;]*3[1-7]m'"
start 80 24 TERM=xterm-256color NO_COLOR=1
wait_for "Ant Group" >/dev/null
check "NO_COLOR: no colours, emphasis kept" bash -c "out=\$(tmux -L '$socket' capture-pane -p -e -t e2e); ! grep -q $'\e\\[[0-9;]*3[1-7]m' <<<\"\$out\" && grep -q $'\e\\[[0-9;]*7m' <<<\"\$out\""
start 80 24 TERM=xterm-256color LANG=C LC_ALL=C
check "a non-UTF-8 locale draws ASCII" wait_for "< 2021Q4 >"

# 7. Analyst views: drill-down and back, banks over the cap, merger what-if, export; numbers as in the report.
exports=$(mktemp -d)
json=$("$binary" report sample-data --period 2020Q2 --format json)
# The JSON goes through standard input: a report is larger than one argument may be (128 KiB).
json_value() { printf '%s' "$1" | python3 -c "import json,sys; d=json.load(sys.stdin); print($2)"; }
lanzhou=$(json_value "$json" "'%.1f%%' % (100*[b for b in d['banks'] if b['bank']=='Bank of Lanzhou'][0]['max_exposure_to_tier1'])")
tm kill-session -t e2e 2>/dev/null
tm new-session -d -s e2e -x 100 -y 30 "cd '$PWD' && TERM=xterm-256color '$binary' sample-data --period 2020Q2 --export-dir '$exports'; echo EXIT=\$?; sleep 600"
wait_for "Ant Group" >/dev/null
tm send-keys -t e2e Enter
check "Enter drills into Ant Group's banks" wait_for "Overview › Ant Group"
check "the drill-down lists partner banks" wait_for "China Construction Bank"
tm send-keys -t e2e Escape
check "Esc goes back to the overview" wait_for "sort Share ▼"
tm send-keys -t e2e b
check "b opens the banks view" wait_for "Overview › Banks"
check "the report gives Bank of Lanzhou's exposure" test -n "$lanzhou"
check "a bank above the 25% cap before the rule existed, marked ~ as in the report ($lanzhou)" wait_for "~ $lanzhou"
tm send-keys -t e2e e
check "e exports the view and names the files" wait_for "exported $exports/lendscope-banks-2020Q2.csv"
check "the exported CSV reads back" bash -c "head -2 '$exports/lendscope-banks-2020Q2.csv' | tail -1 | grep -q '^2020Q2,Tianjin Binhai Rural Commercial Bank,'"
check "the exported CSV names its units" bash -c "head -1 '$exports/lendscope-banks-2020Q2.csv' | grep -q 'platform_sourced_cny_bn'"
check "the exported Markdown reads back" grep -q '^| Bank of Lanzhou |' "$exports/lendscope-banks-2020Q2.md"
merge_json=$("$binary" report sample-data --period 2020Q2 --merge "Ant Group+Lufax" --format json)
delta=$(json_value "$merge_json" "'{:,.1f}'.format(d['merger']['delta_hhi'])")
tm send-keys -t e2e q Space Down Space w
check "the report gives a ΔHHI to compare with" test -n "$delta"
check "Space, Space, w shows the merger's ΔHHI as the report does ($delta)" wait_for "ΔHHI $delta"
tm set-option -g set-clipboard on >/dev/null 2>&1
tm send-keys -t e2e y
check "y reports the copy" wait_for "copied 1 row to the clipboard (OSC 52)"
clip() { local i=0; while [ $i -lt 60 ]; do tm show-buffer 2>/dev/null | grep -q "$1" && return 0; sleep 0.05; i=$((i + 1)); done; return 1; }
check "the copied row reaches the terminal's clipboard through OSC 52" clip $'^US 2023\t'
tm send-keys -t e2e a
breaches=$(json_value "$json" "sum(a['status'] == 'breach' for a in d['alerts'])")
warnings=$(json_value "$json" "sum(a['status'] == 'warning' for a in d['alerts'])")
check "a lists the alerts as the report does ($breaches breaches, $warnings early warnings)" wait_for "$breaches alerts in 2020Q2"
check "the alerts view counts the early warnings at 80% of a cap" wait_for "$warnings early warnings at 80% of a cap"
tm send-keys -t e2e Enter
check "Enter on a cap alert opens the bank's caps over time, the periods over the cap marked" wait_for "~ over"
tm send-keys -t e2e m Enter
check "m then Enter opens a pairing's history" wait_for "Balance over time"
tm send-keys -t e2e q q
check "q goes back to the overview" wait_for "sort Share ▼"
tm send-keys -t e2e q
check "q at the top quits" wait_for "EXIT=0"
rm -rf "$exports"

# 8. Plain mode for pipes and screen readers.
plain=$("$binary" sample-data | cat)
check "piped output is plain text with every group" bash -c "grep -q 'Yiren Digital' <<<\"\$1\" && ! grep -q $'\e' <<<\"\$1\"" _ "$plain"
check "--plain prints and exits" bash -c "'$binary' --plain sample-data | grep -q 'others (unreported)'"

# 9. Keys as terminals send them (tmux under TERM=xterm-256color sends ESC [1~ and ESC [4~ for Home
# and End, which that terminfo entry lacks): in every view, Home, End, PgUp, PgDn, Insert, Delete and
# F2 neither change the view nor the period nor the sort; F1 opens the help.
start 100 30 TERM=xterm-256color
wait_for "Ant Group" >/dev/null
title() { screen | head -1; }
for view in "" b m t a "Enter" "b Enter" "m Enter"; do
  # Back to the overview: Esc, one at a time (an Esc and a key within the 25 ms escape delay are Alt+key).
  for _ in 1 2 3 4; do tm send-keys -t e2e Escape; sleep 0.1; done
  wait_for "sort Share ▼" >/dev/null
  # shellcheck disable=SC2086
  [ -n "$view" ] && tm send-keys -t e2e $view
  sleep 0.3
  before=$(title)
  tm send-keys -t e2e Home End PPage NPage End Home IC DC F2
  sleep 0.4
  after=$(title)
  check "keys in view '${view:-overview}' keep the view, the period and the sort" test "$before" = "$after"
  tm send-keys -t e2e F1
  check "F1 opens the help in view '${view:-overview}'" wait_for "LendScope help"
  tm send-keys -t e2e Escape
  wait_for "◀ 2021Q4 ▶" >/dev/null
done
# Raw sequences of other terminal families, sent as bytes: rxvt Home/End, the linux console's F1,
# PuTTY's F-keys, an unknown CSI and an SS3 sequence; none may change the screen but F1.
for _ in 1 2 3 4; do tm send-keys -t e2e Escape; sleep 0.1; done
tm send-keys -t e2e b
wait_for "sort Exp/T1 ▼" >/dev/null
before=$(title)
for bytes in '\e[7~' '\e[8~' '\e[99~' '\e[1;5H' '\eOF' '\e[2$' '\e[M !!'; do
  tm send-keys -t e2e -l "$(printf "$bytes")"
done
sleep 0.4
check "rxvt, xterm-modified, SS3 and unknown sequences change nothing in the banks view" test "$before" = "$(title)"
tm send-keys -t e2e -l "$(printf '\e[[A')"
check "the linux console's F1 (ESC [[A) opens the help" wait_for "LendScope help"
tm send-keys -t e2e Escape
sleep 0.1

# 10. Search in the banks view, and jump by name, as typed.
tm send-keys -t e2e / L a n z
check "/ in the banks view searches, the letters are not commands" wait_for "Search: Lanz"
tm send-keys -t e2e Enter
check "the search keeps Bank of Lanzhou" wait_for "Bank of Lanzhou"
check "only the matching bank is listed" bash -c "! tmux -L '$socket' capture-pane -p -t e2e | grep -q 'XW Bank'"
check "the title says the search" wait_for 'search "Lanz"'
check "the view and measure did not change" bash -c "tmux -L '$socket' capture-pane -p -t e2e | head -1 | grep -q 'Banks.*balances'"
tm send-keys -t e2e Escape
check "Esc clears the search and stays in the banks view" wait_for "XW Bank"
# A paste (bracketed: the dashboard asks for it) runs no commands; into a prompt it is typed.
tm set-buffer "aqn"
tm paste-buffer -p -t e2e
sleep 0.4
check "pasting 'aqn' in the banks view changes nothing" bash -c "tmux -L '$socket' capture-pane -p -t e2e | head -1 | grep -q 'Banks.*balances.*sort Exp/T1'"
tm send-keys -t e2e /
tm set-buffer "Zhang"
tm paste-buffer -p -t e2e
check "a paste into the search prompt is typed" wait_for "Search: Zhang"
tm send-keys -t e2e Escape
sleep 0.1
sleep 0.1
# Ctrl-S is a key, not XOFF: the screen keeps answering.
tm send-keys -t e2e C-s
sleep 0.1
tm send-keys -t e2e End
check "Ctrl-S does not freeze the screen (flow control is off)" wait_for "–49 of 49"
tm send-keys -t e2e t : t i a n
check ": shows the match while typing" wait_for "Tianjin Binhai Rural Commercial Bank (bank)"
tm send-keys -t e2e Enter
check ": then Enter opens the bank" wait_for "rural commercial"
tm send-keys -t e2e q q q q q
check "q from there walks back and quits" wait_for "EXIT=0"

# 11. The kiosk: Ctrl-\ (SIGQUIT) and Ctrl-Z do nothing; the title says read-only at 80 columns.
tm kill-session -t e2e 2>/dev/null
tm new-session -d -s e2e -x 80 -y 24 "cd '$PWD' && TERM=xterm-256color '$binary' --read-only sample-data; echo EXIT=\$?; sleep 600"
check "the kiosk's title says read-only at 80 columns" wait_for "read-only │"
tm send-keys -t e2e 'C-\' C-z
sleep 0.5
check "Ctrl-\\ and Ctrl-Z leave the kiosk running" bash -c "! tmux -L '$socket' capture-pane -p -t e2e | grep -q 'EXIT='"
# The kiosk hides over-indebtedness figures of fewer than 10 borrowers (--min-cell 10) and says so.
tm send-keys -t e2e o
check "the kiosk's o view says what --min-cell hid" wait_for "cells under 10 borrowers hidden (--min-cell)"
check "the kiosk never shows the largest debt" wait_for "/n<10 · 2+ "
tm send-keys -t e2e q q
check "q quits the kiosk" wait_for "EXIT=0"

# 12. Pricing and the 30% floor (p): the list, a group over every period and back; Enter on a
# co-fund alert opens that group's pricing.
start 100 30 TERM=xterm-256color
check "the dashboard starts for the pricing checks" wait_for "Ant Group"
tm send-keys -t e2e p
check "p opens pricing and the 30% floor" wait_for "groups made co-funded loans below the 30% floor"
check "the pricing view shows the share below the floor by amount" wait_for "By amount"
tm send-keys -t e2e Enter
check "Enter opens the group's pricing over every period" wait_for "Ant Group pricing"
check "the drill lists every period" wait_for "2019Q1"
tm send-keys -t e2e Escape a Left Left Left Left Left Left
check "the alerts of 2020Q2 list the co-funding floor" wait_for "30% co-fund"
tm send-keys -t e2e / Q u d i a n Enter
check "the search keeps Qudian's alert" wait_for 'search "Qudian"'
tm send-keys -t e2e Enter
check "Enter on a co-fund alert opens that group's pricing" wait_for "Qudian pricing"
tm send-keys -t e2e q q q
check "q walks back from the drill and quits" wait_for "EXIT=0"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
