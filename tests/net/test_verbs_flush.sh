#!/bin/bash
# flush (aoe-flush) and the eS.N links (/dev/etherd/eS.N; here in
# $AOE_XDP_ETHERD_DIR, which lib.sh points into the test's folder):
#   - every exported device gets a link to its export; data written
#     through the link is what the export reads;
#   - flush with nothing down forgets nothing; with a device down it
#     forgets that one only: its export and link go, stat has it no more;
#   - a device named is kept while its export is open, and forgotten once
#     it is closed; a name that is no device is an error (exit 1);
#   - flush -a forgets every device not in use;
#   - a discovery finds the devices again: exported and linked anew, the
#     data as it was.
. "$(dirname "$0")/iolib.sh"
io_init
need jq

one_wire
truncate -s 4M "$TMP/disk.img"
target_start tgt -q -i "$T0" "1.1:$TMP/disk.img" 1.2:ram:4M
target_start tgt -q -i "$T0" 2.1:ram:4M
BPID=$LAST_PID
daemon_start ini --export fuse --timeout 1 --dead-timeout 2 "$I0" >"$TMP/attach.out" 2>&1
check "attach" test $? -eq 0 || cat "$TMP/attach.out"
L=$AOE_XDP_ETHERD_DIR

linked() { [ "$(readlink "$L/$1")" = "$(fuse_file "$1")" ]; }
names() { stat_json '[.devices[].name] | join(" ")'; }
names_are() { [ "$(names)" = "$1" ]; }
for d in e1.1 e1.2 e2.1; do
	check "$L/$d links to its export" wait_for 3 linked "$d"
done
random_file "$TMP/data" 1
check "write through $L/e1.1" put "$TMP/data" "$L/e1.1"
check "... the export reads it" get "$(fuse_file e1.1)" "$TMP/back" count=1
same_bytes "... the same bytes" "$TMP/back" "$TMP/data"

# run NAME ARGS...: output in $TMP/NAME.out, status in $RC.
run() { local n=$1; shift; timeout 30 "$AOE_XDP" "$@" >"$TMP/$n.out" 2>&1; RC=$?; }

run none flush
check "flush with nothing down: exit 0, nothing said" test "$RC:$(cat "$TMP/none.out")" = "0:"
check "... all three devices still there" test "$(names)" = "e1.1 e1.2 e2.1"

kill -STOP "$BPID"
get "$(fuse_file e2.1)" /dev/null count=1 2>/dev/null
check "e2.1 goes down with its target stopped" wait_for 10 dev_state e2.1 down
run down flush
check "flush: 'flushed e2.1', exit 0" test "$RC:$(cat "$TMP/down.out")" = "0:flushed e2.1"
check "... e2.1 is forgotten, the others stay" test "$(names)" = "e1.1 e1.2"
check "... its export went" not test -e "$(fuse_file e2.1)"
check "... its link went" wait_for 3 not test -L "$L/e2.1"

exec 3<"$(fuse_file e1.1)"
run open flush e1.1
check "flush e1.1 while it is open: exit 1" test "$RC" = 1
check "... says it is open" grep -q "e1.1: kept: .* is open (1)" "$TMP/open.out"
check "... and keeps it" test "$(names)" = "e1.1 e1.2"
exec 3<&-
run closed flush e1.1 --json
check "flush e1.1 once closed: exit 0" test "$RC" = 0
jq_check "... JSON: e1.1 flushed" "$TMP/closed.out" \
	'.devices == [{"name": "e1.1", "result": "flushed"}]'
check "... e1.1 is forgotten" test "$(names)" = "e1.2"
check "... and its link" wait_for 3 not test -L "$L/e1.1"

run unknown flush e9.9
check "flush e9.9 (no such device): exit 1" test "$RC" = 1
check "... says so" grep -q "e9.9: not flushed: no such device" "$TMP/unknown.out"

run all flush -a
check "flush -a: 'flushed e1.2', exit 0" test "$RC:$(cat "$TMP/all.out")" = "0:flushed e1.2"
check "... no device left" test "$(names)" = ""

kill -CONT "$BPID"
run again discover --timeout 1 "$I0"
check "a discovery through the daemon exits 0" test "$RC" = 0 || cat "$TMP/again.out"
check "... the three devices are back" wait_for 5 names_are "e1.1 e1.2 e2.1"
for d in e1.1 e1.2 e2.1; do
	check "... $d linked again" wait_for 3 linked "$d"
done
check "... e1.1 through its link holds what was written" get "$L/e1.1" "$TMP/back2" count=1
same_bytes "... the same bytes" "$TMP/back2" "$TMP/data"
io_done
