#!/bin/bash
# MTU changes while attached: the initiator and aoe-target at 9000 on a
# veth pair; 4 MiB rounds written through FUSE, read back and compared.
#   - the initiator's own MTU, lowered between rounds: its path follows
#     within a second and the next rounds go at 2 sectors per frame;
#     raised under load (rounds in a loop): back to 17 sectors;
# I/O goes on while the MTU is low (not only once it is back), every round
# reads back what it wrote, no request fails, the device stays up. (A
# target whose MTU falls is a black hole seen from here: test_io_pmtu.sh.
# Run here against aoe-target, one run in three stalled until its MTU was
# raised again, the target answering nothing meanwhile: not yet explained.)
. "$(dirname "$0")/iolib.sh"
io_init
need jq
# shellcheck disable=SC2034 # read by put and get (iolib.sh)
STEP_TIMEOUT=25

one_wire 9000
truncate -s 32M "$TMP/disk.img"
target_start tgt -q -i "$T0" "3.2:$TMP/disk.img"
TMAC=$(mac_of tgt "$T0")
daemon_start ini --export fuse "$I0" >"$TMP/attach.out" 2>&1
check "attach $I0 with --export fuse" test $? -eq 0
cat "$TMP/attach.out"
F=$(fuse_file e3.2)
random_file "$TMP/a" 4
random_file "$TMP/b" 4

sectors() { target_json e3.2 "$TMAC" ".paths[] | select(.interface == \"$I0\") | .sectors"; }
sectors_are() { [ "$(sectors)" = "$1" ]; }

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

# rounds_at TAG WHAT: two rounds of write, read back, compare, as things are.
rounds_at() {
	local n
	for n in 1 2; do
		check "[$1] round $n while $2: write" put "$TMP/a" "$F" seek=$((n * 4))
		check "[$1] ... read back" get "$F" "$TMP/$1.r" skip=$((n * 4)) count=4
		same_bytes "[$1] ... the same" "$TMP/$1.r" "$TMP/a"
	done
}

# The initiator's MTU, down between two rounds: the next rounds go at
# 2 sectors per frame. (Lowered while a jumbo frame waits on a TX ring,
# the kernel holds that frame and the ring behind it until the MTU is
# raised again: README, Networks.)
check "17 sectors per frame to begin with" sectors_are 17
ip -n "$P-ini" link set "$I0" mtu 1500
check "[own] $I0 at 1500: the path carries 2 sectors within 3 s" wait_for 3 sectors_are 2
rounds_at own "$I0 is at 1500"

# Up again under load: frames grow back to 17 sectors.
own_mtu_up() {
	ip -n "$P-ini" link set "$I0" mtu 9000
	check "[own] $I0 at 9000 again: back to 17 sectors" wait_for 10 sectors_are 17
	sleep 1
}
under_load own own_mtu_up
check "[own] the changes are in the log" grep -q "$I0: MTU changed from 1500 to 9000" \
	"$AOE_XDP_RUN_DIR/aoe-xdp.log"

io_done
