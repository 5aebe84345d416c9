#!/bin/bash
# Who may talk to the daemon, and bench writes on an exported device.
# One aoe-target (e5.1) and a daemon with a FUSE export; "nobody" (uid
# 65534) is the user who is not root.
#   - without --ctl-group: the socket is root's (0600); nobody's
#     `aoe-xdp stat` is refused with a message that says how to get in,
#     also when it can open the socket anyway (CAP_DAC_OVERRIDE): the
#     daemon checks the peer's credentials itself (SO_PEERCRED);
#   - with --ctl-group nogroup: the socket is root:nogroup 0660; stat works
#     for a member by its primary group or by a supplementary one, is
#     refused for a non-member; a member's `bench` (which writes or loads
#     the disk) is refused: members may only read;
#   - bench --rw write and randwrite on the exported e5.1 are refused
#     (the export's path named), --force runs them, reads need no --force.
. "$(dirname "$0")/lib.sh"
net_init
need setpriv

GROUP=nogroup
NOBODY=65534
getent group "$GROUP" >/dev/null || skip "no group $GROUP"
getent group 1 >/dev/null || skip "no group with gid 1"
# nobody must reach the socket through the test's folders.
chmod 755 "$TMP"

one_wire
target_start tgt -q -i "$T0" 5.1:ram:8M

# as_nobody [setpriv options] -- COMMAND...: COMMAND as uid 65534.
as_nobody() {
	local opts=()
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	setpriv --reuid=$NOBODY "${opts[@]}" env AOE_XDP_RUN_DIR="$AOE_XDP_RUN_DIR" "$@"
}
SOCK=$AOE_XDP_RUN_DIR/aoe-xdp.sock
sock_mode() { stat -c '%A %U:%G' "$SOCK"; }

# nobody_stat LABEL [setpriv options]: nobody's stat, output in $TMP/LABEL.out.
nobody_stat() {
	local label=$1
	shift
	as_nobody "$@" -- "$AOE_XDP" stat >"$TMP/$label.out" 2>&1
}

daemon_start ini --export fuse --timeout 1 "$I0" >"$TMP/attach.out" 2>&1
check "attach without --ctl-group" test $? -eq 0 || cat "$TMP/attach.out"
check "the socket is root's alone: $(sock_mode)" test "$(sock_mode)" = "srw------- root:root"
nobody_stat plain --regid=$NOBODY --clear-groups
check "nobody's stat is refused" test $? -ne 0
check "... saying how to get in (--ctl-group)" grep -q -- "--ctl-group" "$TMP/plain.out"
cat "$TMP/plain.out"
nobody_stat dac --regid=$NOBODY --clear-groups --inh-caps=+dac_override \
	--ambient-caps=+dac_override
check "nobody with CAP_DAC_OVERRIDE (the socket opens) is refused by the daemon" test $? -ne 0
check "... which checked its credentials: 'the daemon answers root only'" \
	grep -q "permission denied: the daemon answers root only" "$TMP/dac.out"
cat "$TMP/dac.out"
check "... and logged it" grep -q "control socket: refused uid $NOBODY" \
	"$AOE_XDP_RUN_DIR/aoe-xdp.log"

# bench writes on an exported device.
EXPORTED=$(stat_json '.devices[] | select(.name == "e5.1") | .export')
for rw in write randwrite; do
	timeout 30 "$AOE_XDP" bench e5.1 --rw $rw --seconds 1 --size-mb 1 >"$TMP/b-$rw.out" 2>&1
	check "bench --rw $rw on the exported e5.1 is refused" test $? -ne 0
	check "... naming its export $EXPORTED and --force" \
		grep -qF "is exported as $EXPORTED" "$TMP/b-$rw.out"
	timeout 30 "$AOE_XDP" bench e5.1 --rw $rw --seconds 1 --size-mb 1 --force \
		>"$TMP/bf-$rw.out" 2>&1
	check "bench --rw $rw --force runs" test $? -eq 0 || cat "$TMP/bf-$rw.out"
done
cat "$TMP/b-write.out"
timeout 30 "$AOE_XDP" bench e5.1 --rw randread --seconds 1 >"$TMP/b-read.out" 2>&1
check "bench --rw randread needs no --force" test $? -eq 0 || cat "$TMP/b-read.out"
daemon_stop

daemon_start ini --export fuse --timeout 1 --ctl-group "$GROUP" "$I0" >"$TMP/attach2.out" 2>&1
check "attach --ctl-group $GROUP" test $? -eq 0 || cat "$TMP/attach2.out"
check "the socket is root:$GROUP, 0660: $(sock_mode)" test "$(sock_mode)" = "srw-rw---- root:$GROUP"
nobody_stat member --regid=$NOBODY --clear-groups
check "a member by its primary group runs stat" test $? -eq 0 || cat "$TMP/member.out"
check "... and sees e5.1" grep -q "^e5.1 " "$TMP/member.out"
nobody_stat supp --regid=1 --groups=$NOBODY
check "a member by a supplementary group runs stat" test $? -eq 0 || cat "$TMP/supp.out"
nobody_stat other --regid=1 --clear-groups
check "a non-member's stat is refused" test $? -ne 0
cat "$TMP/other.out"
nobody_stat otherdac --regid=1 --clear-groups --inh-caps=+dac_override \
	--ambient-caps=+dac_override
check "... also when the socket opens: 'answers root and members of group $GROUP'" \
	grep -q "answers root and members of group $GROUP" "$TMP/otherdac.out"
as_nobody --regid=$NOBODY --clear-groups -- timeout 30 "$AOE_XDP" bench e5.1 --rw read \
	--seconds 1 >"$TMP/member-bench.out" 2>&1
check "a member's bench is refused: members only read" test $? -ne 0
check "... 'needs root'" grep -q "'bench' needs root" "$TMP/member-bench.out"
cat "$TMP/member-bench.out"
check "root still runs stat" quiet "$AOE_XDP" stat
net_done
