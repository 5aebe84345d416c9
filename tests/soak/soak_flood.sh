#!/bin/bash
# Soak (opt-in: make soak; not part of make test): CYCLES rounds (default
# 6, a few minutes) on two paths to the real e1.1 (two aoe-targets on one
# file, one behind each wire). Each round: a forger floods every discovery
# query (aoe-flood: 3000 forged config answers whose MACs never answer
# IDENTIFY), fio verify runs through e1.1 while one wire flaps, both
# targets restart (e1.1 goes down and comes back), fio verify again, the
# flood stops. The daemon runs without --only and with a short
# --forget-unidentified, so forged devices are made and freed again all
# the time. Each round prints RSS, free UMEM and counters; the soak fails
# on any fio error, on e1.1 not coming back, or when RSS or free UMEM
# drift from the first round by more than a margin. (Forgeries that also
# answer IDENTIFY are exported, by design without --only:
# tests/net/test_flood.sh covers them.)
. "$(dirname "$0")/../net/floodlib.sh"
io_init
need fio jq
two_wires
CYCLES=${CYCLES:-6}
RSS_MARGIN_KB=${RSS_MARGIN_KB:-16384}
UMEM_MARGIN=${UMEM_MARGIN:-320}
truncate -s 64M "$TMP/disk"

# Two targets serving the same file, one behind each wire: e1.1 has two
# targets, one path each, and a flapping wire takes one away.
start_targets() {
	target_start tgt -i "$T0" 1.1:"$TMP/disk"
	TGT_A=$LAST_PID
	target_start tgt -i "$T1" 1.1:"$TMP/disk"
	TGT_B=$LAST_PID
}

flap() {
	sleep 1
	ip -n "$P-ini" link set "$I1" down
	sleep 3
	ip -n "$P-ini" link set "$I1" up
}

row() { printf '%-5s %6s %9s %9s %8s %9s %9s %11s %7s\n' "$@" | tee -a "$TMP/soak.txt"; }
e11() { jq "[.devices[] | select(.name == \"e1.1\")][0] | $1" "$TMP/stat.json"; }

start_targets
daemon_start ini --export fuse --timeout 3 --rediscover 2 --dead-timeout 3 \
	--forget-unidentified 10 "$I0" "$I1" >"$TMP/attach.out" 2>&1 ||
	{ cat "$TMP/attach.out"; fail "attach"; net_done; }
F=$(fuse_file e1.1)
check "e1.1 up" wait_for 10 dev_state e1.1 up

row round secs rss_kb umem_free devices capped forgotten retransmits errors
START=$SECONDS
RSS=()
UMEM=()
for c in $(seq "$CYCLES"); do
	flood_start tgt "$T0" 3000 0 120
	flap &
	FLAP_PID=$!
	check "[$c] fio verify under the flood while a wire flaps" fio_verify "$F" 0
	wait "$FLAP_PID"
	kill -TERM "$TGT_A" "$TGT_B"
	wait "$TGT_A" "$TGT_B"
	down_by_read "$F"
	check "[$c] e1.1 down with its targets stopped" wait_for 10 dev_state e1.1 down
	start_targets
	check "[$c] e1.1 back after its targets restarted" wait_for 20 dev_state e1.1 up
	check "[$c] fio verify after the come-back" fio_verify "$F" 8M
	flood_stop
	sleep 1
	stat_save "$TMP/stat.json"
	RSS+=("$(rss_kb)")
	UMEM+=("$(jq '[.interfaces[].umem_free] | min' "$TMP/stat.json")")
	row "$c" $((SECONDS - START)) "${RSS[-1]}" "${UMEM[-1]}" \
		"$(jq .limits.devices "$TMP/stat.json")" \
		"$(jq .limits.devices_capped "$TMP/stat.json")" \
		"$(jq '.limits.unidentified_forgotten + .limits.gone_forgotten' "$TMP/stat.json")" \
		"$(e11 '[.targets[].retransmits] | add')" "$(e11 .errors)"
done

# The first round grows the heap to its working size; later ones must not.
flat_above "RSS per round (kB)" "$RSS_MARGIN_KB" "${RSS[@]}"
flat_below "free UMEM per round (chunks)" "$UMEM_MARGIN" "${UMEM[@]}"
io_done
