#!/bin/bash
# The daemon's command line. One aoe-target (e8.1) on a bridge in the
# target namespace, reachable from the initiator over two veth pairs
# (i0 and i1 both end on the bridge), so one target is reachable on two
# interfaces. Checks:
#   - attach i0, then a second `attach i1` adds i1 to the running daemon:
#     the target shows both interfaces, I/O through FUSE still right;
#   - attach i0 again while running is harmless;
#   - `discover` while the daemon runs goes through it: a target started
#     after attach (e8.2) is found, exported and usable;
#   - `stat --json` has the documented fields with the right types;
#   - `bench e8.1 --rw randwrite --seconds 2 --verify --force` (e8.1 is
#     exported: a write run needs --force) reports blocks
#     read back and 0 mismatches, in text and in valid JSON;
#   - bad options exit 2 with a message, and leave the daemon alone.
. "$(dirname "$0")/iolib.sh"
io_init
need jq

one_wire
I1=$(uniq_if i1)
T1=$(uniq_if t1)
BR=$(uniq_if br)
veth_pair ini "$I1" tgt "$T1"
ip -n "$P-tgt" link add "$BR" type bridge || exit 1
ip netns exec "$P-tgt" sysctl -qw "net.ipv6.conf.$BR.disable_ipv6=1"
ip -n "$P-tgt" link set "$T0" master "$BR"
ip -n "$P-tgt" link set "$T1" master "$BR"
ip -n "$P-tgt" link set "$BR" up
TMAC=$(mac_of tgt "$BR")
truncate -s 8M "$TMP/disk.img"
target_start tgt -q -i "$BR" "8.1:$TMP/disk.img"

daemon_start ini --export fuse "$I0" >"$TMP/attach0.out" 2>&1
check "attach $I0" test $? -eq 0
PID0=$DAEMON_PID
F1=$(fuse_file e8.1)
stat_save "$TMP/stat0.json"
jq_check "e8.1 up, its target $TMAC on $I0 only" "$TMP/stat0.json" --arg mac "$TMAC" --arg i0 "$I0" \
	'.devices[0] | .name == "e8.1" and .state == "up" and
	 .targets[0].mac == $mac and .targets[0].interfaces == [$i0]'

# io_ok LABEL FILE MIB: write, read back, compare through a FUSE file.
io_ok() {
	random_file "$TMP/$1.data" "$3"
	check "[$1] write $3 MiB through $2" put "$TMP/$1.data" "$2"
	check "[$1] read it back" get "$2" "$TMP/$1.back" count="$3"
	same_bytes "[$1] ... equal to what was written" "$TMP/$1.back" "$TMP/$1.data"
}
daemon_alive() { [ "$(cat "$AOE_XDP_RUN_DIR/aoe-xdp.pid" 2>/dev/null)" = "$PID0" ] && kill -0 "$PID0"; }
both_ifaces() {
	[ "$(dev_json e8.1 '.targets[0].interfaces | sort | join(" ")')" = "$(printf '%s\n' "$I0" "$I1" | sort | xargs)" ]
}

# A second attach adds an interface.
innet ini "$AOE_XDP" attach --export fuse "$I1" >"$TMP/attach1.out" 2>&1
check "a second 'attach $I1' exits 0" test $? -eq 0 || cat "$TMP/attach1.out"
check "... the same daemon runs (pid $PID0)" daemon_alive
check "... the daemon now has $I0 and $I1" \
	test "$(stat_json '[.interfaces[].name] | sort | join(" ")')" = "$(printf '%s\n' "$I0" "$I1" | sort | xargs)"
check "... e8.1's one target shows both interfaces within 5 s" wait_for 5 both_ifaces
stat_save "$TMP/stat1.json"
jq_check "... still one device, one target, up, device interfaces name both" "$TMP/stat1.json" \
	--arg i0 "$I0" --arg i1 "$I1" \
	'(.devices | length) == 1 and (.devices[0].targets | length) == 1 and
	 .devices[0].state == "up" and (.devices[0].interfaces | contains($i0) and contains($i1))'
io_ok two-ifaces "$F1" 8
stat_save "$TMP/stat2.json"
log "frames sent per interface: $(jq -c '[.interfaces[] | {(.name): .sockets[0].tx_frames}] | add' "$TMP/stat2.json")"

# Attaching an interface the daemon already has.
innet ini "$AOE_XDP" attach --export fuse "$I0" >"$TMP/attach2.out" 2>&1
rc=$?
log "attach $I0 again: exit $rc: $(tr '\n' ' ' <"$TMP/attach2.out")"
check "attach $I0 again while running exits 0" test $rc -eq 0
check "... the same daemon runs" daemon_alive
stat_save "$TMP/stat3.json"
jq_check "... two interfaces, one device, up, same export, target on both interfaces" "$TMP/stat3.json" \
	--arg f "$F1" \
	'(.interfaces | length) == 2 and (.devices | length) == 1 and
	 .devices[0].state == "up" and .devices[0].export == $f and
	 (.devices[0].targets[0].interfaces | length) == 2'
io_ok attach-again "$F1" 2

# A target that appears after attach; discover through the daemon.
target_start tgt -q -i "$BR" "8.2:ram:4M"
innet ini "$AOE_XDP" discover --timeout 1 --json "$I0" >"$TMP/discover.json" 2>"$TMP/discover.err"
check "discover $I0 while the daemon runs exits 0" test $? -eq 0 || cat "$TMP/discover.err"
jq_check "... and finds the new e8.2 besides e8.1" "$TMP/discover.json" \
	'[.devices[].name] | sort == ["e8.1", "e8.2"]'
check "the daemon itself found e8.2 (up within 3 s): discover went through it" \
	wait_for 3 dev_state e8.2 up
F2=$(fuse_file e8.2)
check "... and exports it as $F2 (4 MiB)" test "$(stat -c %s "$F2" 2>/dev/null)" = $((4 * 1024 * 1024))
io_ok new-device "$F2" 4

# The documented fields of stat --json.
stat_save "$TMP/stat.json"
jq_check "stat --json: devices with their documented fields" "$TMP/stat.json" '
	def num: type == "number";
	(.devices | length) == 2 and all(.devices[];
	  (.name | type) == "string" and
	  (.state | IN("up", "down", "failed", "identifying")) and
	  (.export | type) == "string" and
	  (.requests, .frames, .errors, .read_bytes, .write_bytes, .flushes | num) and
	  (.pool | (.size, .cap, .high_water, .held, .kicks | num)) and
	  (.targets | length) > 0 and all(.targets[];
	    (.mac | test("^([0-9a-f]{2}:){5}[0-9a-f]{2}$")) and (.tainted | type) == "boolean" and
	    (.nout, .maxout, .ssthresh, .rtt_us, .rttvar_us, .rto_us, .frames,
	     .retransmits, .timeouts, .false_alarms, .errors, .probes | num) and
	    (.interfaces | type) == "array"))'
jq_check "stat --json: interfaces with socket and XDP counters" "$TMP/stat.json" '
	(.interfaces | length) == 2 and all(.interfaces[];
	  (.name | type) == "string" and (.sockets | length) > 0 and
	  all(.sockets[]; (.rx_frames, .tx_frames | type) == "number") and
	  (.xdp | type) == "object" and (.xdp | length) > 0 and
	  all(.xdp[]; type == "number"))'
jq_check "stat --json: received counters" "$TMP/stat.json" '
	.received | all(.frames, .malformed, .late, .bad_src, .bad_len, .bad_addr, .bad_tag;
	                type == "number") and .frames > 0'

# bench through the engine, with verify.
timeout 30 "$AOE_XDP" bench e8.1 --rw randwrite --seconds 2 --verify --force >"$TMP/bench.out" 2>&1
check "bench e8.1 --rw randwrite --seconds 2 --verify --force exits 0" test $? -eq 0
cat "$TMP/bench.out"
check "... reports blocks read back and 0 mismatches" \
	grep -Eq 'verify: [1-9][0-9]* blocks read back, 0 mismatches' "$TMP/bench.out"
timeout 30 "$AOE_XDP" bench e8.1 --rw randwrite --seconds 2 --verify --force --json >"$TMP/bench.json" 2>&1
check "bench ... --json exits 0" test $? -eq 0
jq_check "bench --json is valid JSON: randwrite, ios and verified > 0, 0 mismatches, 0 errors" \
	"$TMP/bench.json" \
	'.device == "e8.1" and .rw == "randwrite" and .ios > 0 and .verified > 0 and
	 .mismatches == 0 and .errors == 0 and (.seconds, .iops, .mb_per_s | type) == "number"'

# Bad options: exit 2, a message, the daemon untouched.
BAD=(
	"attach --bogus $I0"
	"attach --export bogus $I0"
	"attach --dead-timeout abc $I0"
	"attach"
	"stat --bogus"
	"detach --bogus"
	"discover --bogus $I0"
	"bench --bogus e8.1"
	"bench"
	"bench e8.1 --rw sideways"
	"bench e8.1 --bs 1000"
	"frobnicate"
)
for b in "${BAD[@]}"; do
	# shellcheck disable=SC2086
	timeout 10 "$AOE_XDP" $b >"$TMP/bad.out" 2>&1
	rc=$?
	if [ $rc -eq 2 ] && [ -s "$TMP/bad.out" ]; then
		ok "'aoe-xdp $b' exits 2 with a message"
	else
		fail "'aoe-xdp $b' exits 2 with a message (exit $rc)"
		sed 's/^/  /' "$TMP/bad.out"
	fi
done
check "after the bad options the daemon still runs" daemon_alive
check "... and e8.1 is up" dev_state e8.1 up
io_done
