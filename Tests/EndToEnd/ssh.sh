#!/usr/bin/env bash
# End-to-end test of demo sessions over SSH: a separate sshd on 127.0.0.1 and a high port, with
# the configuration `lendscope ssh-config` writes, a throwaway host key, user key and account.
# Stops sshd by its pid (never by name) and removes everything it made.
# Usage (as root, from the package root): Tests/EndToEnd/ssh.sh [path/to/lendscope]
set -u
binary=${1:-.build/debug/lendscope}
binary=$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")
passed=0
failed=0

skip() { echo "skipped: $*"; echo "0 passed, 0 failed"; exit 0; }
[ "$(id -u)" -eq 0 ] || skip "needs root to create the demo account and run sshd"
if [ ! -x /usr/sbin/sshd ]; then
  echo "installing openssh-server"
  { DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openssh-server >/dev/null 2>&1 ||
    { apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openssh-server >/dev/null 2>&1; }; } ||
    skip "openssh-server could not be installed with apt-get"
fi
command -v ssh >/dev/null && command -v ssh-keygen >/dev/null || skip "no ssh client"

user="lsdemo$$"
base="/var/lib/lendscope-ssh-e2e-$$"     # root-owned, not world-writable: sshd's StrictModes accepts it
port=$(( 20000 + $$ % 20000 ))
socket="lendscope-ssh-$$"
sshd_pid=
tm() { tmux -L "$socket" "$@"; }
cleanup() {
  tm kill-server 2>/dev/null
  [ -n "$sshd_pid" ] && kill "$sshd_pid" 2>/dev/null && wait "$sshd_pid" 2>/dev/null
  pkill -9 -u "$user" 2>/dev/null; sleep 0.2
  userdel "$user" 2>/dev/null
  rm -rf "$base"
}
trap cleanup EXIT

check() {
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok   $name"
  else failed=$((failed + 1)); echo "FAIL $name"; tm capture-pane -p -t "${pane:-v1}" 2>/dev/null | sed 's/^/    /'; fi
}
wait_for() { # pane text [seconds]
  local i=0; while [ "$i" -lt $(( ${3:-15} * 20 )) ]; do tm capture-pane -p -t "$1" 2>/dev/null | grep -qF -- "$2" && return 0; sleep 0.05; i=$((i + 1)); done; return 1
}

# The account: /bin/sh as its shell (nologin breaks the forced command), a locked password
# field of '*' (useradd's '!' is refused as locked when PAM is off).
# Its home is the directory ssh-config makes: it exists (sshd changes into it), the account cannot write it.
useradd -M -d "$base/home" -s /bin/sh "$user" || skip "useradd failed"
usermod -p '*' "$user"
mkdir -m 755 "$base"
"$binary" ssh-config --user "$user" --data "$PWD/sample-data" --port "$port" --listen 127.0.0.1 \
  --max-viewers 1 --idle-timeout 600 --out "$base" --binary "$binary" >/dev/null
ssh-keygen -q -t ed25519 -N '' -f "$base/ssh_host_ed25519_key"
ssh-keygen -q -t ed25519 -N '' -f "$base/viewer_key"
sed "s|ssh-ed25519 AAAA.*|$(cat "$base/viewer_key.pub")|" "$base/authorized_keys.template" | grep -v '^#' > "$base/authorized_keys"
chmod 644 "$base/authorized_keys"
mkdir -p -m 755 /run/sshd   # sshd's privilege separation directory (no init system made it)
/usr/sbin/sshd -t -f "$base/sshd_config" || { echo "FAIL sshd rejects the generated config"; exit 1; }
/usr/sbin/sshd -D -f "$base/sshd_config" -E "$base/sshd.log" &
sshd_pid=$!
for _ in $(seq 100); do (echo >/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.05; done

ssh_opts=(-p "$port" -i "$base/viewer_key" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
          -o BatchMode=yes -o LogLevel=ERROR -o ConnectTimeout=5)
target="$user@127.0.0.1"

# 1. An interactive session shows the dashboard; keys work; q ends it.
pane=v1
tm new-session -d -s v1 -x 100 -y 30 "ssh -tt ${ssh_opts[*]} $target; echo SSH_EXIT=\$?; sleep 600"
check "ssh -tt shows the dashboard" wait_for v1 "Ant Group"
check "the header says read-only" wait_for v1 "read-only │"
chdir_err=$(timeout 10 ssh "${ssh_opts[@]}" "$target" true 2>&1 >/dev/null)
check "the home exists: sshd says nothing about it (stderr: ${chdir_err:-none})" bash -c "! grep -q 'Could not chdir' <<<\"\$1\"" _ "$chdir_err"
check "the home cannot be written by the account" bash -c "! su -s /bin/sh -c 'test -w \"$base/home\"' '$user'"
check "the viewers' places live beside the config, owned by the account" bash -c "[ \"\$(stat -c %U:%a '$base/viewers')\" = '$user:700' ]"
tm send-keys -t v1 Left
check "keys work (← goes to 2021Q3)" wait_for v1 "◀ 2021Q3 ▶"

# 4. The app runs directly under sshd, with a UTF-8 locale.
app=$(pgrep -u "$user" -f "lendscope --read-only" | head -1)
parent=$(ps -o comm= -p "$(ps -o ppid= -p "${app:-0}" | tr -d ' ')" 2>/dev/null)
check "the dashboard's parent is sshd, no shell in between (parent: ${parent:-none})" test "${parent:-}" = "sshd"
check "the dashboard runs with LANG=C.UTF-8" bash -c "tr '\0' '\n' < /proc/$app/environ | grep -qx 'LANG=C.UTF-8'"

# 7. Export, copy and suspend do nothing.
tm send-keys -t v1 e
check "e: export is disabled" wait_for v1 "export is disabled in this session"
tm send-keys -t v1 y
check "y: copy is disabled" wait_for v1 "copy is disabled in this session"
tm send-keys -t v1 C-z
sleep 0.3
tm send-keys -t v1 Right
check "Ctrl-Z does not suspend the dashboard" wait_for v1 "◀ 2021Q4 ▶"
check "no export file was written anywhere" bash -c "! find / -xdev -name 'lendscope-overview-*' -newer '$base/sshd_config' 2>/dev/null | grep -q ."

# 6. With --max-viewers 1, a second connection gets the refusal screen.
pane=v2
tm new-session -d -s v2 -x 100 -y 30 "ssh -tt ${ssh_opts[*]} $target; echo SSH_EXIT=\$?; sleep 600"
check "a second viewer is refused politely" wait_for v2 "All 1 viewer place is taken right now."
tm send-keys -t v2 x
check "the refused session ends" wait_for v2 "SSH_EXIT=75"
pane=v1
tm send-keys -t v1 q
check "q ends the session" wait_for v1 "SSH_EXIT=0"

# 2. A command is never run: the dashboard's text output instead.
out=$(ssh "${ssh_opts[@]}" "$target" cat /etc/passwd 2>&1)
check "ssh host cat /etc/passwd does not run cat" bash -c "! grep -q 'root:x:0:0' <<<\"\$1\" && grep -q 'LendScope' <<<\"\$1\"" _ "$out"

# 3. Forwarding, sftp and passwords are refused.
check "-R forwarding is refused" bash -c "! timeout 10 ssh ${ssh_opts[*]} -o ExitOnForwardFailure=yes -N -R 127.0.0.1:$((port + 1)):127.0.0.1:$port $target 2>/dev/null"
local_port=$((port + 2))
timeout 8 ssh "${ssh_opts[@]}" -N -L "127.0.0.1:$local_port:127.0.0.1:$port" "$target" 2>/dev/null &
tunnel=$!
for _ in $(seq 60); do (echo >/dev/tcp/127.0.0.1/"$local_port") 2>/dev/null && break; sleep 0.05; done
check "-L forwarding carries nothing" bash -c "! timeout 4 ssh-keyscan -p $local_port 127.0.0.1 2>/dev/null | grep -q ssh-"
kill "$tunnel" 2>/dev/null
socks_port=$((port + 3))
timeout 8 ssh "${ssh_opts[@]}" -N -D "127.0.0.1:$socks_port" "$target" 2>/dev/null &
tunnel=$!
for _ in $(seq 60); do (echo >/dev/tcp/127.0.0.1/"$socks_port") 2>/dev/null && break; sleep 0.05; done
check "-D forwarding is refused" python3 - "$socks_port" "$port" <<'PY'
import socket, struct, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=4)
s.sendall(b"\x05\x01\x00"); s.recv(2)
s.sendall(b"\x05\x01\x00\x01" + socket.inet_aton("127.0.0.1") + struct.pack(">H", int(sys.argv[2])))
try:
    reply = s.recv(10)
except OSError:
    reply = b""
sys.exit(0 if len(reply) < 2 or reply[1] != 0 else 1)
PY
kill "$tunnel" 2>/dev/null
check "the server logs the refused forwardings" grep -qiE "refused|denied|disabled" "$base/sshd.log"
check "sftp is refused" bash -c "! echo ls | timeout 10 sftp -b - -P $port -i '$base/viewer_key' -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes $target >/dev/null 2>&1"
methods=$(timeout 10 ssh -v -p "$port" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes \
          -o PubkeyAuthentication=no -o PreferredAuthentications=password "$target" true 2>&1 | grep -m1 'Authentications that can continue')
check "passwords are not accepted (server offers: ${methods##*: })" bash -c "[[ -n '$methods' && '$methods' != *password* ]]"

# 5. Killing the client ends the server-side process within 5 s.
pane=v3
tm new-session -d -s v3 -x 100 -y 30 "ssh -tt ${ssh_opts[*]} $target; echo SSH_EXIT=\$?; sleep 600"
wait_for v3 "Ant Group" >/dev/null
app=$(pgrep -u "$user" -f "lendscope --read-only" | head -1)
client=$(pgrep -f "ssh -tt -p $port" | head -1)
kill -9 "$client"
gone() { local i=0; while kill -0 "$1" 2>/dev/null; do [ $i -ge 100 ] && return 1; sleep 0.05; i=$((i + 1)); done; }
check "kill -9 of the client ends the dashboard within 5 s" gone "${app:-0}"
check "no viewer process is left" bash -c "! pgrep -u $user >/dev/null"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
