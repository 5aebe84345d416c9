#!/bin/bash
# discover refuses bad input with a message that says what to do, and an
# empty wire is not an error. Whatever it refuses, it leaves no XDP program
# and no pins behind.
. "$(dirname "$0")/lib.sh"
net_init
need jq setpriv

one_wire				# a wire with nobody on it
D0=$(uniq_if d0)
E0=$(uniq_if e0)
veth_pair ini "$D0" tgt "$E0"
ip -n "$P-ini" link set "$D0" down
PINS=/sys/fs/bpf/aoe-xdp
OUT=$TMP/out
ERR=$TMP/err

# run NS ARGS...: aoe-xdp's exit status in $RC, its output in $OUT and $ERR.
run() {
	local ns=$1
	shift
	in_ns "$ns" "$AOE_XDP" "$@" >"$OUT" 2>"$ERR"
	RC=$?
}

# expect RC REGEX DESCRIPTION: the last run exited RC (or, for "nonzero",
# anything but 0) and said something matching REGEX on stderr.
expect() {
	local rc=$1 re=$2 what=$3 good=1
	if [ "$rc" = nonzero ]; then [ "$RC" -ne 0 ] || good=0; else [ "$RC" -eq "$rc" ] || good=0; fi
	grep -Eq -- "$re" "$ERR" || good=0
	if [ $good = 1 ]; then
		ok "$what"
	else
		fail "$what (exit $RC, wanted $rc and /$re/ on stderr)"
		sed 's/^/    stderr: /' "$ERR"
	fi
}

clean() { # clean NS IF...: no XDP program on the interfaces, no pins at all
	local ns=$1 ifc
	shift
	for ifc in "$@"; do
		xdp_clear "$ns" "$ifc" || return 1
	done
	in_ns "$ns" test ! -e "$PINS"
}

run ini discover --timeout 1 nosuch0
expect nonzero "nosuch0" "unknown interface: non-zero exit, message names it"
check "  ... and it points at 'ip link'" grep -q "ip link" "$ERR"

run ini discover --timeout 1 "$D0"
expect nonzero "$D0 is down.*ip link set dev $D0 up" \
	"interface down: non-zero exit, message says how to bring it up"
check "  ... and nothing is left on $D0" clean ini "$D0"

run ini discover --timeout 1 "$I0" nosuch0
expect nonzero "nosuch0" "one good and one unknown interface: non-zero exit naming the bad one"
check "  ... and the good one ($I0) is left clean" clean ini "$I0"

# The same interface twice: either used once, or refused with a message
# (-q leaves only the errors on stderr).
run ini -q discover --timeout 1 "$I0" "$I0"
if [ "$RC" -eq 0 ]; then
	check "same interface twice: accepted, reported once" grep -qx "no AoE devices found" "$OUT"
else
	expect nonzero "$I0" "same interface twice: refused with a message naming it"
fi
check "  ... and nothing is left on $I0" clean ini "$I0"

in_ns ini setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$AOE_XDP" discover --timeout 1 "$I0" >"$OUT" 2>"$ERR"
RC=$?
expect nonzero "root" "not root: non-zero exit, message says it needs root"
check "  ... and nothing is attached" clean ini "$I0"

run ini discover --timeout 1 "$I0"
check "no targets: exit 0" test "$RC" -eq 0
check "no targets: says 'no AoE devices found'" grep -qx "no AoE devices found" "$OUT"
run ini discover --timeout 1 --json "$I0"
check "no targets, --json: exit 0" test "$RC" -eq 0
jq_check "no targets, --json: {\"devices\":[]}" "$OUT" '. == {"devices": []}'
check "  ... and nothing is left on $I0" clean ini "$I0"

for bad in "--timeout abc" "--timeout 0" "--timeout -1" "--mode turbo" "--frobnicate"; do
	# shellcheck disable=SC2086
	run ini discover $bad "$I0"
	expect 2 "${bad%% *}" "bad option '$bad': exit 2, message names the option"
done
run ini discover
expect 2 "IFACE" "no interface: exit 2, usage says IFACE"
run ini discover --timeout
expect 2 "timeout" "--timeout without a value: exit 2"
run ini frobnicate
expect 2 "frobnicate" "unknown command: exit 2, message names it"
check "none of the refused runs attached anything" clean ini "$I0" "$D0"

run ini --help
check "aoe-xdp --help exits 0" test "$RC" -eq 0
for word in discover version -v -q; do
	check "aoe-xdp --help mentions $word" grep -q -- "$word" "$OUT"
done
run ini discover --help
check "aoe-xdp discover --help exits 0" test "$RC" -eq 0
for word in IFACE -t --timeout -j --json -m --mode auto native skb -h --help; do
	check "aoe-xdp discover --help mentions $word" grep -qw -- "$word" "$OUT"
done
net_done
