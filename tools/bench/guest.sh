#!/bin/bash
# The measuring half of `make bench`: tools/bench/run.sh boots the VM once and
# runs this inside it (VM_GUEST=1). Results go to $BENCH_OUT (build/bench,
# shared writable with the host): raw fio JSON, aoe-xdp stat snapshots, link
# and target counters, results.jsonl (one line per measurement) and
# results.md (the table).
#
# One round per MTU, each on a fresh wire with a fresh aoe-target:
#
#   namespace bench-tgt: bridge br0 <- aoe-target (ram:512M) serves here
#                         |       |
#                         bx      bk           (veth pairs, all at the MTU)
#                         |       |
#   namespace bench-ini: i0      k0 :root namespace
#                   aoe-xdp      kernel aoe driver
#
# Why two interfaces and two namespaces: the kernel aoe driver only listens
# in the root namespace and, told `echo k0 > /dev/etherd/interfaces`, only
# on k0; it never sees i0. aoe-xdp's XDP program sits on i0 alone. The
# bridge learns both initiators' MACs, so each gets only its own answers;
# the broadcasts either sends (discovery) reach the other as AoE requests,
# which both ignore. So both initiators stay attached to the same target
# for the whole round and the tests interleave (aoe-xdp then kernel for one
# test, kernel then aoe-xdp for the next): a TCG guest on a shared host
# drifts in speed, and interleaving spreads the drift over both columns.
# Only one fio runs at a time.
#
# Before the first measurement of a round the whole disk is written once
# (not measured): aoe-target's RAM backing gets its pages on first write, and
# whoever wrote first would otherwise pay the page faults for the other.
#
# The link's own rate is probed at the end of a round, once both initiators
# let go of the target (aoe-xdp detached, the kernel's device flushed).
#
# Then the loss round (BENCH_LOSS, percent each way, "0 1 3" by default; empty
# skips it): MTU 1500, the same wire, both initiators attached throughout,
# the disk written once, then for each loss level the same netem loss on
# every frame in both directions for both initiators, set up inside
# bench-tgt (see loss_wire_up), and the tests of LOSS_TESTS. fio runs there
# with --continue_on_error=io so that a failed request is counted, not just
# the first one.
# shellcheck disable=SC2016 # jq programs: their $names are jq's, not ours
set -u
cd "$(dirname "$0")/../.." || exit 1
[ "${VM_GUEST:-}" = 1 ] || { echo "bench: guest.sh runs inside the VM; use tools/bench/run.sh" >&2; exit 2; }

BUILD=${BUILD:-build}
AOE_XDP=$BUILD/aoe-xdp
AOE_TARGET=$BUILD/aoe-target
AOE_PROBE=${BENCH_PROBE:-$BUILD/tests/aoe-probe}
OUT=${BENCH_OUT:?BENCH_OUT names the results folder}
SECONDS_PER_TEST=${BENCH_SECONDS:-4}
REPEAT=${BENCH_REPEAT:-2}
RAMP_SECONDS=1
# Empty: no MTU round (e.g. the loss round alone).
MTUS=${BENCH_MTUS-1500 9000}
# Percent lost each way; empty: no loss round.
LOSSES=${BENCH_LOSS-0 1 3}
LOSS_MTU=1500
DISK_MB=512
SHELF=1
SLOT=1
DEV_NAME=e$SHELF.$SLOT
KERNEL_DEV=/dev/etherd/$DEV_NAME
KERNEL_SYSFS="/sys/block/etherd!$DEV_NAME"
NS_TGT=bench-tgt
NS_INI=bench-ini
BRIDGE=br0
IF_XDP=i0	# aoe-xdp's end, in NS_INI; its peer is BR_XDP
IF_KERNEL=k0	# the kernel driver's end, in the root namespace
BR_XDP=bx
BR_KERNEL=bk
TARGET_PIDFILE=/tmp/aoe-target.pid
# Link probe: reads with PROBE_DEPTH outstanding (aoe-target's default
# buffer count, the most it promises to queue), then one at a time (the
# round trip a QD1 test cannot beat).
PROBE_REQUESTS=20000
PROBE_DEPTH=64
PROBE_QD1_REQUESTS=2000
PROBE_WAIT_MS=2000
WAIT_TRIES=150
WAIT_POLL_SECONDS=0.1
DISCOVER_SECONDS=15
ATA_SECTOR=512

# name rw bs iodepth unit
TESTS="seqread read 1M 8 MB/s
seqwrite write 1M 8 MB/s
randread-qd1 randread 4k 1 IOPS
randread-qd32 randread 4k 32 IOPS
randwrite-qd1 randwrite 4k 1 IOPS
randwrite-qd32 randwrite 4k 32 IOPS"
# BENCH_TESTS="randread-qd1 randwrite-qd32" keeps only the tests named.
if [ -n "${BENCH_TESTS:-}" ]; then
	TESTS=$(awk -v keep=" $BENCH_TESTS " 'index(keep, " " $1 " ")' <<<"$TESTS")
	[ -n "$TESTS" ] || { echo "bench: BENCH_TESTS names no known test ($BENCH_TESTS): use seqread seqwrite randread-qd1 randread-qd32 randwrite-qd1 randwrite-qd32" >&2; exit 2; }
fi

# The loss round's tests: the issue's table (random 4K QD32 both ways, 1M
# sequential read at QD8), as far as BENCH_TESTS keeps them.
LOSS_TESTS=$(awk '$1 == "randread-qd32" || $1 == "seqread" || $1 == "randwrite-qd32"' <<<"$TESTS")
# netem for the loss, ifb to put it on a port's ingress (act_mirred,
# cls_matchall, sch_ingress redirect there): all modules of the VM's kernel.
LOSS_MODULES="sch_netem ifb act_mirred cls_matchall sch_ingress"

# A test runs SECONDS_PER_TEST: one still running long after is stuck.
FIO_TIMEOUT_SECONDS=$((SECONDS_PER_TEST + RAMP_SECONDS + 60))
FIO_KILL_SECONDS=10
# Every fio run: these plus --name --filename --rw --bs --iodepth --output.
FIO_COMMON=(--direct=1 --ioengine=io_uring --norandommap --time_based
	--runtime="$SECONDS_PER_TEST" --ramp_time="$RAMP_SECONDS" --output-format=json)

export AOE_XDP_RUN_DIR=/tmp/bench-run
# The round's file prefix (mtu1500, loss3...) and, in the loss round, the
# percent lost each way (empty elsewhere).
PREFIX=
LOSS=
LOSS_READY=	# 1 once the loss round's modules are loaded
TARGET_PID=
DAEMON_PID=
KERNEL_AOE=
XDP_DEV=
XDP_SECTORS=

say() { printf '\n== [%ss] %s\n' "$(cut -d' ' -f1 /proc/uptime)" "$*"; }
note() { echo "$*" >>"$OUT/notes.txt"; echo "note: $*"; }

# shellcheck source=tools/bench/narrate.sh
. tools/bench/narrate.sh

wait_for() { # command...
	for _ in $(seq $WAIT_TRIES); do
		"$@" 2>/dev/null && return 0
		sleep $WAIT_POLL_SECONDS
	done
	return 1
}

gone() { ! kill -0 "$1" 2>/dev/null; }

stop_pid() { # pid
	[ -n "$1" ] || return 0
	kill "$1" 2>/dev/null
	wait_for gone "$1" || kill -9 "$1" 2>/dev/null
}

jsonl() { jq -nc "$@" >>"$OUT/results.jsonl"; }

# --- the wire and the target ------------------------------------------------------

wire_up() { # mtu
	local log=$OUT/$PREFIX-aoe-target.log
	ip netns add $NS_TGT && ip netns add $NS_INI &&
		ip -n $NS_TGT link add $BRIDGE mtu "$1" type bridge &&
		ip link add $IF_XDP netns $NS_INI mtu "$1" type veth peer name $BR_XDP netns $NS_TGT mtu "$1" &&
		ip link add $IF_KERNEL mtu "$1" type veth peer name $BR_KERNEL netns $NS_TGT mtu "$1" &&
		ip -n $NS_TGT link set $BR_XDP master $BRIDGE up &&
		ip -n $NS_TGT link set $BR_KERNEL master $BRIDGE up &&
		ip -n $NS_TGT link set $BRIDGE up &&
		ip -n $NS_INI link set $IF_XDP up && ip link set $IF_KERNEL up || return 1
	ip netns exec $NS_TGT "$AOE_TARGET" -i $BRIDGE --pidfile $TARGET_PIDFILE \
		--stats-file "$OUT/$PREFIX-aoe-target.json" "$SHELF.$SLOT:ram:${DISK_MB}M" >"$log" 2>&1 &
	TARGET_PID=$!
	wait_for test -s $TARGET_PIDFILE || { cat "$log"; return 1; }
	cat "$log"
}

wire_down() {
	stop_pid "$TARGET_PID"
	TARGET_PID=
	rm -f $TARGET_PIDFILE
	# Deleting the namespaces deletes the veth pairs, k0 included.
	ip netns del $NS_TGT 2>/dev/null
	ip netns del $NS_INI 2>/dev/null
	return 0
}

# Saves the veth ends' counters (drops show up here, not in aoe-xdp).
save_links() { # file
	{
		ip -n $NS_TGT -s -j link show $BR_XDP
		ip -n $NS_TGT -s -j link show $BR_KERNEL
		ip -n $NS_INI -s -j link show $IF_XDP
		ip -s -j link show $IF_KERNEL
	} | jq -s 'map(.[0] | {ifname, mtu, stats64})' >"$1"
}

# AoE round trips the wire and target sustain with no initiator attached:
# aoe-probe (an AF_PACKET initiator) keeps DEPTH reads of SECTORS sectors
# outstanding. Answers/s times payload is the read rate an initiator with
# that payload per frame would see if it cost nothing itself.
probe_link() { # mtu sectors requests depth
	local line rate probe=(ip netns exec "$NS_INI" "$AOE_PROBE" -i "$IF_XDP" -w "$PROBE_WAIT_MS"
		burst "$3" "$4" -n "$2")
	echo "\$ $(cmdline "${probe[@]}")"
	line=$("${probe[@]}" 2>&1)
	echo "$line"
	rate=$(sed -n 's/.* rate=\([0-9]*\).*/\1/p' <<<"$line")
	jsonl --argjson mtu "$1" --argjson sectors "$2" --argjson depth "$4" --argjson rate "${rate:-null}" \
		'{kind: "link", mtu: $mtu, sectors: $sectors, depth: $depth, answers_per_s: $rate,
		  mb_per_s: (if $rate then $rate * $sectors * 512 / 1e6 else null end)}'
}

# At aoe-xdp's payload per frame and at the one aoe-target offers (the
# kernel driver's).
probe_payloads() { # mtu
	local offered
	offered=$(sed -n 's/.*: \([0-9]*\) sectors per command.*/\1/p' "$OUT/mtu$1-aoe-target.log")
	say "MTU $1: the link's own AoE answer rate"
	[ -n "$XDP_SECTORS" ] && probe_link "$1" "$XDP_SECTORS" $PROBE_REQUESTS $PROBE_DEPTH
	[ -n "$offered" ] && [ "$offered" != "$XDP_SECTORS" ] &&
		probe_link "$1" "$offered" $PROBE_REQUESTS $PROBE_DEPTH
	probe_link "$1" 1 $PROBE_QD1_REQUESTS 1
	return 0
}

payload() { # mtu driver bytes
	[[ $PREFIX != loss* ]] || return 0	# once per MTU round is enough
	jsonl --argjson mtu "$1" --arg driver "$2" --argjson bytes "$3" \
		'{kind: "payload", mtu: $mtu, driver: $driver, bytes: $bytes}'
}

# --- aoe-xdp ----------------------------------------------------------------------

xdp_attach() { # mtu
	local bytes
	say "MTU $1: aoe-xdp on $IF_XDP (namespace $NS_INI), ublk export"
	# shellcheck disable=SC2086 # BENCH_ATTACH_OPTS: words for attach
	run nsenter --net=/run/netns/$NS_INI "$AOE_XDP" attach --export ublk ${BENCH_ATTACH_OPTS:-} $IF_XDP || return 1
	DAEMON_PID=$(cat "$AOE_XDP_RUN_DIR/aoe-xdp.pid")
	XDP_DEV=$(readlink "$AOE_XDP_RUN_DIR/by-aoe/$DEV_NAME")
	if [ ! -b "$XDP_DEV" ]; then
		echo "aoe-xdp exported no $DEV_NAME"
		XDP_DEV=
		return 1
	fi
	bytes=$("$AOE_XDP" stat --json | jq ".devices[] | select(.name == \"$DEV_NAME\") | .payload")
	payload "$1" aoe-xdp "$bytes"
	XDP_SECTORS=$((bytes / ATA_SECTOR))
}

xdp_detach() {
	[ -n "$DAEMON_PID" ] || return 0
	"$AOE_XDP" detach --all
	wait_for gone "$DAEMON_PID" || kill -9 "$DAEMON_PID"
	DAEMON_PID=
	XDP_DEV=
}

# --- the kernel aoe driver ------------------------------------------------------------

kernel_aoe_loads() {
	[ -c /dev/etherd/interfaces ] || modprobe aoe 2>/dev/null
	wait_for test -c /dev/etherd/interfaces
}

kernel_dev_up() { [ -b $KERNEL_DEV ] && grep -q '^up' "$KERNEL_SYSFS/state"; }

kernel_attach() { # mtu
	local i
	say "MTU $1: kernel aoe driver on $IF_KERNEL (root namespace), $KERNEL_DEV"
	echo "\$ echo $IF_KERNEL > /dev/etherd/interfaces; echo 1 > /dev/etherd/discover"
	echo $IF_KERNEL >/dev/etherd/interfaces
	for ((i = 0; i < DISCOVER_SECONDS; i++)); do
		kernel_dev_up && break
		echo 1 >/dev/etherd/discover
		sleep 1
	done
	kernel_dev_up || { note "MTU $1: the kernel aoe driver did not bring up $KERNEL_DEV within $DISCOVER_SECONDS s"; return 1; }
	payload "$1" kernel "$(cat "$KERNEL_SYSFS/payload")"
}

# Flushing frees the driver's targets and so its reference on k0, which
# could otherwise not be deleted.
kernel_detach() {
	echo all >/dev/etherd/flush 2>/dev/null
	wait_for test ! -e $KERNEL_DEV || note "the kernel aoe driver kept $KERNEL_DEV after a flush"
}

# The kernel driver's state (debugfs, its one target here) as JSON: its
# window (maxout) and ssthresh, rttavg as debugfs shows it, the ATA frames it
# built (r: and w:, new commands and probes) and the frames that left k0.
# It counts no resends: sent minus built is their number (plus the odd
# config query, e.g. when fio closes the device). awk alone, no jq: see
# record.jq. Nothing when debugfs has no such file.
kernel_snapshot() {
	awk -v sent_file="/sys/class/net/$IF_KERNEL/statistics/tx_packets" '
		$1 == "rttavg:" { rtt = $2 }
		$1 ~ /^[0-9a-f]+:[0-9]+:[0-9]+:[0-9]+$/ { split($1, a, ":"); window = a[3] }
		$1 ~ /^ssthresh:/ { split($1, a, ":"); ssthresh = a[2] }
		$1 ~ /^[rw]:/ { split($1, a, ":"); built += a[2] }
		END {
			if (rtt == "" || (getline sent < sent_file) <= 0) exit 1
			printf "{\"sent\": %d, \"built\": %d, \"rttavg\": %d, \"window\": %d, \"ssthresh\": %d}\n",
				sent, built, rtt, window, ssthresh
		}' "/sys/kernel/debug/aoe/$DEV_NAME" 2>/dev/null
}

# --- loss ---------------------------------------------------------------------------

# Loss each way for both initiators alike, all inside bench-tgt: netem on
# the egress of the bridge ports (target -> initiator) and, through an ifb
# device per port that the port's ingress is redirected to, netem on what
# the initiator sends. Not netem on i0: aoe-xdp transmits through AF_XDP,
# whose copy mode on veth hands frames to the driver directly, past any qdisc
# on i0 (the kernel driver's frames on k0 would meet one: unequal).
loss_modules_load() {
	local m opts
	for m in $LOSS_MODULES; do
		opts=()
		# ifb's default creates two devices in the root namespace: none wanted.
		[ "$m" = ifb ] && opts=(numifbs=0)
		modprobe "$m" "${opts[@]}" 2>/dev/null && continue
		note "loss round skipped: the VM kernel cannot load module $m (modprobe $m failed; the loss rows need sch_netem and an ifb device)"
		return 1
	done
}

ifb_of() { echo "ifb-$1"; }

loss_wire_up() { # mtu
	local port ifb
	for port in $BR_XDP $BR_KERNEL; do
		ifb=$(ifb_of "$port")
		ip -n $NS_TGT link add "$ifb" mtu "$1" type ifb && ip -n $NS_TGT link set "$ifb" up &&
			run tc -n $NS_TGT qdisc add dev "$port" root netem loss 0% &&
			run tc -n $NS_TGT qdisc add dev "$ifb" root netem loss 0% &&
			run tc -n $NS_TGT qdisc add dev "$port" handle ffff: ingress &&
			run tc -n $NS_TGT filter add dev "$port" parent ffff: matchall \
				action mirred egress redirect dev "$ifb" || return 1
	done
}

loss_set() { # percent
	local dev
	for dev in $BR_XDP $BR_KERNEL "$(ifb_of $BR_XDP)" "$(ifb_of $BR_KERNEL)"; do
		run tc -n $NS_TGT qdisc replace dev "$dev" root netem loss "$1%" || return 1
	done
}

# netem's qdiscs for one initiator's two directions (record.jq reads them).
netem_snapshot() { # driver
	local port=$BR_XDP
	[ "$1" = kernel ] && port=$BR_KERNEL
	tc -n $NS_TGT -s -j qdisc show dev $port
	tc -n $NS_TGT -s -j qdisc show dev "$(ifb_of $port)"
}

# --- fio ------------------------------------------------------------------------

# Each initiator's own counters before and after a test: BASE.stat.json
# (aoe-xdp) or BASE.kernel.json, in the loss round also BASE.netem.json;
# SUFFIX -before for the first.
snapshot() { # driver base suffix
	case $1 in
	aoe-xdp) "$AOE_XDP" stat --json >"$2.stat$3.json" ;;
	kernel) kernel_snapshot >"$2.kernel$3.json" ;;
	esac
	[ -z "$LOSS" ] || netem_snapshot "$1" >"$2.netem$3.json"
}

# The file for one of record.jq's --slurpfile, /dev/null when absent.
or_null() { if [ -s "$1" ]; then echo "$1"; else echo /dev/null; fi; }

# One line of results.jsonl from the files of a run (record.jq).
# The guest's CPU time so far, in clock ticks: busy (user, nice, system,
# irq, softirq, steal) and all. Over one fio run it says how much of the two
# vCPUs the whole path used, target and initiator together.
vm_ticks() { awk '/^cpu /{b = $2 + $3 + $4 + $7 + $8 + $9; print b, b + $5 + $6}' /proc/stat; }

# A process's CPU time so far (user and system), in clock ticks; 0 when it
# is gone. Its softirq work (the network stack's receive) is not in it.
proc_ticks() { # pid
	[ -n "$1" ] && awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0
}

# The vCPUs kept busy between two vm_ticks readings (0 to the vCPU count).
vm_busy() { # "busy all" before, "busy all" after
	local b0 t0 b1 t1
	read -r b0 t0 <<<"$1"
	read -r b1 t1 <<<"$2"
	awk -v b=$((b1 - b0)) -v t=$((t1 - t0)) -v n="$(nproc)" 'BEGIN { print (t > 0 ? b / t * n : "null") }'
}

record() { # base fio.json exit mtu rep driver test unit dir field
	local b=$1
	jq -nc -f tools/bench/record.jq --slurpfile fio "$2" \
		--slurpfile xb "$(or_null "$b.stat-before.json")" --slurpfile xa "$(or_null "$b.stat.json")" \
		--slurpfile kb "$(or_null "$b.kernel-before.json")" --slurpfile ka "$(or_null "$b.kernel.json")" \
		--slurpfile nb "$(or_null "$b.netem-before.json")" --slurpfile na "$(or_null "$b.netem.json")" \
		--argjson exit "$3" --argjson mtu "$4" --argjson rep "$5" --arg driver "$6" --arg test "$7" \
		--arg unit "$8" --arg dir "$9" --arg field "${10}" --arg loss "$LOSS" \
		--argjson vcpus_busy "${VCPUS_BUSY:-null}" --argjson seconds "${FIO_WALL_S:-null}" \
		--argjson target_ticks "${TARGET_TICKS:-null}" --argjson daemon_ticks "${DAEMON_TICKS:-null}" \
		--argjson hz "$(getconf CLK_TCK)"
}

# run_fio MTU REP DRIVER DEV NAME RW BS QD UNIT: one measurement, one JSON
# line.
run_fio() {
	local mtu=$1 rep=$2 driver=$3 dev=$4 name=$5 rw=$6 bs=$7 qd=$8 unit=$9
	local base=$OUT/$PREFIX-$driver-$name-$rep dir=read field=bw_bytes err line ticks
	local fio=(fio --name="$name" --filename="$dev" --rw="$rw" --bs="$bs" --iodepth="$qd"
		"${FIO_COMMON[@]}" --output="$base.fio.json")
	[ -n "$LOSS" ] && fio+=(--continue_on_error=io)
	[[ $rw == *write ]] && dir="write"
	[ "$unit" = IOPS ] && field=iops
	snapshot "$driver" "$base" -before
	echo "\$ $(cmdline "${fio[@]}")"
	ticks=$(vm_ticks)
	TARGET_TICKS=$(proc_ticks "$TARGET_PID")
	DAEMON_TICKS=$(proc_ticks "$DAEMON_PID")
	FIO_WALL_S=$(cut -d' ' -f1 /proc/uptime)
	timeout -k $FIO_KILL_SECONDS $FIO_TIMEOUT_SECONDS "${fio[@]}"
	err=$?
	VCPUS_BUSY=$(vm_busy "$ticks" "$(vm_ticks)")
	FIO_WALL_S=$(awk -v t0="$FIO_WALL_S" '{print $1 - t0}' /proc/uptime)
	TARGET_TICKS=$(($(proc_ticks "$TARGET_PID") - TARGET_TICKS))
	DAEMON_TICKS=$(($(proc_ticks "$DAEMON_PID") - DAEMON_TICKS))
	if [ $err = 124 ] || [ $err = 137 ]; then
		note "$PREFIX, $driver, $name: fio still ran after $FIO_TIMEOUT_SECONDS s and was killed; what the system looked like: $(basename "$base").stuck.txt"
		stuck_report >"$base.stuck.txt" 2>&1
	fi
	snapshot "$driver" "$base" ""
	# fio killed mid-write leaves JSON jq cannot read: the run counts as
	# one without figures.
	line=$(record "$base" "$(or_null "$base.fio.json")" $err "$mtu" "$rep" "$driver" "$name" "$unit" $dir $field) ||
		line=$(record "$base" /dev/null $err "$mtu" "$rep" "$driver" "$name" "$unit" $dir $field)
	echo "$line" | tee -a "$OUT/results.jsonl"
}

# What a stuck test leaves for a reader: processes and where they sleep,
# both initiators' views, the target's counters, the kernel log.
stuck_report() {
	echo "--- processes (state, kernel wait channel)"
	ps -eo pid,stat,wchan:32,etime,cmd
	for pid in $(pgrep -x fio); do
		echo "--- /proc/$pid/stack (fio)"
		cat "/proc/$pid/stack"
	done
	echo "--- aoe-xdp stat"
	[ -n "$DAEMON_PID" ] && timeout 5 "$AOE_XDP" stat
	echo "--- kernel aoe (debugfs)"
	cat /sys/kernel/debug/aoe/$DEV_NAME 2>/dev/null
	echo "--- aoe-target counters"
	kill -USR2 "$TARGET_PID" && sleep 1 && cat "$OUT"/*-aoe-target.json
	echo "--- dmesg"
	dmesg | tail -n 50
}

# Each test REPEAT times on both devices, in the order A B B A (then again):
# a drift in the guest's speed then weighs on both columns alike.
run_tests() { # mtu tests
	local name rw bs qd unit rep order driver
	while read -r name rw bs qd unit; do
		for ((rep = 1; rep <= REPEAT; rep++)); do
			order="aoe-xdp kernel"
			[ $((rep % 2)) = 0 ] && order="kernel aoe-xdp"
			for driver in $order; do
				case $driver in
				aoe-xdp) [ -n "$XDP_DEV" ] &&
					run_fio "$1" "$rep" aoe-xdp "$XDP_DEV" "$name" "$rw" "$bs" "$qd" "$unit" ;;
				kernel) kernel_dev_up &&
					run_fio "$1" "$rep" kernel $KERNEL_DEV "$name" "$rw" "$bs" "$qd" "$unit" ;;
				esac
			done
		done
	done <<<"$2"
}

# Writes every sector once so the target's RAM pages exist (see the top).
prefault() {
	local dev=$XDP_DEV
	[ -n "$dev" ] || { kernel_dev_up && dev=$KERNEL_DEV; }
	[ -n "$dev" ] || return 0
	say "writing the whole disk once (not measured): aoe-target's RAM gets its pages"
	# dd stops at the end of the device with "No space left": expected.
	run dd if=/dev/zero of="$dev" bs=1M oflag=direct status=none 2>&1 | grep -v 'No space left'
	return 0
}

# --- one round, all rounds ---------------------------------------------------------

# Wire, target and both initiators up; the disk written once.
round_up() { # mtu
	say "$PREFIX: bridge $BRIDGE in $NS_TGT with aoe-target ram:${DISK_MB}M; $IF_XDP ($NS_INI) and $IF_KERNEL (root) on it, MTU $1"
	wire_up "$1" || { note "$PREFIX: cannot build the wire or start aoe-target"; wire_down; return 1; }
	XDP_SECTORS=
	xdp_attach "$1" || note "$PREFIX: aoe-xdp did not export $DEV_NAME: no aoe-xdp figures"
	[ -n "$KERNEL_AOE" ] && kernel_attach "$1"
	prefault
}

# Both initiators' final state saved, both let go of the target.
round_finish() {
	if [ -n "$DAEMON_PID" ]; then
		"$AOE_XDP" stat --json >"$OUT/$PREFIX-aoe-xdp.stat.json"
		run "$AOE_XDP" stat
	fi
	[ -n "$KERNEL_AOE" ] && cat "$KERNEL_SYSFS"/{state,payload} 2>/dev/null
	save_links "$OUT/$PREFIX.links.json"
	xdp_detach
	[ -n "$KERNEL_AOE" ] && kernel_detach
}

# What the guest keeps busy with both initiators attached and no I/O: the
# floor under every "VM CPU per I/O" figure of the round.
IDLE_SECONDS=3
idle_baseline() { # mtu
	local ticks
	ticks=$(vm_ticks)
	sleep $IDLE_SECONDS
	jsonl --argjson mtu "$1" --argjson busy "$(vm_busy "$ticks" "$(vm_ticks)")" \
		--argjson seconds $IDLE_SECONDS '{kind: "idle", mtu: $mtu, vcpus_busy: $busy, seconds: $seconds}'
	tail -n 1 "$OUT/results.jsonl"
}

round() { # mtu
	PREFIX=mtu$1
	round_up "$1" || return 1
	idle_baseline "$1"
	run_tests "$1" "$TESTS"
	round_finish
	probe_payloads "$1"
	wire_down
}

# The loss round (see the top): one wire, one target, both initiators for
# every loss level; only netem's loss changes between levels.
loss_round() {
	local loss start=$SECONDS
	[ -n "$LOSS_TESTS" ] ||
		{ note "loss round skipped: BENCH_TESTS keeps none of its tests (seqread randread-qd32 randwrite-qd32)"; return 0; }
	for loss in $LOSSES; do
		[[ $loss =~ ^[0-9]+(\.[0-9]+)?$ ]] ||
			{ note "loss round skipped: BENCH_LOSS must list percentages such as \"0 1 3\", not \"$LOSSES\""; return 0; }
	done
	[ -n "$LOSS_READY" ] || return 0	# main could not load the modules: noted
	PREFIX=loss
	round_up $LOSS_MTU || return 1
	if loss_wire_up $LOSS_MTU; then
		for loss in $LOSSES; do
			PREFIX=loss$loss
			say "$PREFIX: netem loss $loss% each way, MTU $LOSS_MTU"
			loss_set "$loss" || { note "loss $loss%: tc could not set netem's loss: no rows from this level on"; break; }
			LOSS=$loss
			run_tests $LOSS_MTU "$LOSS_TESTS"
			LOSS=
		done
	else
		note "loss round skipped: cannot put netem on the bridge ports (tc's message above)"
	fi
	PREFIX=loss
	round_finish
	wire_down
	jsonl --argjson seconds $((SECONDS - start)) '{kind: "round", name: "loss", seconds: $seconds}'
	say "loss round: $((SECONDS - start)) s"
}

# kvm-clock is offered only under KVM; under TCG the guest has none.
accelerator() {
	grep -qw kvm-clock /sys/devices/system/clocksource/clocksource0/available_clocksource &&
		echo kvm || echo tcg
}

write_meta() {
	jq -n --arg kernel "$(uname -r)" --argjson cpus "$(nproc)" --arg accel "$(accelerator)" \
		--argjson mem_mb $(($(sed -n 's/MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo) / 1024)) \
		--arg command "${BENCH_COMMAND:-tools/bench/guest.sh}" --argjson repeat "$REPEAT" \
		--arg fio "$(cmdline fio --name=TEST --filename=DEVICE --rw=RW --bs=BS --iodepth=QD \
			"${FIO_COMMON[@]}" --output=FILE)" \
		--arg aoe_xdp "$(cmdline "$AOE_XDP" attach --export ublk ${BENCH_ATTACH_OPTS:-} $IF_XDP)" \
		--arg kernel_if $IF_KERNEL \
		--arg target "$(cmdline "$AOE_TARGET" -i $BRIDGE "$SHELF.$SLOT:ram:${DISK_MB}M")" \
		'$ARGS.named' >"$OUT/meta.json"
}

cleanup() {
	xdp_detach
	[ -n "$KERNEL_AOE" ] && kernel_detach
	wire_down
}

main() {
	local mtu
	: >"$OUT/results.jsonl"
	: >"$OUT/notes.txt"
	modprobe ublk_drv 2>/dev/null
	[ -c /dev/ublk-control ] || { echo "bench: no /dev/ublk-control in the VM"; exit 1; }
	if kernel_aoe_loads; then
		KERNEL_AOE=1
	else
		note "the kernel aoe driver (module aoe) is not available: only aoe-xdp is measured"
	fi
	# Before any round: loading a module that keeps state per network
	# namespace waits for every namespace being deleted, and those of a
	# finished round never quite go: the kernel aoe driver keeps k0
	# referenced after a flush (dmesg: "waiting for k0 to become free").
	[ -n "$LOSSES" ] && loss_modules_load && LOSS_READY=1
	trap cleanup EXIT
	# The kernel driver's per-target window and RTT, for stuck_report.
	mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug
	write_meta
	echo "guest: kernel $(uname -r), $(nproc) CPUs, $(accelerator), $SECONDS_PER_TEST s per test after ${RAMP_SECONDS} s ramp, $REPEAT runs each"
	for mtu in $MTUS; do
		round "$mtu"
	done
	[ -n "$LOSSES" ] && loss_round
	dmesg >"$OUT/dmesg.txt"
	tools/bench/report.sh "$OUT" >"$OUT/results.md"
	echo
	cat "$OUT/results.md"
}

main "$@"
