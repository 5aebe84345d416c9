#!/bin/bash
# fio with crc32c verification on /dev/ublkbN: 4 KiB random writes, then
# every block read back and checked, at queue depths 1, 8 and 32 (io_uring
# and libaio, O_DIRECT), and sequential 1 MiB writes with the same check.
# Served by aoe-target, then the random and sequential jobs once more by
# vblade (a slower target: retransmits happen). Each job must end without
# an I/O error, write and read back all its bytes, and leave no I/O error
# in the kernel log.
# Exit: 0 pass, 77 skip (no qemu or VM kernel), 1 fail.
# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/lib.sh"

DISK_MIB=32
RAND_MIB=4	# per random job: 1024 blocks of 4 KiB
SEQ_MIB=16
DISCOVER_SECONDS=2

# fio_verify DEV NAME ENGINE QD RW BS MIB: one write-then-verify job; its
# JSON report goes to $TMP/NAME.json, its complaints to $TMP/NAME.err.
fio_verify() {
	local dev=$1 name=$2 engine=$3 qd=$4 rw=$5 bs=$6 mib=$7 out=$TMP/$2.json
	fio --name="$name" --filename="$dev" --direct=1 --ioengine="$engine" \
		--iodepth="$qd" --rw="$rw" --bs="$bs" --size="${mib}M" \
		--verify=crc32c --verify_fatal=1 --do_verify=1 --verify_state_save=0 \
		--output-format=json --output="$out" 2>"$TMP/$name.err"
	fio_passed $? "$out" "$TMP/$name.err" "$mib"
}

fio_round() { # who name
	local who=$1 name=$2 dev
	klog_mark
	check "$who: attach exports $name" attach --timeout $DISCOVER_SECONDS "$I0"
	dev=$(ublk_of "$name")
	is_ublk "$dev" || { fail "$who: no /dev/ublkbN for $name; round skipped"; daemon_stop; return; }
	klog_mark
	if [ "$who" = aoe-target ]; then
		check "$who: randwrite+verify QD1 io_uring" fio_verify "$dev" "$who-qd1" io_uring 1 randwrite 4k $RAND_MIB
		check "$who: randwrite+verify QD8 libaio" fio_verify "$dev" "$who-qd8" libaio 8 randwrite 4k $RAND_MIB
		check "$who: randwrite+verify QD32 io_uring" fio_verify "$dev" "$who-qd32" io_uring 32 randwrite 4k $RAND_MIB
	else
		check "$who: randwrite+verify QD8 io_uring" fio_verify "$dev" "$who-qd8" io_uring 8 randwrite 4k $RAND_MIB
	fi
	check "$who: sequential 1 MiB write+verify" fio_verify "$dev" "$who-seq" io_uring 4 write 1M $SEQ_MIB
	check "$who: no I/O errors on $dev in the kernel log" no_io_errors_on "$dev"
	log "$who: $(stat_json "[.devices[0].targets[0] | \"retransmits \\(.retransmits) timeouts \\(.timeouts)\"] | .[0]")"
	detach_checked "$who" "$dev"
}

guest() {
	vm_guest_init
	need fio
	truncate -s ${DISK_MIB}M "$TMP/target.img"
	target_start "$T0" 1.1:"$TMP/target.img"
	fio_round aoe-target e1.1
	kill "$TARGET_PID"

	truncate -s ${DISK_MIB}M "$TMP/vblade.img"
	vblade_start tgt 2 3 "$T0" "$TMP/vblade.img"
	fio_round vblade e2.3
	vm_done
}

vm_main 170 "$VM_UBLK_MODULES"
