#!/bin/bash
# systemd's side of the daemon, without systemd (none runs here): the
# daemon is started as tools/aoe-xdp.service starts it (attach
# --foreground) with $NOTIFY_SOCKET naming a datagram socket the test
# listens on, as systemd's would. The listener is first shown to read
# what systemd-notify(1) sends. Then:
#   - READY=1 comes once, after the first discovery, only when every
#     device found is exported: e1.2's target holds its first IDENTIFY
#     answers (a pause of 1.3 s), so e1.2 is identified after the 1 s
#     answer window, and READY waits for it: both exports are there when
#     READY arrives (the listener looks at that moment);
#   - STATUS= follows the devices (one goes down: "1 up, 1 down");
#   - the unit's ExecReload line, run as systemd would run it, finds a
#     target started after attach (e1.3) and the daemon exports it;
#   - detach --all (ExecStop) gives STOPPING=1 and the daemon exits 0.
. "$(dirname "$0")/iolib.sh"
io_init
need jq
command -v systemd-notify >/dev/null || skip "needs systemd-notify (package systemd)"
PY=/usr/bin/python3
UNIT=$TOP/tools/aoe-xdp.service
SOCK=$TMP/notify.sock
LOG=$TMP/notify.log

# The listener: one JSON line per datagram, with the time it came and,
# for READY=1, which of the files named exist at that moment.
$PY - "$SOCK" "$LOG" "$(fuse_file e1.1)" "$(fuse_file e1.2)" <<'EOF' &
import json, os, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as log:
    while True:
        msg = s.recv(65536).decode()
        fields = dict(l.split("=", 1) for l in msg.split("\n") if "=" in l)
        seen = {f: os.path.exists(f) for f in sys.argv[3:]} if fields.get("READY") else {}
        log.write(json.dumps({"t": time.time(), "msg": msg, "fields": fields,
                              "exists": seen}) + "\n")
EOF
PIDS+=("$!")
wait_for 5 test -S "$SOCK" || { echo "the listener did not start"; exit 1; }
NOTIFY_SOCKET=$SOCK systemd-notify --status="harness"
got_field() { jq -s -e --arg k "$1" --arg v "$2" 'any(.[]; .fields[$k] == $v)' "$LOG" >/dev/null 2>&1; }
check "the listener reads systemd-notify's datagram" wait_for 5 got_field STATUS harness

one_wire
target_start tgt -q -i "$T0" 1.1:ram:4M
APID=$LAST_PID
# Same interface, another process: e1.2 holds what comes from its first
# ATA command (the first IDENTIFY) on for 1.3 s.
target_start tgt -q -i "$T0" --pause-after 0 --pause-ms 1300 1.2:ram:4M

# As ExecStart does, in the background as systemd would run it.
T_START=$(date +%s.%N)
NOTIFY_SOCKET=$SOCK innet ini "$AOE_XDP" attach --foreground --export fuse --timeout 1 \
	--dead-timeout 4 "$I0" >"$TMP/daemon.out" 2>&1 &
DPID=$!
PIDS+=("$DPID")
DAEMON_PID=$DPID
check "READY=1 within 10 s" wait_for 10 got_field READY 1
ready=$(jq -s '[.[] | select(.fields.READY == "1")]' "$LOG")
check "READY=1 sent once" test "$(jq length <<<"$ready")" = 1
status=$(jq -r '.[0].fields.STATUS' <<<"$ready")
check "READY=1 came with the devices exported, the late one too ($status)" \
	test "$status" = "2 devices: 2 up, 0 down; 2 exported"
ms=$(jq -r --argjson t0 "$T_START" '(.[0].t - $t0) * 1000 | floor' <<<"$ready")
check "... after e1.2's IDENTIFY, held 1.3 s (READY ${ms} ms after the start)" test "$ms" -ge 1300
check "... both exports were there when READY came" \
	test "$(jq -c '.[0].exists | [.[]]' <<<"$ready")" = "[true,true]"

# A device goes down: STATUS follows.
kill -STOP "$APID"
bg_io dd if="$(fuse_file e1.1)" of=/dev/null bs=4k count=1 iflag=direct status=none
check "STATUS says one device down within 10 s" \
	wait_for 10 got_field STATUS "2 devices: 1 up, 1 down; 2 exported"
kill -CONT "$APID"

# ExecReload, as systemd runs it: the unit's line with its variables.
target_start tgt -q -i "$T0" 1.3:ram:4M
reload=$(sed -n 's/^ExecReload=//p' "$UNIT")
reload=${reload//@SBINDIR@\/aoe-xdp/$AOE_XDP}
reload=${reload//\$AOE_XDP_INTERFACES/$I0}
log "ExecReload: $reload"
# shellcheck disable=SC2086 # systemd splits the line into words too
innet ini $reload >"$TMP/reload.out" 2>&1
check "the ExecReload line exits 0" test $? -eq 0 || cat "$TMP/reload.out"
check "... and the daemon exports e1.3, found then" wait_for 5 test -f "$(fuse_file e1.3)"

# ExecStop.
"$AOE_XDP" detach --all >/dev/null 2>&1
check "STOPPING=1 on detach --all" wait_for 10 got_field STOPPING 1
wait "$DPID"
check "the daemon exits 0" test $? -eq 0 || cat "$TMP/daemon.out"
DAEMON_PID=
[ "$FAILS" -gt 0 ] && { echo "--- notifications"; cat "$LOG"; echo "--- daemon";
	cat "$TMP/daemon.out"; }
io_done
