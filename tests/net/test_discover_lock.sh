#!/bin/bash
# The interface lock (one aoe-xdp per interface):
# - an interface is a name in a network namespace: two discovers on
#   same-named interfaces in two namespaces (two containers, two `ip netns`)
#   are on different wires and must both work at the same time;
# - when a running discover holds an interface, the refusal's advice must
#   lead somewhere: the command it names must not answer with the same
#   refusal.
. "$(dirname "$0")/lib.sh"
net_init
need vblade jq

IFC=$(uniq_if i0)	# the same name in both initiator namespaces
for side in a b; do
	ns_add "ini$side"
	ns_add "tgt$side"
	veth_pair "ini$side" "$IFC" "tgt$side" "$(uniq_if t0)"
	truncate -s 1M "$TMP/$side.img"
done
vblade_start tgta 6 1 "$(uniq_if t0)" "$TMP/a.img"
vblade_start tgtb 6 2 "$(uniq_if t0)" "$TMP/b.img"

bg inia "$AOE_XDP" discover --timeout 3 --json "$IFC"
A=$LAST_PID
A_LOG=$LAST_LOG
check "discover in namespace a attached to its $IFC" wait_for 5 xdp_attached inia "$IFC"
in_ns inib "$AOE_XDP" discover --timeout 1 --json "$IFC" >"$TMP/b.json" 2>"$TMP/b.err"
check "meanwhile, discover on $IFC in namespace b exits 0" test $? -eq 0
jq_check "  ... and finds b's device e6.2 only" "$TMP/b.json" '[.devices[].name] == ["e6.2"]'
wait "$A"
check "discover in namespace a exits 0" test $? -eq 0
grep '^{' "$A_LOG" >"$TMP/a.json"
jq_check "  ... and finds a's device e6.1 only" "$TMP/a.json" '[.devices[].name] == ["e6.1"]'

# Namespace a again: a long discover holds the interface; a second one is
# refused and told what to run. Run that advice: it must not refuse in
# the same words (that sends the user in a circle).
bg inia "$AOE_XDP" discover --timeout 30 "$IFC"
LONG=$LAST_PID
check "a long discover attached in namespace a" wait_for 5 xdp_attached inia "$IFC"
in_ns inia "$AOE_XDP" discover --timeout 1 "$IFC" >/dev/null 2>"$TMP/second.err"
check "a second discover there is refused" test $? -ne 0
ADVICE=$(grep -o "run '[^']*'" "$TMP/second.err" | head -n 1 | sed "s/^run '//; s/'\$//")
log "the refusal: $(cat "$TMP/second.err")"
if [ -n "$ADVICE" ]; then
	read -r -a words <<<"$ADVICE"
	[ "${words[0]}" = aoe-xdp ] && words[0]=$AOE_XDP
	in_ns inia "${words[@]}" >/dev/null 2>"$TMP/advice.err"
	log "'$ADVICE' said: $(cat "$TMP/advice.err")"
	check "the advice '$ADVICE' does not answer with the same refusal" \
		not grep -qF "run '$ADVICE'" "$TMP/advice.err"
fi
kill "$LONG"
if [ "$FAILS" -gt 0 ]; then
	echo "--- namespace b's discover stderr"; cat "$TMP/b.err"
	echo "--- namespace a's discover"; cat "$A_LOG"
fi
net_done
