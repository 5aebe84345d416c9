#!/bin/bash
# I/O through the FUSE export against aoe-targets that lose, duplicate,
# reorder and delay answers (fixed seeds: reproducible). Two devices on
# two veth pairs, one daemon:
#   e3.1: --drop 5 --dup 5 --reorder 5
#   e3.2: --delay 3 --jitter 3 --drop 2 --dup 2 (answers overtake each other)
# For each: write and read back 8 MiB, each step bounded (no hang), equal
# to what was written and to the backing file; the target's own counters
# show the faults happened; stat shows retransmits > 0, late answers
# (duplicates after completion) > 0, the device still up and no request
# failed (errors == 0).
. "$(dirname "$0")/iolib.sh"
io_init
need jq

MIB=8
SIZE=$((MIB * 1024 * 1024))
ns_add ini
ns_add tgt

# label shelf.slot aoe-target fault options
CASES=(
	"lossy 3.1 --seed 11 --drop 5 --dup 5 --reorder 5"
	"late 3.2 --seed 12 --delay 3 --jitter 3 --drop 2 --dup 2"
)
IFACES=()
TPIDS=()
for c in "${CASES[@]}"; do
	read -r label addr opts <<<"$c"
	case_wire "$label"
	IFACES+=("$WIRE_I")
	truncate -s "$SIZE" "$TMP/$label.img"
	# shellcheck disable=SC2086
	target_start tgt -q -i "$WIRE_T" --stats-file "$TMP/$label.tstats" $opts "$addr:$TMP/$label.img"
	TPIDS+=("$LAST_PID")
done

timed daemon_start ini --export fuse "${IFACES[@]}" >"$TMP/attach.out" 2>&1
check "attach finds both devices despite the faults" test $? -eq 0
log "attach took $ELAPSED_MS ms"
cat "$TMP/attach.out"

i=0
late0=0
for c in "${CASES[@]}"; do
	read -r label addr opts <<<"$c"
	dev=e$addr
	F=$(fuse_file "$dev")
	log "$label: $dev, aoe-target $opts"
	random_file "$TMP/$label.data" "$MIB"
	timed put "$TMP/$label.data" "$F"
	check "[$label] write $MIB MiB: dd exits 0 within ${STEP_TIMEOUT}s" test $? -eq 0
	log "$label: write $ELAPSED_MS ms"
	timed get "$F" "$TMP/$label.back"
	check "[$label] read it back: dd exits 0 within ${STEP_TIMEOUT}s" test $? -eq 0
	log "$label: read $ELAPSED_MS ms"
	same_bytes "[$label] read back equals what was written" "$TMP/$label.back" "$TMP/$label.data"
	same_bytes "[$label] the backing file equals it" "$TMP/$label.img" "$TMP/$label.data"

	kill -USR2 "${TPIDS[$i]}"
	wait_for 5 test -s "$TMP/$label.tstats"
	jq_check "[$label] aoe-target really dropped and duplicated answers" "$TMP/$label.tstats" \
		'.faults.dropped > 0 and .faults.duplicated > 0'
	stat_save "$TMP/$label.stat.json"
	jq_check "[$label] $dev: up, no failed request, retransmits > 0 on its target" \
		"$TMP/$label.stat.json" --arg d "$dev" \
		'.devices[] | select(.name == $d) | .state == "up" and .errors == 0 and
		 .targets[0].errors == 0 and .targets[0].retransmits > 0'
	jq_check "[$label] duplicates answered after completion were counted late (received.late went up)" \
		"$TMP/$label.stat.json" --argjson before "$late0" '.received.late > $before'
	late0=$(jq .received.late "$TMP/$label.stat.json")
	i=$((i + 1))
done
jq_check "both devices still up, no request failed" "$TMP/late.stat.json" \
	'(.devices | length) == 2 and all(.devices[]; .state == "up" and .errors == 0)'
io_done
