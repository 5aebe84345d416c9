#!/bin/bash
# The write-rollback scenario of issue 9, shared by the network test
# (FUSE export) and the VM test (ublk): one disk behind two targets A and
# B. A is paused (SIGSTOP, or aoe-target's --pause) while writes P1 go to
# the disk: A's frames time out and go to B, which acknowledges them. Then
# P2 overwrites the same sectors. A resumes and executes the P1 frames it
# had queued. The disk must hold P2 everywhere: nothing acknowledged is
# rolled back.
#
#   rb_plan DIR SEED PATTERN SIZE   # writes of both phases, and the result
#   rb_phase DIR 1|2 DEVICE          # do one phase's writes (O_DIRECT, one
#                                    # at a time: each acknowledged before the next)
# PATTERN: seq (the whole first SIZE bytes, 64 KiB writes in order) or
# rand (RB_RAND_WRITES 4 KiB writes at random 4 KiB offsets, the same
# offsets in both phases, in another order). $DIR/expected is what the
# first SIZE bytes must hold after both phases, starting from $DIR/base.

RB_RAND_WRITES=${RB_RAND_WRITES:-128}
RB_DEV=e7.1
RB_SEQ_BS=65536
RB_RAND_BS=4096

# rb_plan DIR SEED PATTERN SIZE
rb_plan() {
	local dir=$1 seed=$2 pattern=$3 size=$4 i n off
	mkdir -p "$dir"
	RANDOM=$seed
	: >"$dir/writes1"
	: >"$dir/writes2"
	head -c "$size" /dev/urandom >"$dir/base"
	head -c "$size" /dev/urandom >"$dir/p1"
	head -c "$size" /dev/urandom >"$dir/p2"
	if [ "$pattern" = seq ]; then
		for ((off = 0; off < size; off += RB_SEQ_BS)); do
			echo "$off $RB_SEQ_BS" >>"$dir/writes1"
			echo "$off $RB_SEQ_BS" >>"$dir/writes2"
		done
	else
		n=$((size / RB_RAND_BS))
		for ((i = 0; i < RB_RAND_WRITES; i++)); do
			off=$(((RANDOM * 32768 + RANDOM) % n * RB_RAND_BS))
			echo "$off $RB_RAND_BS" >>"$dir/writes1"
		done
		# The same sectors again, newest data, in another order.
		sort -R --random-source=<(yes "$seed") "$dir/writes1" >"$dir/writes2"
	fi
	cp "$dir/base" "$dir/expected"
	rb_apply "$dir" 1 "$dir/expected" conv=notrunc
	rb_apply "$dir" 2 "$dir/expected" conv=notrunc
}

# rb_apply DIR PHASE DEST [dd options...]: the phase's writes onto DEST,
# each from the same place of that phase's data file.
rb_apply() {
	local dir=$1 phase=$2 dest=$3 off len
	shift 3
	while read -r off len; do
		dd if="$dir/p$phase" of="$dest" bs="$len" count=1 skip=$((off / len)) \
			seek=$((off / len)) status=none "$@" || return 1
	done <"$dir/writes$phase"
}

# rb_phase DIR PHASE DEVICE: the phase's writes onto the device, with
# O_DIRECT, each done (acknowledged) before the next starts.
rb_phase() { rb_apply "$1" "$2" "$3" oflag=direct conv=notrunc; }

# rb_first_diff A B SIZE: where A and B first differ in SIZE bytes, and how
# many bytes differ ("" when equal).
rb_diff() {
	cmp -l -n "$3" "$1" "$2" 2>/dev/null | awk 'NR == 1 { first = $1 - 1 } END {
		if (NR) printf "%d bytes differ, the first at byte %d\n", NR, first }'
}

# rb_dev JQ-FILTER: FILTER applied to $RB_DEV in `aoe-xdp stat --json`.
rb_dev() { stat_json ".devices[] | select(.name == \"$RB_DEV\") | $1"; }
# Both targets were asked IDENTIFY and serve the device's disk.
rb_two_targets_ok() { [ "$(rb_dev '[.targets[] | select(.identity == "ok")] | length')" = 2 ]; }
# Nothing in doubt, nothing kept: A's copies answered or shown lost.
rb_settled() { [ "$(rb_dev '.guard.in_doubt + .guard.sectors')" = 0 ]; }
