#!/bin/bash
# aoe-target refuses a bad command line with a message that says what is
# wrong: no interface, an interface or file that does not exist, shelf or
# slot out of range, a malformed SHELF.SLOT, a size that is not whole
# sectors, a bad percentage, the same shelf.slot twice, more sectors than
# the MTU carries.
. "$(dirname "$0")/targetlib.sh"
target_init

# refused DESCRIPTION REGEX ARGS...: aoe-target ARGS fails with a message
# matching REGEX.
refused() {
	local what=$1 re=$2 out rc
	shift 2
	out=$(in_ns tgt "$AOE_TARGET" "$@" 2>&1)
	rc=$?
	if [ $rc -ne 0 ] && grep -Eq -- "$re" <<<"$out"; then
		ok "$what"
		return 0
	fi
	fail "$what"
	echo "  exit $rc, wanted /$re/"
	echo "  got: $out"
	return 1
}

truncate -s 1000 "$TMP/odd.img"
refused "no -i" 'no interface: give -i IFACE' 1.1:ram:1M
refused "missing interface" "interface 'nosuch0': cannot find it" -i nosuch0 1.1:ram:1M
refused "file not found" "cannot open '$TMP/none.img'" -i "$T0" 1.1:"$TMP/none.img"
refused "shelf out of range" 'shelf must be 0\.\.65534 and slot 0\.\.254' -i "$T0" 65535.1:ram:1M
refused "slot out of range" 'shelf must be 0\.\.65534 and slot 0\.\.254' -i "$T0" 1.255:ram:1M
refused "malformed SHELF.SLOT" 'is not SHELF\.SLOT:BACKING' -i "$T0" x.1:ram:1M
refused "size not a multiple of 512" 'not a non-zero multiple of 512' -i "$T0" 1.1:"$TMP/odd.img"
refused "RAM size not a multiple of 512" 'not a multiple of 512' -i "$T0" 1.1:ram:1000
refused "bad percentage" '--drop wants a percentage' -i "$T0" --drop 101 1.1:ram:1M
refused "same shelf.slot twice" 'given twice' -i "$T0" 1.1:ram:1M 1.1:ram:1M
refused "--sectors beyond the MTU" 'does not fit' -i "$T0" --sectors 18 1.1:ram:1M
net_done
