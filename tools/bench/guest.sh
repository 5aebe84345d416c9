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
MTUS=${BENCH_MTUS:-1500 9000}
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

# A test runs SECONDS_PER_TEST: one still running long after is stuck.
FIO_TIMEOUT_SECONDS=$((SECONDS_PER_TEST + RAMP_SECONDS + 60))
FIO_KILL_SECONDS=10
# Every fio run: these plus --name --filename --rw --bs --iodepth --output.
FIO_COMMON=(--direct=1 --ioengine=io_uring --norandommap --time_based
	--runtime="$SECONDS_PER_TEST" --ramp_time="$RAMP_SECONDS" --output-format=json)

export AOE_XDP_RUN_DIR=/tmp/bench-run
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
	local log=$OUT/mtu$1-aoe-target.log
	ip netns add $NS_TGT && ip netns add $NS_INI &&
		ip -n $NS_TGT link add $BRIDGE mtu "$1" type bridge &&
		ip link add $IF_XDP netns $NS_INI mtu "$1" type veth peer name $BR_XDP netns $NS_TGT mtu "$1" &&
		ip link add $IF_KERNEL mtu "$1" type veth peer name $BR_KERNEL netns $NS_TGT mtu "$1" &&
		ip -n $NS_TGT link set $BR_XDP master $BRIDGE up &&
		ip -n $NS_TGT link set $BR_KERNEL master $BRIDGE up &&
		ip -n $NS_TGT link set $BRIDGE up &&
		ip -n $NS_INI link set $IF_XDP up && ip link set $IF_KERNEL up || return 1
	ip netns exec $NS_TGT "$AOE_TARGET" -i $BRIDGE --pidfile $TARGET_PIDFILE \
		--stats-file "$OUT/mtu$1-aoe-target.json" "$SHELF.$SLOT:ram:${DISK_MB}M" >"$log" 2>&1 &
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

# Frames aoe-xdp sent again during one test: its per-target counters, after
# minus before, summed over targets.
xdp_counters() { # before.json after.json
	jq -c --slurpfile before "$1" '
		def sum(f): [.devices[].targets[] | f] | add // 0;
		def delta(f): sum(f) - ($before[0] | sum(f));
		{retransmits: delta(.retransmits), timeouts: delta(.timeouts),
		 false_alarms: delta(.false_alarms), errors: delta(.errors),
		 rto_us: [.devices[].targets[].rto_us] | max,
		 rtt_us: [.devices[].targets[].rtt_us] | max}' "$2"
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

# --- fio ------------------------------------------------------------------------

# run_fio MTU REP DRIVER DEV NAME RW BS QD UNIT: one measurement, one JSON
# line.
run_fio() {
	local mtu=$1 rep=$2 driver=$3 dev=$4 name=$5 rw=$6 bs=$7 qd=$8 unit=$9
	local base=$OUT/mtu$mtu-$driver-$name-$rep dir=read field=bw_bytes value err counters='{}'
	[[ $rw == *write ]] && dir="write"
	[ "$unit" = IOPS ] && field=iops
	[ "$driver" = aoe-xdp ] && "$AOE_XDP" stat --json >"$base.stat-before.json"
	echo "\$ $(cmdline fio --name="$name" --filename="$dev" --rw="$rw" --bs="$bs" --iodepth="$qd" \
		"${FIO_COMMON[@]}" --output="$base.fio.json")"
	timeout -k $FIO_KILL_SECONDS $FIO_TIMEOUT_SECONDS fio --name="$name" --filename="$dev" \
		--rw="$rw" --bs="$bs" --iodepth="$qd" "${FIO_COMMON[@]}" --output="$base.fio.json"
	err=$?
	if [ $err = 124 ] || [ $err = 137 ]; then
		note "MTU $mtu, $driver, $name: fio still ran after $FIO_TIMEOUT_SECONDS s and was killed; what the system looked like: $(basename "$base").stuck.txt"
		stuck_report >"$base.stuck.txt" 2>&1
	fi
	value=$(jq ".jobs[0] | if .error == 0 then .$dir.$field else null end" "$base.fio.json" 2>/dev/null)
	[ $err = 0 ] && [ -n "$value" ] || value=null
	if [ "$driver" = aoe-xdp ]; then
		"$AOE_XDP" stat --json >"$base.stat.json"
		counters=$(xdp_counters "$base.stat-before.json" "$base.stat.json")
	fi
	jsonl --argjson mtu "$mtu" --argjson rep "$rep" --arg driver "$driver" --arg test "$name" \
		--arg unit "$unit" --argjson value "$value" --argjson counters "$counters" \
		'{kind: "fio", mtu: $mtu, rep: $rep, driver: $driver, test: $test, unit: $unit,
		  value: (if $value != null and $unit == "MB/s" then $value / 1e6 else $value end)}
		 + $counters'
	tail -n 1 "$OUT/results.jsonl"
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
	kill -USR2 "$TARGET_PID" && sleep 1 && cat "$OUT"/mtu*-aoe-target.json
	echo "--- dmesg"
	dmesg | tail -n 50
}

# Each test REPEAT times on both devices, in the order A B B A (then again):
# a drift in the guest's speed then weighs on both columns alike.
run_tests() { # mtu
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
	done <<<"$TESTS"
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

round() { # mtu
	say "MTU $1: bridge $BRIDGE in $NS_TGT with aoe-target ram:${DISK_MB}M; $IF_XDP ($NS_INI) and $IF_KERNEL (root) on it"
	wire_up "$1" || { note "MTU $1: cannot build the wire or start aoe-target"; wire_down; return 1; }
	XDP_SECTORS=
	xdp_attach "$1" || note "MTU $1: aoe-xdp did not export $DEV_NAME: no aoe-xdp figures"
	[ -n "$KERNEL_AOE" ] && kernel_attach "$1"
	prefault
	run_tests "$1"
	if [ -n "$DAEMON_PID" ]; then
		"$AOE_XDP" stat --json >"$OUT/mtu$1-aoe-xdp.stat.json"
		run "$AOE_XDP" stat
	fi
	[ -n "$KERNEL_AOE" ] && cat "$KERNEL_SYSFS"/{state,payload} 2>/dev/null
	save_links "$OUT/mtu$1.links.json"
	xdp_detach
	[ -n "$KERNEL_AOE" ] && kernel_detach
	probe_payloads "$1"
	wire_down
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
	trap cleanup EXIT
	# The kernel driver's per-target window and RTT, for stuck_report.
	mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug
	write_meta
	echo "guest: kernel $(uname -r), $(nproc) CPUs, $(accelerator), $SECONDS_PER_TEST s per test after ${RAMP_SECONDS} s ramp, $REPEAT runs each"
	for mtu in $MTUS; do
		round "$mtu"
	done
	dmesg >"$OUT/dmesg.txt"
	tools/bench/report.sh "$OUT" >"$OUT/results.md"
	echo
	cat "$OUT/results.md"
}

main "$@"
