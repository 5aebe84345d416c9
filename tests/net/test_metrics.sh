#!/bin/bash
# Prometheus metrics: `stat --prometheus` and the daemon's --metrics-listen
# serve OpenMetrics text that prometheus_client's strict parser accepts,
# with device, target, interface, socket, XDP and drop counters, RTT and
# window gauges, labelled, and the same numbers `stat --json` shows.
# /metrics answers while another client sits idle on the socket; other
# paths get 404, other methods 405.
. "$(dirname "$0")/iolib.sh"
io_init
need jq
PY=/usr/bin/python3
$PY -c 'import prometheus_client' 2>/dev/null ||
	skip "needs python3-prometheus-client (make deps installs it)"
HERE=$(cd "$(dirname "$0")" && pwd)
PORT=9477

one_wire
TMAC=$(mac_of tgt "$T0")
target_start tgt -q -i "$T0" 1.1:ram:4M 1.2:ram:4M
daemon_start ini --export fuse --timeout 1 --metrics-listen "127.0.0.1:$PORT" "$I0" \
	>"$TMP/attach.out" 2>&1
check "attach with --metrics-listen 127.0.0.1:$PORT" test $? -eq 0 || cat "$TMP/attach.out"
random_file "$TMP/data" 1
check "write 1 MiB to e1.1" put "$TMP/data" "$(fuse_file e1.1)"

# prom FILE: parsed into FILE.json, or the parser's complaint.
prom() { $PY "$HERE/prom_check.py" "$1" "$1.json"; }

timeout 10 "$AOE_XDP" stat --prometheus >"$TMP/stat.prom"
check "stat --prometheus exits 0" test $? -eq 0
check "... and ends with # EOF" test "$(tail -n 1 "$TMP/stat.prom")" = "# EOF"
check "... the OpenMetrics parser accepts it" prom "$TMP/stat.prom"
stat_save "$TMP/stat.json"
PJ=$TMP/stat.prom.json
jq_check "families with their types" "$PJ" '
	.families.aoe_xdp_device_requests == "counter" and
	.families.aoe_xdp_device_write_bytes == "counter" and
	.families.aoe_xdp_device_up == "gauge" and .families.aoe_xdp_device == "info" and
	.families.aoe_xdp_device_pool_size == "gauge" and
	.families.aoe_xdp_device_guard_in_doubt == "gauge" and
	.families.aoe_xdp_target_rtt_seconds == "gauge" and
	.families.aoe_xdp_target_maxout == "gauge" and
	.families.aoe_xdp_target_retransmits == "counter" and
	.families.aoe_xdp_interface_mtu == "gauge" and
	.families.aoe_xdp_socket_tx_frames == "counter" and
	.families.aoe_xdp_xdp_aoe_responses == "counter" and
	.families.aoe_xdp_received_frames == "counter"'
# sample NAME LABEL-FILTER: the value of the one sample that matches.
jq_check "device samples are labelled by device, with stat's numbers" "$PJ" \
	--slurpfile st "$TMP/stat.json" '
	($st[0].devices[] | select(.name == "e1.1")) as $d |
	[.samples[] | select(.name == "aoe_xdp_device_write_bytes_total" and
	                     .labels.device == "e1.1") | .value] == [$d.write_bytes] and
	[.samples[] | select(.name == "aoe_xdp_device_requests_total") | .labels.device] ==
	  ["e1.1", "e1.2"] and
	[.samples[] | select(.name == "aoe_xdp_device_up" and .labels.device == "e1.1") |
	 .value] == [1]'
jq_check "the info sample carries state and export" "$PJ" --arg f "$(fuse_file e1.1)" '
	[.samples[] | select(.name == "aoe_xdp_device_info" and .labels.device == "e1.1") |
	 .labels.state == "up" and .labels.export == $f] == [true]'
jq_check "target gauges labelled by device and target MAC; RTT in seconds" "$PJ" \
	--arg mac "$TMAC" '
	[.samples[] | select(.name == "aoe_xdp_target_rtt_seconds")] as $r |
	($r | length) == 2 and all($r[]; .labels.target == $mac and .value > 0 and .value < 1)'
jq_check "interface, socket and XDP counters labelled by interface" "$PJ" --arg i "$I0" '
	([.samples[] | select(.name == "aoe_xdp_interface_mtu") | .labels.interface] == [$i]) and
	([.samples[] | select(.name == "aoe_xdp_socket_rx_frames_total") |
	  .labels.interface == $i and .labels.queue == "0" and .value > 0] | all) and
	([.samples[] | select(.name == "aoe_xdp_xdp_redirected_total") | .value > 0] == [true])'
jq_check "stage times per request: a sample per stage, stat's counts (FUSE: no ublk stages)" \
	"$PJ" --slurpfile st "$TMP/stat.json" '
	[.samples[] | select(.name == "aoe_xdp_stage_count_total") | .labels.stage] ==
	  ["front", "queue", "resend", "tx", "kick", "wire", "complete", "commit"] and
	[.samples[] | select(.name == "aoe_xdp_stage_count_total" and .labels.stage == "wire") |
	 .value > 0 and .value <= $st[0].stages.wire.count] == [true] and
	[.samples[] | select(.name == "aoe_xdp_stage_sum_ns_total" and .labels.stage == "wire") |
	 .value > 0] == [true] and
	$st[0].stages.front.count == 0 and $st[0].stages.commit.count == 0'
timeout 10 "$AOE_XDP" stat --prometheus --json >/dev/null 2>&1
check "stat --prometheus --json is a usage error (exit 2)" test $? -eq 2

# --- /metrics over HTTP ---------------------------------------------------------------
# get PATH [METHOD]: "STATUS CONTENT-TYPE" on stdout, the body in $TMP/body.
get() {
	innet ini $PY - "$PORT" "$1" "${2:-GET}" "$TMP/body" <<'EOF'
import http.client, sys
port, path, method, out = sys.argv[1:5]
c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=5)
c.request(method, path)
r = c.getresponse()
open(out, "wb").write(r.read())
print(r.status, r.getheader("Content-Type"))
EOF
}
# An idle client: connected, says nothing (until the daemon closes it).
innet ini $PY -c "
import socket, time
s = socket.create_connection(('127.0.0.1', $PORT)); time.sleep(8)" &
IDLE=$!
PIDS+=("$IDLE")
sleep 0.3
out=$(get /metrics)
check "GET /metrics: 200, application/openmetrics-text ($out)" \
	test "$out" = "200 application/openmetrics-text; version=1.0.0; charset=utf-8"
cp "$TMP/body" "$TMP/http.prom"
check "... while another client is connected and idle; the parser accepts it" prom "$TMP/http.prom"
jq_check "... with the devices and interface" "$TMP/http.prom.json" --arg i "$I0" '
	([.samples[] | select(.name == "aoe_xdp_device_requests_total") | .labels.device] ==
	 ["e1.1", "e1.2"]) and
	([.samples[] | select(.name == "aoe_xdp_interface_queues") | .labels.interface] == [$i])'
out=$(get /other)
check "GET /other: 404 ($out)" test "${out%% *}" = 404
out=$(get /metrics POST)
check "POST /metrics: 405 ($out)" test "${out%% *}" = 405
io_done
