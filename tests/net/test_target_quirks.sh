#!/bin/bash
# aoe-target --quirk and the identity options, checked on the raw answer
# bytes aoe-probe -x prints. One aoe-target per quirk, all on one veth
# (shelf N has quirk N), and shelf 1 with none: every check of a quirk runs
# against its target, where it must pass, and against shelf 1, where it
# must fail; so each check is shown to fail without its feature, on every
# run. Then the stats file counts each quirk's answers, and the option
# errors.
#
# Offsets in the answer (as on the wire): 14 version/flags (0x18 answer,
# 0x1c answer with the AoE error flag), 15 AoE error, 24 aflags, 25 ATA
# error, 26 sector count, 27 ATA status, 28-33 LBA (least significant
# first), 36 data; IDENTIFY word W at 36 + 2W.
. "$(dirname "$0")/quirklib.sh"

# quirk_target SHELF [aoe-target options]: eSHELF.1 on a 1 MiB file (FLUSH
# then reaches fdatasync, counted), config string "hello".
quirk_target() {
	truncate -s 1M "$TMP/disk$1.img"
	shelf_target "$@" -c hello "$TMP/disk$1.img"
}

quirk_target 1
quirk_target 2 --quirk flush-echo
quirk_target 3 --quirk flush-abort
quirk_target 4 --quirk flush-badarg
quirk_target 5 --quirk flush-status0
quirk_target 6 --quirk flush-ext-abort
quirk_target 7 --quirk scnt-echo
quirk_target 8 --quirk lba-advance
quirk_target 9 --quirk no-pad
quirk_target 10 --quirk err-hdr-only
quirk_target 11 --quirk err-hdr-only --quirk no-pad
quirk_target 12 --serial SN-QUIRK-12 --model "Quirk Disk Model" --firmware FW12
quirk_target 13 --no-flush

# ask SHELF PROBE-COMMAND...: one request to eSHELF.1. The answer's line
# is in $ANS, its bytes in $RAW (hex); no answer leaves both empty.
ask() {
	local shelf=$1 out
	shift
	out=$(probe "$shelf" -x -w 1000 "$@" 2>&1)
	ANS=$(grep -v '^raw ' <<<"$out" | head -n 1)
	RAW=$(sed -n 's/^raw len=[0-9]* hex=//p' <<<"$out" | head -n 1)
}
# at OFFSET [COUNT]: COUNT bytes of the answer from OFFSET, in hex.
at() { echo "${RAW:$((2 * $1)):$((2 * ${2:-1}))}"; }
frame_len() { echo $((${#RAW} / 2)); }
# is WHAT WANT GOT: one comparison; a mismatch is printed (for the quirk's
# own target, where it means a failure).
is() { [ "$2" = "$3" ] && return 0; echo "  $1: want $2, got ${3:-nothing}"; return 1; }

# quirk_check DESCRIPTION SHELF FUNCTION: FUNCTION SHELF passes, and
# FUNCTION 1 (the target without quirks) fails.
quirk_check() {
	check "$1" "$3" "$2"
	check "$1: fails on the default target" quiet not "$3" 1
}

# --- FLUSH --------------------------------------------------------------------
# flush_regs SHELF ext|"" FLAGS ERROR ATA-ERR STATUS: the answer's bytes 14,
# 15, 25 and 27.
flush_regs() {
	ask "$1" flush $2 && is "FLUSH $2 bytes 14 15 25 27" "$3 $4 $5 $6" \
		"$(at 14) $(at 15) $(at 25) $(at 27)"
}

flush_echo() { flush_regs "$1" "" 18 00 00 e7 && flush_regs "$1" ext 18 00 00 ea; }
flush_abort() { flush_regs "$1" "" 18 00 04 41 && flush_regs "$1" ext 18 00 04 41; }
flush_badarg() { flush_regs "$1" "" 1c 02 00 e7 && flush_regs "$1" ext 1c 02 00 ea; }
flush_status0() { flush_regs "$1" "" 18 00 a5 00 && flush_regs "$1" ext 18 00 a5 00; }
# FLUSH CACHE served, FLUSH CACHE EXT aborted, IDENTIFY words 83 and 86
# announce only bit 12 (0x5400 and 0x1400, as vblade's).
flush_ext_abort() {
	flush_regs "$1" "" 18 00 00 40 && flush_regs "$1" ext 18 00 04 41 &&
		ask "$1" identify && is "words 83 86" "0054 0014" "$(at 202 2) $(at 208 2)"
}

quirk_check "flush-echo: status = command code, error = feature, no error flag" 2 flush_echo
quirk_check "flush-abort: status 0x41, error ABRT" 3 flush_abort
ask 3 identify
check "flush-abort: IDENTIFY still announces both flushes" \
	grep -q 'flush=1 flush_ext=1' <<<"$ANS"
quirk_check "flush-badarg: AoE error 2, status = command code" 4 flush_badarg
quirk_check "flush-status0: status 0x00, error 0xa5" 5 flush_status0
quirk_check "flush-ext-abort: 0xEA aborted, 0xE7 served, IDENTIFY bit 12 only" 6 flush_ext_abort

# --- READ/WRITE registers -----------------------------------------------------
scnt_echo() {
	ask "$1" write 4 2 -p 0x5c && is "write: sector count" 02 "$(at 26)" &&
		ask "$1" read 4 2 && is "read: sector count" 02 "$(at 26)" &&
		ask "$1" identify && is "identify: sector count" 01 "$(at 26)"
}
# LBA 0x64 + 2 sectors: 0x66, LBA48 and LBA28 (whose lba3 holds 0xe0).
lba_advance() {
	ask "$1" write 100 2 -p 0x1a && is "write: LBA" 660000000000 "$(at 28 6)" &&
		ask "$1" read 100 2 && is "read: LBA" 660000000000 "$(at 28 6)" &&
		ask "$1" read 100 2 --lba28 && is "LBA28 read: LBA" 660000e00000 "$(at 28 6)"
}
quirk_check "scnt-echo: the request's sector count in success answers" 7 scnt_echo
quirk_check "lba-advance: LBA + sector count in success answers" 8 lba_advance

# --- frame shape --------------------------------------------------------------
no_pad() {
	ask "$1" write 0 1 -p 7 && is "write answer length" 36 "$(frame_len)" &&
		ask "$1" config && is "config answer length (32 + 'hello')" 37 "$(frame_len)" &&
		ask "$1" flush && is "flush answer length" 36 "$(frame_len)"
}
# read 0 0 is refused with AoE error 2 (bad argument); config set over a
# string with AoE error 4.
zeros() { printf '0%.0s' $(seq $((2 * $1))); }
err_hdr_only() {
	ask "$1" read 0 0 && is "ATA error answer: flags, error" "1c 02" "$(at 14) $(at 15)" &&
		is "ATA error answer: 36 zero bytes after the header" "$(zeros 36)" "$(at 24 36)" &&
		ask "$1" config set other && is "config error answer: error" "1c 04" "$(at 14) $(at 15)" &&
		is "config error answer: zeros after the header" "$(zeros 36)" "$(at 24 36)"
}
err_hdr_unpadded() {
	ask "$1" read 0 0 && is "error answer length" 24 "$(frame_len)" &&
		is "flags, error" "1c 02" "$(at 14) $(at 15)"
}
quirk_check "no-pad: 36-byte ATA and 37-byte config answers" 9 no_pad
quirk_check "err-hdr-only: error answers carry the AoE header only" 10 err_hdr_only
quirk_check "err-hdr-only + no-pad: 24-byte error answers" 11 err_hdr_unpadded
ask 10 write 0 1 -p 3
check "err-hdr-only: answers without the error flag keep their ATA header" \
	is "write answer" "18 40 60" "$(at 14) $(at 27) $(frame_len)"

# --- identity -----------------------------------------------------------------
identity() {
	ask "$1" identify && grep -q 'model="Quirk Disk Model" serial="SN-QUIRK-12" fw="FW12"' <<<"$ANS"
}
no_flush() {
	ask "$1" identify && grep -q 'flush=0 flush_ext=0' <<<"$ANS" &&
		is "words 83 86" "0044 0004" "$(at 202 2) $(at 208 2)"
}
quirk_check "--serial, --model, --firmware in IDENTIFY" 12 identity
quirk_check "--no-flush: IDENTIFY announces no flush" 13 no_flush
ask 1 identify
check "default identity: serial e1.1, model, firmware" \
	grep -q 'model="aoe-xdp aoe-target" serial="e1.1" fw="0.1.0"' <<<"$ANS"

# --- stats --------------------------------------------------------------------
stop_targets
# Shelf 1 answered every check's requests too, and counted none.
jq_check "no quirk counted without --quirk" "$TMP/1.json" '.quirks | all(.[]; . == 0)'
jq_check "flush-echo: 2 FLUSH answers, and both flushes done" "$TMP/2.json" \
	'.quirks.flush_echo == 2 and .answers.flushes_synced == 2 and .answers.ata_errors == 0'
jq_check "flush-abort: 2 answers, nothing flushed" "$TMP/3.json" \
	'.quirks.flush_abort == 2 and .answers.flushes_synced == 0'
jq_check "flush-badarg: 2 answers, nothing flushed" "$TMP/4.json" \
	'.quirks.flush_badarg == 2 and .answers.flushes_synced == 0 and .answers.aoe_errors == 2'
jq_check "flush-status0: 2 answers, both flushes done" "$TMP/5.json" \
	'.quirks.flush_status0 == 2 and .answers.flushes_synced == 2'
jq_check "flush-ext-abort: 1 answer (the EXT one), FLUSH CACHE done" "$TMP/6.json" \
	'.quirks.flush_ext_abort == 1 and .answers.flushes_synced == 1'
jq_check "scnt-echo: 3 answers" "$TMP/7.json" '.quirks.scnt_echo == 3'
jq_check "lba-advance: 3 answers" "$TMP/8.json" '.quirks.lba_advance == 3'
# no-pad also shaped the config announcement each target sends at start.
jq_check "no-pad: 3 unpadded answers and the announcement" "$TMP/9.json" '.quirks.no_pad == 4'
jq_check "err-hdr-only: 2 error answers cut" "$TMP/10.json" '.quirks.err_hdr_only == 2'
jq_check "err-hdr-only + no-pad: both counted" "$TMP/11.json" \
	'.quirks.err_hdr_only == 1 and .quirks.no_pad == 2'

# --- options ------------------------------------------------------------------
out=$("$AOE_TARGET" --quirk help 2>&1)
check "--quirk help: exit 0, one line per quirk" \
	test "$?" = 0 -a "$(grep -cE '^  (flush-echo|flush-abort|flush-badarg|flush-status0|flush-ext-abort|scnt-echo|lba-advance|no-pad|err-hdr-only) ' <<<"$out")" = 9
out=$("$AOE_TARGET" --help 2>&1)
check "--help lists the quirks" grep -q '^  err-hdr-only ' <<<"$out"
out=$("$AOE_TARGET" -i "$T0" --quirk nope 1.1:ram:1M 2>&1)
check "unknown quirk: refused, says where the list is" \
	test "$?" = 2 -a -n "$(grep -- "--quirk help" <<<"$out")"
out=$("$AOE_TARGET" -i "$T0" --quirk flush-echo --quirk flush-abort 1.1:ram:1M 2>&1)
check "two FLUSH answers at once: refused" test "$?" = 2 -a -n "$(grep 'at most one' <<<"$out")"
out=$("$AOE_TARGET" -i "$T0" --serial 123456789012345678901 1.1:ram:1M 2>&1)
check "a serial longer than 20 characters: refused" \
	test "$?" = 2 -a -n "$(grep 'at most 20' <<<"$out")"
net_done
