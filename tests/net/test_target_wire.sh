#!/bin/bash
# What aoe-target puts on the wire, as Wireshark's AoE dissector reads it
# from a capture on the initiator's end: every kind of answer (the
# announcement at start, config and config strings, IDENTIFY, reads and
# writes with LBA48 and LBA28, flushes, ATA and AoE errors, mask and
# reserve lists, a burst of reads) decodes as an AoE response, and no
# frame is malformed.
. "$(dirname "$0")/targetlib.sh"
target_init
need tshark

CAP=$TMP/aoe.pcapng
bg ini tshark -q -i "$I0" -f "ether proto 0x88a2" -w "$CAP"
TSHARK=$LAST_PID
wait_log 20 "$LAST_LOG" "Capture started" || { cat "$LAST_LOG"; echo "tshark did not start"; exit 1; }
# After the capture: aoe-target announces each device when it starts.
tgt_start main -b 16 --config hello 1.1:ram:8M 1.2:ram:4M

# One request of each kind; every one is answered.
REQUESTS=(
	"-a config"
	"-t 1.1 config test hello"
	"-t 1.1 config prefix hell"
	"-t 1.1 config set abc"
	"-t 1.1 config fset world"
	"-t 1.1 config ccmd=7"
	"-t 1.1 identify"
	"-t 1.2 identify"
	"-t 1.1 write 100 2 -p 0xa5"
	"-t 1.1 read 100 2"
	"-t 1.1 write 200 2 -p 0x5a --lba28"
	"-t 1.1 read 200 2 --lba28"
	"-t 1.1 flush"
	"-t 1.1 flush ext"
	"-t 1.1 read 16384 1"
	"-t 1.1 write 16383 2 -p 1"
	"-t 1.1 ata 0x99"
	"-t 1.1 aoe 9"
	"-t 1.1 aoe 0xf0"
	"-t 1.1 write 10 2 -p 1 --data-sectors 1"
	"-t 1.1 read 10 3"
	"-t 1.1 ata 0xec 0 2"
	"-t 1.1 mask read"
	"-t 1.1 mask edit add $PROBE_MAC add $OTHER_MAC"
	"-t 1.1 mask edit add $OTHER_MAC bad $OTHER_MAC"
	"-t 1.1 mask edit del $OTHER_MAC"
	"-t 1.1 reserve read"
	"-t 1.1 reserve set $OTHER_MAC"
	"-t 1.1 write 0 1 -p 0"
	"-t 1.1 reserve fset"
	"-t 1.2 burst 20 4"
)
unanswered=0
for r in "${REQUESTS[@]}"; do
	# shellcheck disable=SC2086 # the words of the request
	probe -w 300 $r >>"$TMP/probe.out" 2>&1 || { echo "  no answer to: $r"; unanswered=$((unanswered + 1)); }
done
check "each of the ${#REQUESTS[@]} kinds of request was answered" test "$unanswered" -eq 0

sent=$(tgt_stats main .answers.sent)
sleep 0.5	# let the last answers land in the capture
kill "$TSHARK"
wait "$TSHARK" 2>/dev/null
nrsp=$(tshark -r "$CAP" -Y 'aoe.response == 1 && aoe.major == 1' 2>/dev/null | wc -l)
same "tshark decodes every aoe-target answer as an AoE response" "$sent" "$nrsp"
nata=$(tshark -r "$CAP" -Y 'aoe.response == 1 && aoe.major == 1 && aoe.ata.status' 2>/dev/null | wc -l)
check "tshark decodes ATA answers ($nata)" test "$nata" -gt 20
nbad=$(tshark -r "$CAP" -Y '_ws.malformed' 2>/dev/null | wc -l)
same "tshark: no malformed frames" 0 "$nbad"
tgt_stop main
net_done
