#!/bin/bash
# Helpers for the flood test and the soak (tests/soak/soak_flood.sh): the
# hostile peer, the daemon's RSS, fio verify through the FUSE export, and
# "stays flat" checks. Sources iolib.sh (call io_init).
. "$(dirname "${BASH_SOURCE[0]}")/iolib.sh"

FLOOD=$BUILD/tests/aoe-flood

# flood_start NS IFACE [COUNT [IDENT [SECONDS]]]: aoe-flood in the
# background, answering queries once it says so; $FLOOD_PID, $FLOOD_LOG.
flood_start() {
	local ns=$1
	shift
	[ -x "$FLOOD" ] || skip "needs $FLOOD (make $FLOOD)"
	bg "$ns" "$FLOOD" "$@"
	FLOOD_PID=$LAST_PID
	FLOOD_LOG=$LAST_LOG
	wait_log 5 "$FLOOD_LOG" flooding && return 0
	cat "$FLOOD_LOG"
	echo "aoe-flood did not start"
	exit 1
}

# flood_stop: SIGTERM; it prints what it sent.
flood_stop() {
	kill -TERM "$FLOOD_PID" 2>/dev/null
	wait "$FLOOD_PID"
	grep -E '^(queries|forged|to_others|identify) ' "$FLOOD_LOG" | tr '\n' ' '
	echo
}

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$DAEMON_PID/status"; }

# fio_verify FILE OFFSET: 4 MiB of 64k random writes at OFFSET, read back
# and checked (crc32c); fio's output on a failure.
fio_verify() {
	bounded 60 fio --name=verify --filename="$1" --size=4M --offset="$2" --rw=randwrite \
		--bs=64k --ioengine=psync --direct=1 --fallocate=none --verify=crc32c \
		--do_verify=1 --verify_fatal=1 --verify_state_save=0 >"$TMP/fio.out" 2>&1 &&
		return 0
	cat "$TMP/fio.out"
	return 1
}

# down_by_read FILE: a read while every target is gone: the dead timeout
# takes the device down (the read fails).
down_by_read() {
	bounded 20 dd if="$1" of=/dev/null bs=64k count=1 skip=300 iflag=direct status=none
}

# flat_above DESCRIPTION MARGIN FIRST VALUES...: none above FIRST + MARGIN.
# flat_below DESCRIPTION MARGIN FIRST VALUES...: none below FIRST - MARGIN.
flat_above() { flat_check "$1" "$2" "$3" -1 "${@:3}"; }
flat_below() { flat_check "$1" "$2" "$3" 1 "${@:3}"; }
flat_check() {
	local what=$1 margin=$2 first=$3 sign=$4 v
	shift 4
	for v in "$@"; do
		[ $((sign * (v - first) + margin)) -ge 0 ] ||
			{ fail "$what: $v after $first (margin $margin)"; return 1; }
	done
	ok "$what: $*"
}
