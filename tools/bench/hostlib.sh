# shellcheck shell=bash
# The engine against xsk-rtt on this host: set-up and runs shared by
# tools/bench/host.sh (make bench-host) and tests/net/test_bench_smoke.sh.
# Sourced after tests/net/lib.sh; needs AOE_XDP, AOE_TARGET, RTT, OUT,
# SECONDS_RUN, REPEAT. Each run appends one line to $OUT/rows:
#   TEST SIDE FRAMES_PER_S P50_NS P99_NS
# and each engine run one to $OUT/costs (the loop's counters over the run):
#   TEST IOS PASSES SLEEPS SUBMITS SPINS KICKS FILL_WAKEUPS TX_FRAMES COPIES
# and one to $OUT/stages (where requests' time went: stat's .stages):
#   TEST then COUNT SUM_NS for each of HOST_STAGES

# host_setup: namespaces, two veth pairs, a target on each (AF_XDP unless
# HOST_TARGET_IO says otherwise: AF_PACKET's target is slower than the
# engine), the daemon on the first pair with e1.1 up.
# shellcheck disable=SC2034 # I0.. are lib.sh's names
host_setup() {
	ns_add ini
	ns_add tgt
	case_wire 0 && I0=$WIRE_I T0=$WIRE_T
	case_wire 1 && I1=$WIRE_I T1=$WIRE_T
	T1_MAC=$(mac_of tgt "$T1")
	# shellcheck disable=SC2086 # options are words
	target_start tgt -i "$T0" --io "${HOST_TARGET_IO:-xdp}" ${HOST_TARGET_OPTS:-} 1.1:ram:64M
	TGT0_PID=$LAST_PID TGT0_LOG=$LAST_LOG
	# shellcheck disable=SC2086
	target_start tgt -i "$T1" --io "${HOST_TARGET_IO:-xdp}" ${HOST_TARGET_OPTS:-} 1.1:ram:64M
	TGT1_PID=$LAST_PID TGT1_LOG=$LAST_LOG
	# shellcheck disable=SC2086
	daemon_start ini --export none --timeout 3 ${HOST_ATTACH_OPTS:-} "$I0" >"$OUT/attach.log" 2>&1 ||
		{ cat "$OUT/attach.log"; echo "bench-host: attach $I0 failed" >&2; return 1; }
	wait_for 5 host_dev_up || { echo "bench-host: e1.1 not up on $I0" >&2; return 1; }
}

host_dev_up() { [ "$("$AOE_XDP" stat --json | jq -r '.devices[0].state')" = up ]; }

# The counters of a stat --json snapshot that say what a request costs.
HOST_COSTS='[.loop.passes, .loop.sleeps, .loop.submits, .loop.spins,
	([.interfaces[].sockets[].tx_kicks] | add), ([.interfaces[].sockets[].fill_wakeups] | add),
	([.interfaces[].sockets[].tx_frames] | add), .loop.copies]'

# The stages of a request, in order (engine.h, enum engine_stage).
HOST_STAGES='["front", "queue", "resend", "tx", "kick", "wire", "complete", "commit"]'

# host_stages_delta TEST BEFORE AFTER: one line of $OUT/stages.
host_stages_delta() {
	jq -rn --arg t "$1" --slurpfile b "$2" --slurpfile a "$3" "[\$t] + ($HOST_STAGES |
		map(. as \$s | (\$a[0].stages[\$s].count - \$b[0].stages[\$s].count),
		    (\$a[0].stages[\$s].sum_ns - \$b[0].stages[\$s].sum_ns))) |
		map(tostring) | join(\" \")" >>"$OUT/stages"
}

# host_stages_table: average microseconds per stage over a test's engine
# runs ("-": a stage no request went through), and their sum.
host_stages_table() {
	echo "| test | front end | queue | resend | TX (on the ring) | kick (sendto) | wire | completion | commit | sum (us per request) |"
	echo "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
	awk '{ if (!($1 in seen)) { seen[$1] = 1; order[++k] = $1 } nf = NF; for (i = 2; i <= NF; i++) v[$1, i] += $i }
	END { for (j = 1; j <= k; j++) { t = order[j]; line = "| " t; sum = 0
		for (i = 2; i < nf; i += 2) {
			if (v[t, i]) { a = v[t, i + 1] / v[t, i] / 1e3; sum += a; line = line sprintf(" | %.1f", a) }
			else line = line " | -"
		}
		printf "%s | %.1f |\n", line, sum } }' "$OUT/stages"
}

# host_engine TEST QD I: one engine run (1 KiB random reads at depth QD).
host_engine() {
	local f=$OUT/$1-engine-$3.json
	"$AOE_XDP" stat --json >"$f.before" 2>/dev/null
	timeout $((SECONDS_RUN + 20)) "$AOE_XDP" bench e1.1 --rw randread --bs 1024 --qd "$2" \
		--seconds "$SECONDS_RUN" --size-mb 4 --json >"$f" 2>"$f.err" || return 1
	"$AOE_XDP" stat --json >"$f.after" 2>/dev/null
	jq -r --arg t "$1" '"\($t) engine \(.iops) \(.lat_p50_ns) \(.lat_p99_ns)"' "$f" >>"$OUT/rows"
	jq -rn --arg t "$1" --slurpfile a "$f.after" --slurpfile b "$f.before" --slurpfile r "$f" \
		"def costs: $HOST_COSTS; (\$a[0] | costs) as \$x | (\$b[0] | costs) as \$y |
		 [\$t, \$r[0].ios] + [range(\$x | length) as \$i | \$x[\$i] - \$y[\$i]] |
		 map(tostring) | join(\" \")" >>"$OUT/costs"
	host_stages_delta "$1" "$f.before" "$f.after"
}

# host_raw TEST QD I [xsk-rtt mode and arguments]: one xsk-rtt run.
host_raw() {
	local t=$1 qd=$2 i=$3 f=$OUT/$1-raw-$3.json
	shift 3
	[ $# -gt 0 ] || set -- aoe "$I1" "$T1_MAC" 1.1 -n 2
	in_ns ini timeout $((SECONDS_RUN + 20)) "$RTT" "$@" -w "$qd" -s "$SECONDS_RUN" --json \
		>"$f" 2>"$f.err" || return 1
	jq -r --arg t "$t" '"\($t) raw \(.frames_per_s) \(.lat_p50_ns) \(.lat_p99_ns)"' "$f" >>"$OUT/rows"
}

# host_compare TEST QD: engine and raw, A B B A, REPEAT times.
host_compare() {
	local r
	for r in $(seq "$REPEAT"); do
		host_engine "$1" "$2" "a$r" || echo "bench-host: engine run $1 a$r failed" >&2
		host_raw "$1" "$2" "a$r" || echo "bench-host: raw run $1 a$r failed" >&2
		host_raw "$1" "$2" "b$r" || echo "bench-host: raw run $1 b$r failed" >&2
		host_engine "$1" "$2" "b$r" || echo "bench-host: engine run $1 b$r failed" >&2
	done
}

# host_strace TEST QD: one more engine run with strace -c on the daemon
# (its system calls by count and time; slows it: not in the table).
host_strace() {
	local f=$OUT/$1-strace.txt
	command -v strace >/dev/null || { echo "bench-host: no strace, no $f" >&2; return 0; }
	strace -c -f -p "$DAEMON_PID" -o "$f" &
	local spid=$!
	sleep 0.5
	timeout $((SECONDS_RUN + 20)) "$AOE_XDP" bench e1.1 --rw randread --bs 1024 --qd "$2" \
		--seconds "$SECONDS_RUN" --size-mb 4 --json >"$OUT/$1-strace.json" 2>&1
	kill -INT "$spid"
	wait "$spid" 2>/dev/null
}

# host_target_rates: stop both targets; their own rates (answers a second
# while requests came) into $OUT/target-rates.
host_target_rates() {
	local pid log
	for pid in "$TGT0_PID" "$TGT1_PID"; do
		kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	done
	for log in "$TGT0_LOG" "$TGT1_LOG"; do
		grep -h 'exiting:' "$log"
	done | sed 's/^aoe-target: exiting: //' >"$OUT/target-rates"
}

# host_ceiling NAME QD...: the XDP_TX reflector on t1 (its target stopped
# first: one XDP program an interface) and xsk-rtt pinging it with the
# answer frames' size (1060 bytes), at each depth.
host_ceiling() {
	local name=$1 qd r pid
	shift
	host_target_rates
	bg tgt "$RTT" reflect "$T1"
	pid=$LAST_PID
	wait_log 5 "$LAST_LOG" "reflecting" || { cat "$LAST_LOG"; return 1; }
	for qd; do
		for r in $(seq $((2 * REPEAT))); do
			host_raw "$name-qd$qd" "$qd" "$r" ping "$I1" "$T1_MAC" -b 1060 ||
				echo "bench-host: reflector run qd$qd $r failed" >&2
		done
	done
	kill -TERM "$pid"
	wait "$pid" 2>/dev/null
}

# host_stats TEST SIDE COLUMN: "mean min max" of a column (3 fps, 4 p50,
# 5 p99) over the runs of TEST by SIDE.
host_stats() {
	awk -v t="$1" -v s="$2" -v c="$3" '$1 == t && $2 == s {
		v = $c + 0; sum += v; n++
		if (n == 1 || v < lo) lo = v
		if (n == 1 || v > hi) hi = v
	} END { if (n) printf "%.0f %.0f %.0f\n", sum / n, lo, hi; else print "0 0 0" }' "$OUT/rows"
}

# host_ratio A B: A / B to two decimals ("-" when B is 0).
host_ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }'; }

host_cell() { echo "$1 ($2-$3)"; }
host_us() { awk -v a="$1" -v b="$2" -v c="$3" 'BEGIN { printf "%.1f (%.1f-%.1f)", a / 1e3, b / 1e3, c / 1e3 }'; }

# host_row TEST: one line of the table.
host_row() {
	local e r ep er e9 r9
	read -r -a e <<<"$(host_stats "$1" engine 3)"
	read -r -a r <<<"$(host_stats "$1" raw 3)"
	read -r -a ep <<<"$(host_stats "$1" engine 4)"
	read -r -a er <<<"$(host_stats "$1" raw 4)"
	read -r -a e9 <<<"$(host_stats "$1" engine 5)"
	read -r -a r9 <<<"$(host_stats "$1" raw 5)"
	echo "| $1 | $(host_cell "${e[@]}") | $(host_cell "${r[@]}") | $(host_ratio "${e[0]}" "${r[0]}") |" \
		"$(host_us "${ep[@]}") | $(host_us "${er[@]}") | $(host_ratio "${ep[0]}" "${er[0]}") |" \
		"$(host_us "${e9[@]}") | $(host_us "${r9[@]}") |"
}

# host_costs_table: per request, summed over a test's engine runs, and
# xsk-rtt's system calls per frame next to them.
host_costs_table() {
	echo "| test | loop passes | sleeps (wake-ups) | io_uring_enter without wait | busy-poll hits | TX kicks (sendto) | fill wake-ups (recvfrom) | frames per kick | payload copies | raw: sendto per frame | raw: poll per frame |"
	echo "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
	awk '{ n[$1] += $2; for (i = 3; i <= 10; i++) c[$1, i] += $i; if (!($1 in seen)) { seen[$1] = 1; order[++k] = $1 } }
	END { for (j = 1; j <= k; j++) { t = order[j]; if (!n[t]) continue
		printf "%s %.2f %.2f %.2f %.2f %.2f %.2f %.1f %.2f\n", t, c[t,3]/n[t], c[t,4]/n[t], c[t,5]/n[t],
			c[t,6]/n[t], c[t,7]/n[t], c[t,8]/n[t], c[t,7] ? c[t,9]/c[t,7] : 0, c[t,10]/n[t] } }' \
		"$OUT/costs" | while read -r t rest; do
		echo "| $t | ${rest// / | } | $(host_raw_costs "$t") |"
	done
}

# host_raw_costs TEST: "sendto per frame | poll per frame" of xsk-rtt's runs.
host_raw_costs() {
	cat "$OUT/$1"-raw-*.json 2>/dev/null | jq -rs '
		(map(.answers) | add) as $n | if ($n // 0) == 0 then "- | -" else
		"\((map(.kicks) | add) / $n * 100 | round / 100) | \((map(.polls) | add) / $n * 100 | round / 100)" end'
}

# host_ratios: "label ratio low high" per test (tools/bench/chart.sh):
# frames/s engine/raw, and p50 latency raw/engine (above 1: the engine is
# faster); low and high pair the worst and best runs of each side.
host_ratios() {
	local t e r ep er
	for t in $(awk '$2 == "engine" { print $1 }' "$OUT/rows" | uniq); do
		read -r -a e <<<"$(host_stats "$t" engine 3)"
		read -r -a r <<<"$(host_stats "$t" raw 3)"
		read -r -a ep <<<"$(host_stats "$t" engine 4)"
		read -r -a er <<<"$(host_stats "$t" raw 4)"
		printf '%s frames/s\t%s\t%s\t%s\n' "$t" "$(host_ratio "${e[0]}" "${r[0]}")" \
			"$(host_ratio "${e[1]}" "${r[2]}")" "$(host_ratio "${e[2]}" "${r[1]}")"
		printf '%s p50 (raw/engine)\t%s\t%s\t%s\n' "$t" "$(host_ratio "${er[0]}" "${ep[0]}")" \
			"$(host_ratio "${er[1]}" "${ep[2]}")" "$(host_ratio "${er[2]}" "${ep[1]}")"
	done
}

host_table() {
	local t c p p9
	echo "| test | engine frames/s | raw frames/s | engine/raw | engine p50 us | raw p50 us | p50 engine/raw | engine p99 us | raw p99 us |"
	echo "|---|--:|--:|--:|--:|--:|--:|--:|--:|"
	for t in $(awk '$2 == "engine" { print $1 }' "$OUT/rows" | uniq); do
		host_row "$t"
	done
	echo
	echo "| XDP_TX reflector (no user space on the far side) | frames/s | p50 us | p99 us |"
	echo "|---|--:|--:|--:|"
	for t in $(awk '$1 ~ /^reflector/ { print $1 }' "$OUT/rows" | uniq); do
		read -r -a c <<<"$(host_stats "$t" raw 3)"
		read -r -a p <<<"$(host_stats "$t" raw 4)"
		read -r -a p9 <<<"$(host_stats "$t" raw 5)"
		echo "| $t | $(host_cell "${c[@]}") | $(host_us "${p[@]}") | $(host_us "${p9[@]}") |"
	done
}
