#!/bin/bash
# MTU changes while attached, under load: the initiator and aoe-target at
# 9000 on a veth pair; writes, read back and compared, run in a loop
# through FUSE while one end's MTU goes down to 1500 and back up to 9000.
#   - the initiator's own MTU: its paths follow within a second (frames
#     in flight re-split), and grow back to 17 sectors once it is raised;
#   - the target's MTU: its big frames vanish (a black hole seen from the
#     initiator: the target's answers are too big for its MTU, and so are
#     the initiator's writes), the path falls back, and with --pmtu-probe 2
#     it is back at 17 sectors after the target's MTU is raised again.
# Rounds go on completing while the MTU is low (not just once it is back),
# every round reads back what it wrote, no request fails, the device stays up.
. "$(dirname "$0")/iolib.sh"
io_init
need jq
# shellcheck disable=SC2034 # read by put and get (iolib.sh)
STEP_TIMEOUT=25

one_wire 9000
truncate -s 32M "$TMP/disk.img"
target_start tgt -q -i "$T0" "3.2:$TMP/disk.img"
TMAC=$(mac_of tgt "$T0")
daemon_start ini --export fuse --pmtu-probe 2 "$I0" >"$TMP/attach.out" 2>&1
check "attach $I0 with --export fuse --pmtu-probe 2" test $? -eq 0
cat "$TMP/attach.out"
F=$(fuse_file e3.2)
random_file "$TMP/a" 4
random_file "$TMP/b" 4

sectors() { target_json e3.2 "$TMAC" ".paths[] | select(.interface == \"$I0\") | .sectors"; }
sectors_are() { [ "$(sectors)" = "$1" ]; }
sectors_below() { local n; n=$(sectors); [ -n "$n" ] && [ "$n" -lt "$1" ]; }

# io_loop TAG: rounds of a 4 MiB write (alternating data, moving offset),
# read back and compared, until $TMP/TAG.stop exists. Rounds done go to
# TAG.rounds, failures to TAG.bad.
io_loop() {
	local n=0 src off
	while [ ! -e "$TMP/$1.stop" ]; do
		src=$TMP/a
		[ $((n % 2)) = 1 ] && src=$TMP/b
		off=$(((n % 6) * 4))
		if ! put "$src" "$F" seek="$off" || ! get "$F" "$TMP/$1.r" skip="$off" count=4 ||
			! cmp -s "$src" "$TMP/$1.r"; then
			echo "round $n" >>"$TMP/$1.bad"
		fi
		n=$((n + 1))
		echo "$n" >"$TMP/$1.rounds"
	done
}

# under_load TAG COMMAND...: COMMAND runs while io_loop does; then the
# loop stops and its rounds are checked.
under_load() {
	local tag=$1 rounds
	shift
	bg_io io_loop "$tag"
	sleep 1
	"$@"
	touch "$TMP/$tag.stop"
	wait "$IO_PID"
	rounds=$(rounds_of "$tag")
	check "[$tag] $rounds rounds of write, read back, compare, none wrong" \
		test "$rounds" -ge 2 -a ! -e "$TMP/$tag.bad"
	[ -e "$TMP/$tag.bad" ] && cat "$TMP/$tag.bad"
	devices_fine 1
	check "[$tag] the device never went down" not grep -q "e3.2: down" \
		"$AOE_XDP_RUN_DIR/aoe-xdp.log"
}

rounds_of() { cat "$TMP/$1.rounds" 2>/dev/null || echo 0; }
rounds_past() { [ "$(rounds_of "$1")" -ge "$2" ]; }

# progress TAG WHAT: two more rounds complete (within 15 s) as things are
# now: the I/O does not just wait for the MTU to come back.
progress() {
	local want=$(($(rounds_of "$1") + 2))
	check "[$1] two more rounds complete while $2" wait_for 15 rounds_past "$1" "$want"
}

# The initiator's MTU: down, a while, up again.
mtu_logged() { grep -q "$I0: MTU changed from $1 to $2" "$AOE_XDP_RUN_DIR/aoe-xdp.log"; }
own_mtu() {
	ip -n "$P-ini" link set "$I0" mtu 1500
	check "[own] $I0 at 1500: the daemon sees it within 3 s" wait_for 3 mtu_logged 9000 1500
	check "[own] ... the path carries 2 sectors" wait_for 3 sectors_are 2
	progress own "$I0 is at 1500"
	ip -n "$P-ini" link set "$I0" mtu 9000
	check "[own] $I0 at 9000 again: the daemon sees it within 3 s" wait_for 3 mtu_logged 1500 9000
	check "[own] ... back to 17 sectors within 10 s" wait_for 10 sectors_are 17
	sleep 1
}
check "17 sectors per frame to begin with" sectors_are 17
under_load own own_mtu

# The target's MTU: its big frames vanish; the path falls back, and probes
# its way up again once the MTU is back.
target_mtu() {
	ip -n "$P-tgt" link set "$T0" mtu 1500
	check "[target] $T0 at 1500: the path falls back to smaller frames" wait_for 10 sectors_below 17
	progress target "$T0 is at 1500"
	ip -n "$P-tgt" link set "$T0" mtu 9000
	check "[target] $T0 at 9000 again: 17 sectors within 10 s (--pmtu-probe 2)" \
		wait_for 10 sectors_are 17
}
under_load target target_mtu
io_done
