#!/bin/bash
# Turns a bench results folder (results.jsonl, meta.json, notes.txt, written
# by tools/bench/guest.sh) into the markdown report on stdout.
#
#   tools/bench/report.sh build/bench > build/bench/results.md
set -u
OUT=${1:?usage: report.sh RESULTS_FOLDER}

jq -r -s --slurpfile meta "$OUT/meta.json" --rawfile notes "$OUT/notes.txt" '
def num(d): if . == null then "n/a" else (. * pow(10; d) | round / pow(10; d) | tostring) end;
def fig: if . == null then "n/a" elif . >= 100 then num(0) else num(1) end;
def ratio(a; b): if a == null or b == null or b == 0 then "n/a" else (a / b | num(2)) end;
def row: "| " + join(" | ") + " |";
# One driver'"'"'s runs of one test: mean, range, counters summed.
def runs: [.[] | .value | select(. != null)] as $v
  | {mean: (if ($v | length) > 0 then ($v | add / length) else null end),
     min: ($v | min), max: ($v | max), n: ($v | length),
     retransmits: (if any(.[]; .retransmits != null) then [.[].retransmits // 0] | add else null end),
     false_alarms: ([.[].false_alarms // 0] | add),
     cpu: ([.[].cpu_us_per_io | values] | if length > 0 then add / length else null end),
     tcpu: ([.[].target_cpu_us_per_io | values] | if length > 0 then add / length else null end),
     dcpu: ([.[].daemon_cpu_us_per_io | values] | if length > 0 then add / length else null end)};
def pct(a; b): if a == null or b == null or b == 0 then "n/a" else (100 * a / b | num(1)) + "%" end;
def sum(f): if any(.[]; f != null) then [.[] | f // 0] | add else null end;
# Runs where fio reported a failure: an exit status or job error other than
# 0, or no count of failed I/Os (fio counts them with --continue_on_error).
def troubled: [.[] | select(.fio_exit != 0 or .fio_error != 0 or .failed_ios == null)] | length;
def failed_cell: if length == 0 then "n/a"
  else "\(sum(.failed_ios) // 0) of \(sum(.total_ios) // 0)"
    + (troubled as $t | if $t > 0 then ", \($t) run(s) with a fio error" else "" end) end;
def state(f): map(f) | last;
def cell: if .n > 1 then "\(.mean | fig) (\(.min | fig)-\(.max | fig))" else (.mean | fig) end;

# The loss round: one row per loss level and test.
def loss_section($lossy; $seconds):
  ($lossy | map(.loss) | unique) as $levels
  | (reduce ($lossy[] | .test) as $t ([]; if any(.[]; . == $t) then . else . + [$t] end)) as $tests
  | ($lossy | map(select(.fio_exit != 0 or .fio_error != 0 or .failed_ios != 0)) | length) as $bad
  | "## Under loss",
    "",
    "MTU 1500, a wire of its own built as above; netem drops frames at random, the same share each way for both drivers: on the egress of the bridge ports bx and bk (target to initiator) and, through an ifb device that each port'"'"'s ingress is redirected to, on what each initiator sends (netem on i0 would not do: aoe-xdp'"'"'s AF_XDP frames leave past any qdisc there). Both initiators stay attached for all levels; only the loss changes. fio as above plus `--continue_on_error=io`, so that every failed request is counted." + (if $seconds then " The loss round took \($seconds) s." else "" end),
    "",
    "Own 0%: the driver'"'"'s rate at this loss over its own rate at 0% (same round). aoe-xdp retransmits (false alarms): as above. Kernel resends: frames sent on k0 minus the ATA frames the driver built (debugfs r: and w:; it counts no resends itself), summed over the runs. netem dropped: the share of the frames of that driver'"'"'s runs netem dropped, both ways (aoe-xdp / kernel). Failed requests: fio'"'"'s failed I/Os of all I/Os, summed over the runs. Window, RTO, RTT: after the last run (aoe-xdp: `maxout`, `rto_us`, `rtt_us` of `aoe-xdp stat --json`; kernel: maxout in /sys/kernel/debug/aoe/e1.1, whose rttavg results.jsonl keeps as debugfs_rttavg).",
    "",
    (["loss", "test", "unit", "aoe-xdp", "kernel aoe", "aoe-xdp/kernel", "aoe-xdp own 0%", "kernel own 0%",
      "aoe-xdp retransmits (false alarms)", "kernel resends", "netem dropped", "failed requests aoe-xdp", "failed requests kernel",
      "aoe-xdp window, RTO, RTT", "kernel window"] | row),
    ("|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"),
    ($levels[] as $loss | $tests[] as $test
      | [$lossy[] | select(.loss == $loss and .test == $test)] | select(length > 0)
      | map(select(.driver == "aoe-xdp")) as $xr
      | map(select(.driver == "kernel")) as $kr
      | ($xr | runs) as $x | ($kr | runs) as $k
      | ([$lossy[] | select(.loss == 0 and .test == $test and .driver == "aoe-xdp")] | runs) as $x0
      | ([$lossy[] | select(.loss == 0 and .test == $test and .driver == "kernel")] | runs) as $k0
      | [("\($loss)%"), $test, .[0].unit, ($x | cell), ($k | cell), ratio($x.mean; $k.mean),
         ratio($x.mean; $x0.mean), ratio($k.mean; $k0.mean),
         (if $x.retransmits == null then "n/a" else "\($x.retransmits) (\($x.false_alarms))" end),
         ($kr | sum(.resends) // "n/a" | tostring),
         "\(pct($xr | sum(.netem_dropped); $xr | sum(.netem_frames))) / \(pct($kr | sum(.netem_dropped); $kr | sum(.netem_frames)))",
         ($xr | failed_cell), ($kr | failed_cell),
         ($xr | if length == 0 then "n/a" else "\(state(.window) // "n/a"), \(state(.rto_us) | if . == null then "n/a" else (. / 1000 | num(1)) + " ms" end), \(state(.rtt_us) | if . == null then "n/a" else (. / 1000 | num(2)) + " ms" end)" end),
         ($kr | if length == 0 then "n/a" else "\(state(.window) // "n/a")" end)]
      | row),
    "",
    (if $bad == 0 then "No request failed: in each of the \($lossy | length) runs above fio exited 0 with job error 0 and counted 0 failed I/Os."
     else "Requests failed or fio reported an error in \($bad) of the \($lossy | length) runs: see the failed-request columns and the *.fio.json files." end),
    "",
    "The goals of issue 12 under loss, for reference: at 1% each way, at least 80% of aoe-xdp'"'"'s own lossless rate and at least 1.5x the kernel driver; at 3%, at least 1.5x the kernel driver; no request failed.",
    "";
$meta[0] as $m
| (map(select(.kind == "fio" and .loss == null))) as $fio
| (map(select(.kind == "fio" and .loss != null))) as $lossy
| ([.[] | select(.kind == "round" and .name == "loss") | .seconds][0]) as $loss_seconds
| (map(select(.kind == "payload"))) as $payload
| (map(select(.kind == "link"))) as $link
| (map(select(.kind == "idle"))) as $idle
| ($fio | map(.mtu) | unique) as $mtus
| (reduce ($fio[] | .test) as $t ([]; if any(.[]; . == $t) then . else . + [$t] end)) as $tests
| [
  "# aoe-xdp vs the kernel aoe driver",
  "",
  "VM: kernel \($m.kernel), \($m.cpus) vCPUs, \($m.mem_mb) MiB, accelerator \($m.accel)" +
    (if $m.accel == "tcg" then " (emulated CPU: absolute figures are tiny, compare ratios)" else "" end) + ".",
  "Target: `\($m.target)` on a bridge in its own namespace; aoe-xdp (its own namespace) and the kernel driver (root namespace) each on a veth pair into that bridge, same MTU everywhere, both attached for the whole round; each test runs on one device at a time, the two alternating which goes first (see tools/bench/guest.sh).",
  "",
  "Command: `\($m.command)`",
  "",
  "Each test: `\($m.fio)`",
  "",
  "aoe-xdp: `\($m.aoe_xdp)`, fio on /dev/ublkbN; kernel: `modprobe aoe`, `echo \($m.kernel_if) > /dev/etherd/interfaces`, fio on /dev/etherd/e1.1.",
  "",
  (if ($mtus | length) == 0 then ("## Results", "", "No MTU round in this run (BENCH_MTUS was empty).", "") else (
  "## Results",
  "",
  "Under TCG on a shared host the guest'"'"'s speed drifts, at times by a factor of two or three within minutes: a ratio whose two ranges overlap is not a difference.",
  "",
  "Each figure is the mean of \($m.repeat) runs (their range in brackets), run A B B A between the two devices; the ratio compares the means. aoe-xdp retransmits: frames aoe-xdp sent again during the test (from `aoe-xdp stat --json`, per-target counters, after minus before, summed over the runs); false alarms: retransmits whose first answer came after all.",
  "",
  (["MTU", "test", "unit", "aoe-xdp", "kernel aoe", "aoe-xdp/kernel", "aoe-xdp retransmits (false alarms)", "VM CPU us per I/O: aoe-xdp / kernel", "of it aoe-target", "of it the aoe-xdp daemon"] | row),
  ("|---|---|---|--:|--:|--:|--:|--:|--:|--:|"),
  ($mtus[] as $mtu | $tests[] as $test
    | [$fio[] | select(.mtu == $mtu and .test == $test)] | select(length > 0)
    | (map(select(.driver == "aoe-xdp")) | runs) as $x
    | (map(select(.driver == "kernel")) | runs) as $k
    | [($mtu | tostring), $test, .[0].unit, ($x | cell), ($k | cell), ratio($x.mean; $k.mean),
       (if $x.retransmits == null then "n/a" else "\($x.retransmits) (\($x.false_alarms))" end),
       "\($x.cpu | fig) / \($k.cpu | fig)", "\($x.tcpu | fig) / \($k.tcpu | fig)", ($x.dcpu | fig)]
    | row),
  "",
  "VM CPU per I/O: the guest'"'"'s busy CPU time during the fio run (/proc/stat: user, system, irq, softirq, steal; both vCPUs) divided by the I/Os done, so fio, the block layer, the initiator and the target together (with both initiators attached and no I/O the guest kept \([$idle[] | "\(.vcpus_busy | num(2)) vCPUs busy at MTU \(.mtu)"] | if length > 0 then join(", ") else "n/a" end): that floor is in every figure): where the two drivers differ is the initiator'"'"'s cost. Of it: aoe-target'"'"'s and the aoe-xdp daemon'"'"'s own CPU time (/proc/PID/stat, user and system; the softirq work of the network stack is in neither), per I/O alike. All three over fio'"'"'s whole run (ramp included) divided by the I/Os of its measured part at the same rate.",
  "",
  "Payload per AoE frame (measured: `aoe-xdp stat` and /sys/block/etherd!e1.1/payload):",
  "",
  ($mtus[] as $mtu
    | "- MTU \($mtu): " + ([$payload[] | select(.mtu == $mtu)
        | "\(if .driver == "kernel" then "kernel aoe" else .driver end) \(.bytes) bytes (\(.bytes / 512) sectors)"]
        | join(", "))),
  "",
  "aoe-xdp spreads a jumbo frame over several 4 KiB UMEM chunks (multi-buffer AF_XDP), so both carry what the MTU allows. Where one driver carried more per frame than the other, the other needs that many more frames for the same data:",
  "",
  ($mtus[] as $mtu
    | ([$payload[] | select(.mtu == $mtu and .driver == "aoe-xdp") | .bytes][0]) as $x
    | ([$payload[] | select(.mtu == $mtu and .driver == "kernel") | .bytes][0]) as $k
    | select($x != null and $k != null and $k != $x)
    | "- MTU \($mtu): \($k / $x | num(2)) times fewer frames for the kernel driver"),
  ""
  ) end),
  (if ($lossy | length) > 0 then loss_section($lossy; $loss_seconds) else empty end),
  (if ($link | length) == 0 then empty else (
  "## The link alone",
  "",
  "AoE reads answered per second by the same aoe-target over the same wire (from aoe-xdp'"'"'s interface), measured with aoe-probe burst (tests/net/aoe_probe.c built with -O2: a minimal AF_PACKET initiator, sendmmsg/recvmmsg, no block layer, no retransmits) keeping 64 reads outstanding (then 1, for the round trip a QD1 test cannot beat), at the end of each round once both initiators had let go (aoe-xdp detached, the kernel device flushed). Payload MB/s = answers/s x sectors x 512: what this simple initiator gets at that payload per frame. It is a reference, not a ceiling: the probe shares the guest'"'"'s two vCPUs with the target like any initiator, and an initiator that batches better can pass it.",
  "",
  (["MTU", "sectors per read", "reads outstanding", "answers/s", "payload MB/s"] | row),
  ("|---|--:|--:|--:|--:|"),
  ($link[] | [(.mtu | tostring), (.sectors | tostring), (.depth | tostring), (.answers_per_s | fig),
              (.mb_per_s | fig)] | row),
  ""
  ) end),
  (if ($notes | length) > 0 then "## Notes\n\n" + ($notes | split("\n") | map(select(length > 0) | "- " + .) | join("\n")) + "\n" else empty end),
  "Raw data next to this file: *.fio.json (fio), *.stat-before.json and *.stat.json (aoe-xdp stat --json around each aoe-xdp test), *.kernel-before.json and *.kernel.json (the kernel driver'"'"'s debugfs state and k0'"'"'s frames sent around each kernel test), loss*.netem-before.json and loss*.netem.json (netem'"'"'s counters around each loss test), *.links.json (veth counters, drops included), *-aoe-target.json (the target'"'"'s counters), results.jsonl (every figure above, with aoe-xdp'"'"'s RTT and RTO after each test), dmesg.txt."
] | .[]' "$OUT/results.jsonl"

# Where aoe-xdp's requests spent their time in the QD1 and QD32 tests: its
# stage counters (aoe-xdp stat --json, .stages) after minus before each
# test, summed over the runs; average microseconds per request and stage.
stages_report() {
	local f base name
	for f in "$OUT"/mtu*-aoe-xdp-*-qd1-*.stat.json "$OUT"/mtu*-aoe-xdp-*-qd32-*.stat.json; do
		base=${f%.stat.json}
		[ -e "$f" ] || continue
		[ -e "$base.stat-before.json" ] || continue
		name=${base##*/mtu}
		jq -c --slurpfile b "$base.stat-before.json" --arg mtu "${name%%-*}" \
			--slurpfile fio <(jq -c '[.jobs[0] | .read, .write | select(.io_bytes > 0) |
				.lat_ns.mean][0]' "$base.fio.json" 2>/dev/null || echo null) \
			--arg test "$(sed -E 's/^[0-9]+-aoe-xdp-(.*)-[0-9]+$/\1/' <<<"$name")" '
			{mtu: ($mtu | tonumber), test: $test, fio_lat_ns: ($fio[0] // null), stages: (.stages | to_entries | map(.key as $s |
			 {key: $s, value: {count: (.value.count - $b[0].stages[$s].count),
			  sum_ns: (.value.sum_ns - $b[0].stages[$s].sum_ns)}}) | from_entries)}' "$f"
	done | jq -rs '
	def avg(s): [.[].stages[s]] | (map(.count) | add) as $n |
		if $n > 0 then (map(.sum_ns) | add) / $n / 1e3 else null end;
	def us: if . == null then "-" else (. * 10 | round / 10 | tostring) end;
	["front", "queue", "resend", "tx", "kick", "wire", "complete", "commit"] as $st
	| select(length > 0)
	| "## Where a request'"'"'s time goes (aoe-xdp)\n",
	  "Stage counters of `aoe-xdp stat --json` (.stages), after minus before each test, summed over its runs: average microseconds per request (engine.h, enum engine_stage). ublk fetch->submit: the FETCH completion read to engine_submit(); queue: to its frame on the TX ring (the frame answered last); resend: from that frame'"'"'s first send to its last (losses, timeouts); TX: to the start of the pass'"'"'s kick (the rest of the loop pass); kick: the sendto calls that sent it; wire: to its answer read from the RX ring (target and wake-up included); completion: to done(); commit: to COMMIT_AND_FETCH submitted. Multi-frame requests: TX and wire of the frame answered last.\n",
	  "Sum: the stages added up, aoe-xdp'"'"'s part of a request; fio: its mean latency (the rest is the kernel'"'"'s and fio'"'"'s part: the block layer, ublk between COMMIT and the next FETCH).\n",
	  "| MTU | test | ublk fetch->submit | queue | resend | TX (on the ring) | kick (sendto) | wire | completion | commit | sum | fio mean latency |",
	  "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
	  (group_by([.mtu, .test])[] | [$st[] as $s | avg($s)] as $a
	   | ([.[].fio_lat_ns | values] | if length > 0 then add / length / 1e3 else null end) as $fio
	   | "| \(.[0].mtu) | \(.[0].test) | " + ($a | map(us) | join(" | ")) +
	     " | \([$a[] | values] | add | us) | \($fio | us) |"),
	  ""'
}
stages_report
