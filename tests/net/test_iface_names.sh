#!/bin/bash
# Interface names with dots, '@' and dashes, IFNAMSIZ - 1 characters long
# (VLANs are named eth0.42; bpffs refuses dots): attach prints the pin
# path with each dot written %2e and bpftool dumps it; stat names the
# interface; a daemon killed with it attached leaves program and pins, and
# `aoe-xdp detach IFACE` without a daemon removes them; then it attaches
# again. A name ending in dots on the initiator, one with '@' on the target.
. "$(dirname "$0")/lib.sh"
net_init
need jq bpftool

IFNAMSIZ=16
# name_of PREFIX: PREFIX cut so that PREFIX-$$ is IFNAMSIZ - 1 long
# (uniq_if's suffix: the cleanup of lock files knows it).
name_of() { local s=-$$; echo "${1:0:$((IFNAMSIZ - 1 - ${#s}))}$s"; }
IN=$(name_of "i.x@y.z........")
TN=$(name_of "t@x.y-z@@@@@@@@")
PIN=/sys/fs/bpf/aoe-xdp/${IN//./%2e}

ns_add ini
ns_add tgt
veth_pair ini "$IN" tgt "$TN"
log "initiator interface '$IN' (${#IN} characters), pins in $PIN"
target_start tgt -q -i "$TN" 3.1:ram:4M

xdp_on() { xdp_attached ini "$IN"; }
dev_on_it() {
	[ "$(stat_json ".devices[] | select(.name == \"e3.1\") | .state + \" \" + .interfaces")" = "up $IN" ]
}

daemon_start ini --export none --timeout 1 "$IN" >"$TMP/attach.out" 2>&1
check "attach '$IN' exits 0" test $? -eq 0 || sed 's/^/  | /' "$TMP/attach.out"
check "attach prints the pin path: bpftool map dump pinned $PIN/aoe_stats" \
	grep -qF "bpftool map dump pinned $PIN/aoe_stats" "$TMP/attach.out"
check "bpftool dumps it" quiet bpftool map dump pinned "$PIN/aoe_stats"
check "stat names the interface" test "$(stat_json '.interfaces[0].name')" = "$IN"
check "e3.1 is up on '$IN'" wait_for 5 dev_on_it
timeout 30 "$AOE_XDP" bench e3.1 --rw read --seconds 1 --qd 4 >"$TMP/bench.out" 2>&1
check "bench reads e3.1 through it" test $? -eq 0 || cat "$TMP/bench.out"

kill -9 "$DAEMON_PID"
check "the killed daemon is gone" wait_for 5 not kill -0 "$DAEMON_PID"
DAEMON_PID=
check "... leaving its program on '$IN'" xdp_on
check "... and its pins" test -e "$PIN/aoe_stats"
innet ini "$AOE_XDP" detach "$IN" >"$TMP/detach.out" 2>&1
check "'aoe-xdp detach $IN' without a daemon exits 0" test $? -eq 0
sed 's/^/  | /' "$TMP/detach.out"
check "... it said what it removed" grep -q "removed a crashed aoe-xdp run's leftovers" \
	"$TMP/detach.out"
check "no program on '$IN'" not xdp_on
check "no pins" test ! -e "$PIN"

daemon_start ini --export none --timeout 1 "$IN" >"$TMP/attach2.out" 2>&1
check "attach '$IN' again" test $? -eq 0 || sed 's/^/  | /' "$TMP/attach2.out"
check "e3.1 is up on it again" wait_for 5 dev_on_it
daemon_stop
check "detach --all leaves no program" not xdp_on
check "... and no pins" test ! -e "$PIN"
net_done
