#!/bin/bash
# One event loop serves every device, so taking one ublk device back after
# a crash must not stall the others.
#
# e1.1 sits behind a slow target (every answer delayed) with a ublk queue
# shallower than fio's, so when the daemon is killed every tag of e1.1 is
# held by it. With no FETCH left to cancel, the kernel quiesces e1.1 only
# when the block layer's request timeout fires (30 s by default,
# IO_TIMEOUT_S here), and the new daemon has to wait that long before it
# can take e1.1 back. e1.1's target is paused while the new daemon
# attaches and resumed once e1.2 (a prompt target, taken back at once) runs
# a verified fio write load, so e1.1 is found and its recovery starts in
# the middle of that load. e1.2's fio must pass, none of its I/O may take
# MAX_LAT_MS or more (a loop that waits for e1.1 holds all of e1.2's
# requests meanwhile: about 10 s before this test was written), and its
# target may show no retransmit that was not a false alarm (or an early
# resend answered in the end: reordered). Then e1.1 comes
# back under the same /dev/ublkbN, its held writes complete without an
# error, and detach removes both devices.
# Exit: 0 pass, 77 skip (no qemu or VM kernel), 1 fail.
# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/lib.sh"

SLOW_DELAY_MS=500	# every answer of e1.1's target
UBLK_DEPTH=4		# tags per device; fio on e1.1 keeps more outstanding
SLOW_QD=16
SLOW_KIB=256		# e1.1's load: 64 writes of 4 KiB, about 8 s
FAST_MIB=4		# e1.2's load: 1024 writes of 4 KiB, then read back
FAST_IOPS=250		# about 4 s of writes and 4 s of reads
MAX_LAT_MS=3000		# e1.2's slowest I/O; normal here is well under 1 s
DISCOVER_SECONDS=2
# e1.1's request timeout: long enough for e1.2's load to end before e1.1
# is quiesced, shorter than the default to keep the test short.
IO_TIMEOUT_S=20
RECOVER_SECONDS=40	# from e1.2's load ending to e1.1 taken back

# inflight_writes DEV: writes the block layer has handed to ublk.
inflight_writes() { local f; read -ra f <"/sys/block/${1#/dev/}/inflight"; echo "${f[1]}"; }
all_tags_held() { [ "$(inflight_writes "$1")" -ge $UBLK_DEPTH ]; }

# fio_start NAME DEV [fio options]: a 4 KiB random write job in the
# background, JSON to $TMP/NAME.json; sets FIO_PID.
fio_start() {
	local name=$1 dev=$2
	shift 2
	fio --name="$name" --filename="$dev" --direct=1 --ioengine=io_uring --rw=randwrite \
		--bs=4k "$@" --output-format=json --output="$TMP/$name.json" 2>"$TMP/$name.err" &
	FIO_PID=$!
	PIDS+=("$FIO_PID")
}

# max_lat_ms NAME: the slowest completion of fio job NAME, reads or writes.
max_lat_ms() {
	jq -r '.jobs[0] | [.read.clat_ns.max, .write.clat_ns.max] | max / 1000000 | floor' \
		"$TMP/$1.json"
}

# A daemon whose loop hangs must fail this test, not hang it: every stat
# here gives up after STAT_SECONDS.
STAT_SECONDS=10
stat_dev() { # eS.N JQ-PATH
	timeout $STAT_SECONDS "$AOE_XDP" stat --json |
		jq -r ".devices[] | select(.name == \"$1\") | $2"
}
# target_of eS.N FIELD: a counter of the device's first target.
target_of() { stat_dev "$1" ".targets[0].$2"; }
dev_state() { stat_dev "$1" .state; }
exported_as() { [ "$(stat_dev "$1" .export)" = "$2" ]; }
# within SECONDS COMMAND...: wait_for by the clock, not by tries, so that a
# slow command (stat takes a second or more under emulation) cannot
# stretch the wait many times over.
within() {
	local end=$((SECONDS + $1))
	shift
	until "$@" 2>/dev/null; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.2
	done
}

both_exported() { ublk_exported e1.1 && ublk_exported e1.2; }
# e1.1 found, its recovery under way, while e1.2's fio runs.
found_during_load() { [ "$(dev_state e1.1)" = up ] && running "$1"; }

guest() {
	local slow fast old_pid slow_fio fast_fio rc lat retx false_alarms reordered
	vm_guest_init
	need fio
	I1=$(uniq_if i1)
	T1=$(uniq_if t1)
	wire "$I1" "$T1"
	target_start "$T0" -q --delay $SLOW_DELAY_MS 1.1:ram:16M
	local slow_target=$TARGET_PID
	target_start "$T1" -q 1.2:ram:16M
	check "attach" attach --timeout $DISCOVER_SECONDS --ublk-depth $UBLK_DEPTH "$I0" "$I1"
	check "both devices exported" within 20 both_exported
	slow=$(ublk_of e1.1)
	fast=$(ublk_of e1.2)
	if ! is_ublk "$slow" || ! is_ublk "$fast"; then
		fail "no /dev/ublkbN; test skipped"
		vm_done
	fi
	check "e1.1: request timeout set to ${IO_TIMEOUT_S} s" \
		eval "echo $((IO_TIMEOUT_S * 1000)) >/sys/block/${slow#/dev/}/queue/io_timeout"

	# The kill: every tag of e1.1 in the daemon's hands.
	fio_start slow "$slow" --iodepth=$SLOW_QD --size=${SLOW_KIB}k
	slow_fio=$FIO_PID
	check "e1.1: all $UBLK_DEPTH tags are held by the daemon" wait_for 20 all_tags_held "$slow"
	old_pid=$DAEMON_PID
	kill -9 "$old_pid"
	check "the daemon is gone after SIGKILL" wait_for 5 daemon_gone "$old_pid"
	check "e1.1's fio waits for its I/O" running "$slow_fio"

	# The new daemon finds only e1.2 at first.
	kill -STOP "$slow_target"
	klog_mark
	check "attach again (e1.1's target paused)" \
		attach --timeout $DISCOVER_SECONDS --rediscover 1 --ublk-depth $UBLK_DEPTH "$I0" "$I1"
	check "e1.2 is taken back as $fast" within 10 exported_as e1.2 "$fast"
	fio_start fast "$fast" --iodepth=8 --size=${FAST_MIB}M --rate_iops=$FAST_IOPS \
		--verify=crc32c --verify_fatal=1 --do_verify=1 --verify_state_save=0
	fast_fio=$FIO_PID
	sleep 1
	kill -CONT "$slow_target"
	check "e1.1 is found again while e1.2's fio runs" \
		within 10 found_during_load "$fast_fio"
	check "... and still waits for the kernel to quiesce it (the slow case)" \
		not exported_as e1.1 "$slow"
	check "e1.2's fio finishes" wait_for 60 not running "$fast_fio"
	wait "$fast_fio"
	rc=$?
	check "e1.2's fio saw no I/O error and its verification passed" \
		fio_passed "$rc" "$TMP/fast.json" "$TMP/fast.err" $FAST_MIB
	lat=$(max_lat_ms fast)
	log "e1.2: slowest I/O ${lat} ms"
	check "e1.2: no I/O took ${MAX_LAT_MS} ms or more (${lat} ms)" test "${lat:-99999}" -lt $MAX_LAT_MS
	retx=$(target_of e1.2 retransmits)
	false_alarms=$(target_of e1.2 false_alarms)
	reordered=$(target_of e1.2 reordered)
	# An early resend whose first answer came after all is "reordered":
	# like a false alarm, nothing was lost.
	check "e1.2: every retransmit was a false alarm or reordered ($retx retransmits, $false_alarms false alarms, $reordered reordered)" \
		test "$retx" = "$((false_alarms + reordered))"

	if ! within $RECOVER_SECONDS exported_as e1.1 "$slow"; then
		# Its fio would wait for ever, and so might a detach: end here.
		fail "e1.1 is taken back as $slow (stat: '$(stat_dev e1.1 .export)', by-aoe: '$(ublk_of e1.1)')"
		kill -9 "$DAEMON_PID"
		DAEMON_PID=
		vm_done
	fi
	ok "e1.1 is taken back as $slow"
	check "by-aoe/e1.1 still names $slow" test "$(ublk_of e1.1)" = "$slow"
	check "e1.1's fio finishes" wait_for 30 not running "$slow_fio"
	wait "$slow_fio"
	check "e1.1's fio saw no I/O error" test $? = 0
	check "no I/O errors on $slow in the kernel log" no_io_errors_on "$slow"
	check "no I/O errors on $fast in the kernel log" no_io_errors_on "$fast"
	check "detach --all" "$AOE_XDP" detach --all
	check "the daemon exits" wait_for 10 daemon_gone "$DAEMON_PID"
	DAEMON_PID=
	check "$slow is gone" wait_for 10 not test -e "$slow"
	check "$fast is gone" wait_for 10 not test -e "$fast"
	# Run with AOE_XDP=build/san/aoe-xdp (VM_ENV=AOE_XDP), a memory error
	# in the teardown would end the daemon just as a clean exit does.
	check "no sanitizer report in the daemon's log" \
		not grep -q Sanitizer "$AOE_XDP_RUN_DIR/aoe-xdp.log"
	vm_done
}

vm_main 180 "$VM_UBLK_MODULES"
