#!/bin/bash
# aoetools' verbs that ask targets, through the daemon: config (aoecfg),
# mask, reserve, ping (aoeping), and interfaces (aoe-interfaces).
#   - e1.1 has two targets: aoe-target A on $T0 (reached on $I0) and B on
#     $T1 ($I1), one backing file: config and ping answer per target (ping
#     per path), config's read/set/force-set/test/prefix as the protocol
#     says (a set over a string is refused; a test that does not match is
#     silence), and a silent target fails ping;
#   - e2.1 has one target (A): the mask list and the reservation are read
#     and edited, and A enforces them (a reservation by another MAC
#     refuses our writes; a mask without us makes A ignore us);
#   - e9.9 is vblade: config, mask list read and add, reserve read (vblade
#     25 crashes deleting a mask entry, so no --del there);
#   - --json everywhere it prints data, exit codes 0/1/2.
. "$(dirname "$0")/iolib.sh"
io_init
need jq vblade

two_wires
AMAC=$(mac_of tgt "$T0")
BMAC=$(mac_of tgt "$T1")
I0MAC=$(mac_of ini "$I0")
I1MAC=$(mac_of ini "$I1")
OTHER=02:00:00:00:00:99
truncate -s 8M "$TMP/disk.img"
target_start tgt -q -i "$T0" "1.1:$TMP/disk.img" 2.1:ram:4M
APID=$LAST_PID
target_start tgt -q -i "$T1" "1.1:$TMP/disk.img"
BPID=$LAST_PID
truncate -s 4M "$TMP/vblade.img"
vblade_start tgt -b 8 9 9 "$T0" "$TMP/vblade.img"

daemon_start ini --export fuse --timeout 1 "$I0" "$I1" >"$TMP/attach.out" 2>&1
check "attach $I0 $I1" test $? -eq 0 || cat "$TMP/attach.out"
two_targets() { [ "$(dev_json e1.1 '.targets | length')" = 2 ]; }
check "e1.1 has two targets" wait_for 5 two_targets

# run NAME ARGS...: aoe-xdp ARGS, output in $TMP/NAME.out, status in $RC.
run() {
	local name=$1
	shift
	timeout 30 "$AOE_XDP" "$@" >"$TMP/$name.out" 2>&1
	RC=$?
}
# expect_rc DESCRIPTION WANT: the last run's status; its output when not.
expect_rc() {
	if [ "$RC" = "$2" ]; then ok "$1 (exit $RC)"; return 0; fi
	fail "$1: exit $RC, wanted $2"
	sed 's/^/  | /' "$LAST_OUT"
	return 1
}
# runx NAME WANT-STATUS ARGS...: run and check the exit status.
runx() {
	local name=$1 want=$2
	shift 2
	run "$name" "$@"
	LAST_OUT=$TMP/$name.out
	expect_rc "aoe-xdp $*" "$want"
}
has() { grep -Eq -- "$2" "$TMP/$1.out"; }

# --- config --------------------------------------------------------------------
runx cfg-read 0 config e1.1
check "config: one line per target ($AMAC on $I0, $BMAC on $I1)" \
	test "$(grep -c 'target .* on .*: ""' "$TMP/cfg-read.out")" = 2
check "... A's line names $I0" has cfg-read "target $AMAC on $I0: \"\" \(buffers 64"
runx cfg-set 0 config e1.1 --set host-a
check "config --set: both targets now say host-a" \
	test "$(grep -c ': "host-a"' "$TMP/cfg-set.out")" = 2
runx cfg-set2 1 config e1.1 --set host-b
check "a second --set is refused: config string present (AoE error 4)" \
	test "$(grep -c 'refused: config string present (AoE error 4)' "$TMP/cfg-set2.out")" = 2
runx cfg-fset 0 config e1.1 --force-set host-b --json
jq_check "config --force-set --json: both ok, config host-b, bufcnt 64" "$TMP/cfg-fset.out" \
	'.device == "e1.1" and (.targets | length) == 2 and
	 all(.targets[]; .result == "ok" and .config == "host-b" and .bufcnt == 64 and
	     (.rtt_us | type) == "number")'
check "stat shows the device's config string host-b" test "$(dev_json e1.1 .config)" = host-b
runx cfg-test 0 config e1.1 --test host-b
check "config --test host-b: both match" test "$(grep -c 'matches: "host-b"' "$TMP/cfg-test.out")" = 2
runx cfg-prefix 0 config e1.1 --prefix host
runx cfg-nomatch 1 config e1.1 --test host --timeout-ms 300
check "config --test host: no match (the targets stay silent)" \
	test "$(grep -c 'no match: no answer within 300 ms' "$TMP/cfg-nomatch.out")" = 2
runx cfg-two 2 config e1.1 --set a --test b
runx cfg-none 1 config e7.7
check "... an unknown device says so" has cfg-none "no device 'e7.7'"

# --- ping ----------------------------------------------------------------------
runx ping 0 ping e1.1 --count 3
check "ping: 3/3 answered by A via $I0, with min/avg/max" \
	has ping "target $AMAC via $I0: 3/3 answered, rtt min/avg/max [0-9.]+/[0-9.]+/[0-9.]+ ms"
check "ping: 3/3 answered by B via $I1" has ping "target $BMAC via $I1: 3/3 answered"
runx ping-json 0 ping e1.1 --count 2 --json
jq_check "ping --json: two paths, 2 sent and answered each, rtt min <= avg <= max" \
	"$TMP/ping-json.out" \
	'(.paths | length) == 2 and all(.paths[]; .sent == 2 and .answered == 2 and
	  .rtt_min_us <= .rtt_avg_us and .rtt_avg_us <= .rtt_max_us)'
kill -STOP "$BPID"
runx ping-b 1 ping e1.1 --count 2 --timeout-ms 200
check "with B stopped: B 0/2 answered, A 2/2" \
	bash -c "grep -q 'target $BMAC via $I1: 0/2 answered' '$TMP/ping-b.out' &&
		 grep -q 'target $AMAC via $I0: 2/2 answered' '$TMP/ping-b.out'"
kill -CONT "$BPID"

# --- mask (e2.1: target A only) ------------------------------------------------------
runx mask0 0 mask e2.1
check "mask: the list is empty" has mask0 "mask list empty: every initiator may use it"
runx mask1 0 mask e2.1 --add "$I0MAC"
runx mask2 0 mask e2.1 --add "$OTHER" --json
jq_check "mask --add twice: the list is [$I0MAC, $OTHER]" "$TMP/mask2.out" \
	--arg a "$I0MAC" --arg b "$OTHER" \
	'(.targets | length) == 1 and .targets[0].merror == 0 and .targets[0].masks == [$a, $b]'
runx mask3 0 mask e2.1 --del "$OTHER"
check "mask --del: $I0MAC left" has mask3 "mask list: $I0MAC\$"
runx mask-bad 2 mask e2.1 --add 02:00:00:00:00
runx mask-both 2 mask e2.1 --list --add "$OTHER"

# --- reserve (e2.1) ------------------------------------------------------------------
runx resv0 0 reserve e2.1
check "reserve: not reserved" has resv0 "not reserved"
runx resv1 0 reserve e2.1 --set
check "reserve --set: reserved for this host's interfaces" \
	has resv1 "reserved for ($I0MAC $I1MAC|$I1MAC $I0MAC)"
F2=$(fuse_file e2.1)
head -c 4096 /dev/urandom >"$TMP/w"
check "a reserving host writes" put "$TMP/w" "$F2"
runx resv2 0 reserve e2.1 --set "$OTHER"
runx resv3 1 reserve e2.1 --set --json
jq_check "reserve --set while $OTHER holds it: AoE error 6" "$TMP/resv3.out" \
	'.targets[0].result == "aoe-error" and .targets[0].aoe_error == 6'
check "... and our writes are refused now" not put "$TMP/w" "$F2"
runx resv4 0 reserve e2.1 --set --force
check "reserve --set --force takes it back" has resv4 "reserved for"
runx resv5 0 reserve e2.1 --release
check "reserve --release: not reserved" has resv5 "not reserved"
runx resv-bad 2 reserve e2.1 "$OTHER"

# A mask without us: target A ignores us for e2.1.
runx mask4 0 mask e2.1 --del "$I0MAC"
runx mask5 0 mask e2.1 --add "$OTHER"
runx mask6 1 mask e2.1 --timeout-ms 300
check "a mask list without us: A does not answer any more" has mask6 "no answer within 300 ms"

# --- vblade (e9.9) ------------------------------------------------------------------
runx vb-cfg 0 config e9.9 --force-set vb --json
jq_check "vblade: config --force-set" "$TMP/vb-cfg.out" '.targets[0].config == "vb"'
runx vb-mask 0 mask e9.9 --add "$I0MAC"
check "vblade: mask --add lists us" has vb-mask "mask list: $I0MAC"
runx vb-resv 0 reserve e9.9 --json
jq_check "vblade: reserve read" "$TMP/vb-resv.out" '.targets[0].result == "ok"'

# --- interfaces ----------------------------------------------------------------------
runx ifs 0 interfaces --json
jq_check "interfaces --json: $I0 and $I1 with mode, queues, MTU, MAC" "$TMP/ifs.out" \
	--arg a "$I0" --arg b "$I1" --arg m "$I0MAC" \
	'([.interfaces[].name] | sort) == ([$a, $b] | sort) and
	 all(.interfaces[]; (.mode | IN("native", "skb")) and .queues >= 1 and .mtu == 1500) and
	 ([.interfaces[] | select(.name == $a) | .mac] == [$m])'
runx ifs-text 0 interfaces
check "interfaces: a header and a line each" test "$(wc -l <"$TMP/ifs-text.out")" = 3
io_done
