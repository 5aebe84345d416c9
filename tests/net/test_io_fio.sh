#!/bin/bash
# fio randwrite with crc32c verify through the FUSE export, on every
# device of the integrity matrix (iolib.sh): bs 4k and 64k one at a time
# (psync), and 4k with 16 requests in flight (libaio); each writes 4 MiB
# and reads all of it back with no error.
. "$(dirname "$0")/iolib.sh"
io_init
need fio
matrix_start

# fio_verify BS ENGINE DEPTH: randwrite of 4 MiB with crc32c verify.
fio_verify() {
	local bs=$1 eng=$2 qd=$3 out=$TMP/fio-$LABEL-$1-$2.json
	bounded 60 fio --name=verify --filename="$F" --size=4M --offset=4M --rw=randwrite \
		--bs="$bs" --ioengine="$eng" --iodepth="$qd" --direct=1 --fallocate=none \
		--verify=crc32c --do_verify=1 --verify_fatal=1 --verify_state_save=0 \
		--output-format=json --output="$out" >"$out.err" 2>&1
	check "[$LABEL] fio randwrite bs=$bs $eng iodepth=$qd with crc32c verify exits 0" test $? -eq 0 ||
		cat "$out.err" "$out"
	jq_check "[$LABEL] ... wrote 4 MiB, verified 4 MiB, no error" "$out" \
		'.jobs[0].error == 0 and .jobs[0].write.io_bytes == 4194304 and
		 .jobs[0].read.io_bytes == 4194304'
}

fio_rounds() {
	fio_verify 4k psync 1
	fio_verify 64k psync 1
	fio_verify 4k libaio 16
}

matrix_each fio_rounds
devices_fine 4
io_done
