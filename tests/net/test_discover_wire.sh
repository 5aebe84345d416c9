#!/bin/bash
# What discover puts on the wire, as Wireshark's AoE dissector reads it from
# a capture on the target's end: every frame aoe-xdp sends is AoE and
# decodes cleanly; the config query is a broadcast with tag bit 31 set (so
# a kernel aoe driver on the wire leaves the answers alone); IDENTIFY DEVICE
# (ATA 0xec) goes unicast to the target's MAC, once per device, and is
# answered.
. "$(dirname "$0")/lib.sh"
net_init
need vblade tshark text2pcap

one_wire
IMAC=$(mac_of ini "$I0")
TMAC=$(mac_of tgt "$T0")
CAP=$TMP/discover.pcapng

# tcount FILTER: how many captured frames match (two-pass, so requests
# know their responses); -1 when tshark refuses the filter or the file.
tcount() {
	local out
	if ! out=$(tshark -r "${TCAP:-$CAP}" -2 -Y "$1" -T fields -e frame.number 2>"$TMP/tshark.err"); then
		echo "tshark -Y '$1' failed: $(grep -v dangerous "$TMP/tshark.err")" >&2
		echo -1
		return
	fi
	grep -c . <<<"$out"
}

BAD_FILTER='_ws.malformed || _ws.expert.severity >= warning'
# The filter must be able to fail: a truncated AoE ATA request is malformed.
printf '000000 ff ff ff ff ff ff 02 00 00 00 00 01 88 a2 10 00 00 01 02 00 00 00\n' >"$TMP/bad.txt"
text2pcap -q "$TMP/bad.txt" "$TMP/bad.pcap" >"$TMP/text2pcap.log" 2>&1 ||
	{ cat "$TMP/text2pcap.log"; exit 1; }
check "the malformed-frame filter flags a truncated AoE frame" \
	test "$(TCAP=$TMP/bad.pcap tcount "aoe && ($BAD_FILTER)")" -eq 1

truncate -s 2M "$TMP/a.img" "$TMP/b.img"
vblade_start tgt 4 1 "$T0" "$TMP/a.img"
vblade_start tgt 4 2 "$T0" "$TMP/b.img"

bg tgt tshark -i "$T0" -w "$CAP"
TSHARK=$LAST_PID
wait_log 20 "$LAST_LOG" "Capture started" || { cat "$LAST_LOG"; echo "tshark did not start"; exit 1; }
in_ns ini "$AOE_XDP" discover --timeout 1 "$I0" >"$TMP/discover.out" 2>&1
check "discover exits 0" test $? -eq 0
check "discover found both devices" test "$(grep -c '^e4\.[12] ' "$TMP/discover.out")" -eq 2
sleep 0.2	# let the last answers land in the capture
kill -INT "$TSHARK"
wait "$TSHARK"

FROM="eth.src == $IMAC"
SENT=$(tcount "$FROM")
check "the capture holds frames from aoe-xdp ($SENT)" test "$SENT" -gt 0
check "every frame aoe-xdp sent is AoE, nothing left undissected" \
	test "$(tcount "$FROM && frame.protocols == \"eth:ethertype:aoe\"")" -eq "$SENT"
check "every frame aoe-xdp sent is at least Ethernet's 60-byte minimum" \
	test "$(tcount "$FROM && frame.len < 60")" -eq 0
check "no frame in the capture is malformed or has expert warnings" \
	test "$(tcount "$BAD_FILTER")" -eq 0
check "aoe-xdp sent only config queries and IDENTIFYs" \
	test "$(tcount "$FROM && !(aoe.cmd == 1 || aoe.ata.cmd == 0xec)")" -eq 0

QUERY="$FROM && aoe.cmd == 1 && aoe.response == 0"
check "at least one config query was sent" test "$(tcount "$QUERY")" -ge 1
check "every config query: broadcast MAC, shelf 0xffff, slot 0xff, tag bit 31 set" \
	test "$(tcount "$QUERY && !(eth.dst == ff:ff:ff:ff:ff:ff && aoe.major == 0xffff &&
		aoe.minor == 0xff && aoe.tag & 0x80000000)")" -eq 0

IDENT="$FROM && aoe.cmd == 0 && aoe.ata.cmd == 0xec && aoe.response == 0"
check "every IDENTIFY: unicast to $TMAC, 1 sector, tag bit 31 set" \
	test "$(tcount "$IDENT && !(eth.dst == $TMAC && aoe.sector_count == 1 &&
		aoe.tag & 0x80000000)")" -eq 0
for slot in 1 2; do
	check "e4.$slot: exactly one IDENTIFY, and it was answered" \
		test "$(tcount "$IDENT && aoe.major == 4 && aoe.minor == $slot && aoe.response_in")" -eq 1
done
check "the IDENTIFYs carry distinct tags" \
	test "$(tshark -r "$CAP" -Y "$IDENT" -T fields -e aoe.tag 2>/dev/null | sort -u | wc -l)" -eq 2
if [ "$FAILS" -gt 0 ]; then
	echo "--- capture"; tshark -r "$CAP" -2 2>/dev/null
	echo "--- discover"; cat "$TMP/discover.out"
fi
net_done
