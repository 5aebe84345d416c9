#!/bin/bash
# Targets that take one command at a time: vblade -b 1 (e6.1) and
# aoe-target --bufcnt 1 (e6.2), on two veth pairs, one daemon, FUSE export.
# Both: write, read back and compare works; stat shows bufcnt 1 and
# maxout 1 for the target. aoe-target also delays every answer by 2 ms:
# with one frame in flight a transfer cannot take less than frames x 2 ms,
# so a window that overshoots the buffer count shows as a transfer that is
# too fast.
. "$(dirname "$0")/iolib.sh"
io_init
need vblade jq

DELAY_MS=2
ns_add ini
ns_add tgt
IV=$(uniq_if ivb)
TV=$(uniq_if tvb)
IA=$(uniq_if iat)
TA=$(uniq_if tat)
veth_pair ini "$IV" tgt "$TV"
veth_pair ini "$IA" tgt "$TA"
truncate -s 8M "$TMP/vb.img"
truncate -s 1M "$TMP/at.img"
vblade_start tgt -b 1 6 1 "$TV" "$TMP/vb.img"
target_start tgt -q --bufcnt 1 --delay $DELAY_MS -i "$TA" "6.2:$TMP/at.img"

daemon_start ini --export fuse "$IV" "$IA" >"$TMP/attach.out" 2>&1
check "attach $IV $IA" test $? -eq 0

# io_round LABEL DEV MIB: write, read back, compare (device and backing).
io_round() {
	local label=$1 dev=$2 mib=$3 f
	f=$(fuse_file "$dev")
	random_file "$TMP/$label.data" "$mib"
	frames0=$(dev_json "$dev" .frames)
	timed put "$TMP/$label.data" "$f"
	check "[$label] write $mib MiB" test $? -eq 0
	WRITE_MS=$ELAPSED_MS
	frames1=$(dev_json "$dev" .frames)
	timed get "$f" "$TMP/$label.back"
	check "[$label] read it back" test $? -eq 0
	READ_MS=$ELAPSED_MS
	frames2=$(dev_json "$dev" .frames)
	log "[$label] write: $((frames1 - frames0)) frames in $WRITE_MS ms; read: $((frames2 - frames1)) frames in $READ_MS ms"
	same_bytes "[$label] read back equals what was written" "$TMP/$label.back" "$TMP/$label.data"
	same_bytes "[$label] the backing file equals it" "$TMP/$label.img" "$TMP/$label.data"
	stat_save "$TMP/$label.json"
	jq_check "[$label] $dev up, one target with bufcnt 1 and maxout 1, nothing failed" \
		"$TMP/$label.json" --arg d "$dev" \
		'.devices[] | select(.name == $d) | .state == "up" and .errors == 0 and
		 (.targets | length) == 1 and .targets[0].bufcnt == 1 and .targets[0].maxout == 1'
}

io_round vb e6.1 8
io_round at e6.2 1
# 90 %: the delay is a floor, timers are not exact to the microsecond.
min_ms() { echo $(($1 * DELAY_MS * 9 / 10)); }
check "[at] the write took at least $(min_ms $((frames1 - frames0))) ms: one frame at a time" \
	test "$WRITE_MS" -ge "$(min_ms $((frames1 - frames0)))"
check "[at] the read took at least $(min_ms $((frames2 - frames1))) ms: one frame at a time" \
	test "$READ_MS" -ge "$(min_ms $((frames2 - frames1)))"
io_done
