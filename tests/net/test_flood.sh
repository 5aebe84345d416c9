#!/bin/bash
# A forger on the segment (aoe-flood): every discovery query (every 2 s
# here) is answered with 3000 forged config answers (distinct shelf.slots,
# buffer count 256, made-up MACs, the query's tag), every 500th forged MAC
# also answers IDENTIFY with a made-up disk, and each answer goes again to
# another host's MAC. Beside it the real e1.1 (aoe-target).
#
# Without --only: at most --max-devices (1024) devices are kept, the cap is
# counted and said once; with --only 1.1: nothing is kept for the forgeries
# (counted as excluded) and none is exported. In both: the daemon's RSS and
# free UMEM stay flat (sampled, compared with a margin), fio verify runs
# through e1.1, which goes down when its target stops and comes back when
# it restarts, under the flood. `discover --only` marks what attach leaves out.
. "$(dirname "$0")/floodlib.sh"
io_init
need fio jq
one_wire
truncate -s 64M "$TMP/disk"
target_start tgt -i "$T0" 1.1:"$TMP/disk"
TGT_PID=$LAST_PID
flood_start tgt "$T0" 3000 500 300

# Margins: RSS may move by what an export and fio's requests cost, the
# UMEM by what e1.1's spare pool (--pool-max 128) and frames in flight take;
# without --only also by the window (256 chunks) of each forged device that
# answers IDENTIFY and is exported, which may come late: of the first 1024
# forgeries (those kept) 3 answer it.
RSS_MARGIN_KB=16384
UMEM_SLACK=320

sample() {
	RSS+=("$(rss_kb)")
	UMEM+=("$(stat_json '.interfaces[0].umem_free')")
}

restart_target() {
	kill -TERM "$TGT_PID"
	wait "$TGT_PID"
	down_by_read "$F"
	check "[$LABEL] e1.1 down while its target is stopped" wait_for 10 dev_state e1.1 down
	sample
	target_start tgt -i "$T0" 1.1:"$TMP/disk"
	TGT_PID=$LAST_PID
	check "[$LABEL] e1.1 comes back under the flood after its target restarted" \
		wait_for 20 dev_state e1.1 up
}

# flood_case LABEL [attach options...]
flood_case() {
	LABEL=$1
	shift
	RSS=()
	UMEM=()
	daemon_start ini --export fuse --timeout 3 --rediscover 2 --dead-timeout 3 "$@" "$I0" \
		>"$TMP/attach-$LABEL.out" 2>&1 || { cat "$TMP/attach-$LABEL.out"; fail "[$LABEL] attach"; return 1; }
	F=$(fuse_file e1.1)
	check "[$LABEL] e1.1 up under the flood" wait_for 10 dev_state e1.1 up
	sleep 2
	sample
	check "[$LABEL] fio verify through e1.1 under the flood" fio_verify "$F" 0
	sample
	restart_target
	check "[$LABEL] fio verify through e1.1 after the come-back" fio_verify "$F" 8M
	sleep 2
	sample
	stat_save "$TMP/stat-$LABEL.json"
	log "[$LABEL] RSS kB ${RSS[*]}; free UMEM chunks ${UMEM[*]}"
	flat_above "[$LABEL] daemon RSS flat (kB)" $RSS_MARGIN_KB "${RSS[@]}"
	flat_below "[$LABEL] free UMEM flat (chunks)" "$UMEM_MARGIN" "${UMEM[@]}"
	jq_check "[$LABEL] most of the UMEM free, the control reserve untouched" \
		"$TMP/stat-$LABEL.json" '.interfaces[0] | .umem_free > 1024 and .umem_reserve > 0'
	jq_check "[$LABEL] no request of e1.1 failed but the one read while it was down" \
		"$TMP/stat-$LABEL.json" '.devices[] | select(.name == "e1.1") | .errors <= 1'
}

UMEM_MARGIN=$((UMEM_SLACK + 3 * 256)) flood_case all
jq_check "[all] at most --max-devices kept, the cap counted" "$TMP/stat-all.json" \
	'.limits.devices <= 1024 and .limits.devices >= 1000 and .limits.devices_capped > 0 and
	 ([.devices[]] | length) == .limits.devices'
n=$(cat "$TMP/attach-all.out" "$AOE_XDP_RUN_DIR/aoe-xdp.log" | grep -c 'max-devices')
check "[all] the cap said once, not per frame ($n)" test "$n" = 1
n=$(cat "$TMP/attach-all.out" "$AOE_XDP_RUN_DIR/aoe-xdp.log" | grep -c 'IDENTIFY DEVICE got no answer')
check "[all] failed forgeries named a few times only ($n)" test "$n" -le 8
daemon_stop

UMEM_MARGIN=$UMEM_SLACK flood_case only --only 1.1
jq_check "[only] nothing kept for the forgeries, counted as excluded" "$TMP/stat-only.json" \
	'.limits.devices == 1 and .limits.excluded > 3000 and .limits.devices_capped == 0 and
	 ([.devices[].name] == ["e1.1"])'
exported=$(find "$AOE_XDP_RUN_DIR/fuse" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | tr '\n' ' ')
check "[only] only e1.1 exported ($exported)" test "$exported" = "e1.1 "
daemon_stop

# discover shows everything and marks what attach --only would leave out.
innet ini "$AOE_XDP" discover --timeout 1 --json --only 1.1 "$I0" >"$TMP/discover.json" \
	2>"$TMP/discover.err"
jq_check "discover --only 1.1: e1.1 unmarked, the forgeries shown and marked" "$TMP/discover.json" \
	'([.devices[] | select(.name == "e1.1" and (has("attach") | not))] | length) == 1 and
	 ([.devices[] | select(.attach == "left out by --only/--exclude")] | length) >= 1000'

flood_stop
io_done
