#!/bin/bash
# Forged responses (third MAC, wrong tag, wrong length, other shelf.slot)
# arrive before the real ones; aoe-xdp ignores and counts them, and the
# data read and written stays exactly right.
. "$(dirname "$0")/lib.sh"
net_init
command -v vblade >/dev/null || skip "needs vblade (make deps)"

ns_add ini
ns_add tgt
I0=$(uniq_if i0)
T0=$(uniq_if t0)
veth_pair ini "$I0" tgt "$T0"
truncate -s 32M "$TMP/disk"
bg tgt vblade 1 1 "$T0" "$TMP/disk"
bg tgt "$BUILD/tests/aoe-spoof" "$T0" "$(mac_of tgt "$T0")" 8
SPOOF_LOG=$LAST_LOG
SPOOF_PID=$LAST_PID
sleep 0.3

daemon_start ini --export fuse --timeout 2 "$I0" || { fail "attach"; net_done; }
FILE=$AOE_XDP_RUN_DIR/fuse/e1.1
check "device exported" test -f "$FILE"

head -c 8M /dev/urandom >"$TMP/data"
dd if="$TMP/data" of="$FILE" bs=64k conv=notrunc,fsync status=none
check "write through forgeries reached the disk intact" cmp -n 8388608 "$TMP/data" "$TMP/disk"
dd if="$FILE" of="$TMP/back" bs=64k count=128 iflag=direct status=none
check "read through forgeries returned the right data" cmp "$TMP/data" "$TMP/back"

wait "$SPOOF_PID"
cat "$SPOOF_LOG"
for k in third_mac bad_tag bad_len bad_addr; do
	n=$(awk -v k=$k '$1 == k { print $2 }' "$SPOOF_LOG")
	check "spoofer sent $k forgeries ($n)" test "${n:-0}" -gt 100
done
"$AOE_XDP" stat --json | jq .received
bad_src=$(stat_json .received.bad_src)
bad_len=$(stat_json .received.bad_len)
bad_addr=$(stat_json .received.bad_addr)
late=$(stat_json '.received.late + .received.bad_tag')
check "third-MAC answers counted ($bad_src)" test "$bad_src" -gt 0
check "wrong-length answers counted ($bad_len)" test "$bad_len" -gt 0
check "other shelf.slot answers counted ($bad_addr)" test "$bad_addr" -gt 0
check "wrong tags counted ($late)" test "$late" -gt 0
check "no request failed" test "$(stat_json '.devices[0].errors')" = 0
net_done
