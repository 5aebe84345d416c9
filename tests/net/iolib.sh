#!/bin/bash
# Helpers for the I/O tests (test_io_*.sh): data through the daemon's FUSE
# export, compared byte for byte. Sources lib.sh; call io_init instead of
# net_init.
#
#   . "$(dirname "$0")/iolib.sh"
#   io_init                         # net_init + cleanup of loops/mounts
#   one_wire; target_start tgt -i "$T0" 1.1:"$TMP/disk.img"
#   daemon_start ini --export fuse "$I0" >"$TMP/attach.out"
#   F=$(fuse_file e1.1); random_file "$TMP/r" 8
#   check "write" put "$TMP/r" "$F"
#   io_done                         # net_done; the daemon's log on a failure
# matrix_start and matrix_each give the integrity tests their four devices
# (vblade and aoe-target at MTU 1500 and 9000) and loop over them.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Every dd/fio/mkfs step is bounded (see bounded): a broken engine hangs,
# a test must not.
STEP_TIMEOUT=${STEP_TIMEOUT:-30}
LOOPS=()
MOUNTS=()

io_cleanup() {
	local m l
	for m in "${MOUNTS[@]}"; do
		mountpoint -q "$m" && umount -l "$m"
	done
	for l in "${LOOPS[@]}"; do
		losetup -d "$l" 2>/dev/null
	done
}

io_init() {
	net_init
	trap 'io_cleanup; net_cleanup' EXIT
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# timed COMMAND...: run it, leave its run time in $ELAPSED_MS, keep its status.
timed() {
	local t0 rc
	t0=$(now_ms)
	"$@"
	rc=$?
	ELAPSED_MS=$(($(now_ms) - t0))
	return $rc
}

fuse_file() { echo "$AOE_XDP_RUN_DIR/fuse/$1"; }

# random_file PATH MIB
random_file() { head -c "$(($2 * 1024 * 1024))" /dev/urandom >"$1"; }

# bounded SECONDS COMMAND...: run COMMAND; if it is not done in time, kill
# the daemon (kill -9) and return 124. A process waiting on a FUSE request
# that the daemon never answers cannot be ended by any signal (not even by
# `timeout`'s SIGKILL), only by the daemon going away: this is how a step
# on a broken engine stays bounded. (The watch is a loop here, not a
# background subshell killed when done: a subshell that gets SIGTERM
# before it resets the traps it inherited runs the test's EXIT trap.)
bounded() {
	local t=$1 pid n=0
	shift
	"$@" &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		if [ $n -ge $((t * 20)) ]; then
			echo "not done after ${t}s, daemon killed to end it: $*"
			[ -n "$DAEMON_PID" ] && kill -9 "$DAEMON_PID"
			wait "$pid"
			return 124
		fi
		sleep 0.05
		n=$((n + 1))
	done
	wait "$pid"
}

# put SRC DST [dd options...]: SRC onto DST in 1 MiB writes, then fsync.
put() {
	local src=$1 dst=$2
	shift 2
	bounded "$STEP_TIMEOUT" dd if="$src" of="$dst" bs=1M conv=notrunc,fsync status=none "$@"
}

# get SRC DST [dd options...]: all of SRC into DST, read with O_DIRECT.
get() {
	local src=$1 dst=$2
	shift 2
	bounded "$STEP_TIMEOUT" dd if="$src" of="$dst" bs=1M iflag=direct status=none "$@"
}

# same_bytes DESCRIPTION A B [BYTES]: A and B are equal (in their first
# BYTES bytes); on a difference cmp says where.
same_bytes() {
	local what=$1 a=$2 b=$3 out
	if out=$(cmp ${4:+-n "$4"} -- "$a" "$b" 2>&1); then
		ok "$what"
		return 0
	fi
	fail "$what"
	echo "  $out"
	return 1
}

# dev_json NAME JQ-FILTER [jq options...]: FILTER applied to device NAME
# in `stat --json` (bounded: a hung daemon gives nothing).
dev_json() {
	local name=$1 filter=$2
	shift 2
	timeout 10 "$AOE_XDP" stat --json |
		jq -r --arg name "$name" "$@" ".devices[] | select(.name == \$name) | $filter"
}

# target_json NAME MAC JQ-FILTER: FILTER applied to the target MAC of device NAME.
target_json() { dev_json "$1" ".targets[] | select(.mac == \$mac) | $3" --arg mac "$2"; }

# dev_state NAME STATE: the device is in that state now.
dev_state() { [ "$(dev_json "$1" .state)" = "$2" ]; }

# stat_save FILE: `aoe-xdp stat --json` into FILE (for jq_check).
stat_save() { timeout 10 "$AOE_XDP" stat --json >"$1" 2>"$1.err"; }

# bg_io COMMAND...: run on the host in the background (a dd on the FUSE
# file); $IO_PID is its pid, `wait "$IO_PID"` its exit status.
bg_io() {
	(
		trap - EXIT INT TERM
		"$@"
	) &
	IO_PID=$!
	PIDS+=("$IO_PID")
}

# tainted_is NAME MAC true|false
tainted_is() { [ "$(target_json "$1" "$2" .tainted)" = "$3" ]; }

# written_at_least NAME BYTES: the device has written that much so far.
written_at_least() { [ "$(dev_json "$1" .write_bytes)" -ge "$2" ]; }

# edits_init: $EDITS, 2 MiB of random bytes that odd-sized writes are cut
# from; edit_src OFF LEN: where the LEN bytes to write at byte OFF start in
# it (different offsets get different bytes).
EDITS_SIZE=$((2 * 1024 * 1024))
edits_init() {
	EDITS=$TMP/edits.bin
	random_file "$EDITS" 2
}
edit_src() { echo $((($1 * 7) % (EDITS_SIZE - $2))); }

# io_done: like net_done, with the daemon's log and stat when a check failed.
io_done() {
	if [ "$FAILS" -gt 0 ]; then
		echo "--- daemon log"; cat "$AOE_XDP_RUN_DIR/aoe-xdp.log"
		echo "--- stat"; "$AOE_XDP" stat
	fi
	net_done
}

# The integrity matrix (test_io_integrity, _unaligned, _fio, _ext4): a
# device from vblade and one from aoe-target (file-backed), each at MTU
# 1500 (1024 bytes per frame) and 9000 (8704: 17 sectors over several UMEM
# chunks), each behind its own veth pair; one daemon on the four.
#   label target MTU shelf.slot payload
MATRIX=(
	"vb1500 vblade 1500 1.1 1024"
	"vb9000 vblade 9000 1.2 8704"
	"at1500 aoe-target 1500 2.1 1024"
	"at9000 aoe-target 9000 2.2 8704"
)
MATRIX_MIB=16
MATRIX_SIZE=$((MATRIX_MIB * 1024 * 1024))

# matrix_start [random]: namespaces, the four devices on backing files
# $TMP/LABEL.img of MATRIX_MIB MiB (sparse, or random bytes), the daemon
# attached to them with --export fuse.
matrix_start() {
	local c label kind mtu addr ifaces=()
	need vblade jq
	ns_add ini
	ns_add tgt
	for c in "${MATRIX[@]}"; do
		read -r label kind mtu addr _ <<<"$c"
		case_wire "$label" "$mtu"
		ifaces+=("$WIRE_I")
		if [ "${1:-}" = random ]; then
			random_file "$TMP/$label.img" "$MATRIX_MIB"
		else
			truncate -s "$MATRIX_SIZE" "$TMP/$label.img"
		fi
		if [ "$kind" = vblade ]; then
			vblade_start tgt "${addr%.*}" "${addr#*.}" "$WIRE_T" "$TMP/$label.img"
		else
			target_start tgt -q -i "$WIRE_T" "$addr:$TMP/$label.img"
		fi
	done
	daemon_start ini --export fuse "${ifaces[@]}" >"$TMP/attach.out" 2>&1
	check "attach on ${#ifaces[@]} interfaces with --export fuse" test $? -eq 0
	cat "$TMP/attach.out"
}

# matrix_each COMMAND...: run COMMAND for each device of the matrix, with
# LABEL, KIND, MTU, DEV (eS.N), PAYLOAD, F (its FUSE file) and BACKING
# (its target's file) set.
matrix_each() {
	local c addr
	for c in "${MATRIX[@]}"; do
		# shellcheck disable=SC2034 # for COMMAND
		read -r LABEL KIND MTU addr PAYLOAD <<<"$c"
		DEV=e$addr
		# shellcheck disable=SC2034 # for COMMAND
		F=$(fuse_file "$DEV")
		# shellcheck disable=SC2034 # for COMMAND
		BACKING=$TMP/$LABEL.img
		log "$LABEL: $KIND, MTU $MTU, $DEV"
		"$@"
	done
}

# devices_fine N: stat shows N devices, all up, none with a failed request.
devices_fine() {
	stat_save "$TMP/stat.json"
	jq_check "every device still up ($1 in all), no request failed" "$TMP/stat.json" --argjson n "$1" \
		'(.devices | length) == $n and all(.devices[]; .state == "up" and .errors == 0)'
}
