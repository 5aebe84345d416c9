#!/bin/bash
# Stopping the daemon while I/O hangs on a frozen target (SIGSTOP) and no
# dead timeout would ever fail it (--dead-timeout 0). Two rounds, one by
# `aoe-xdp detach --all`, one by SIGTERM to the daemon: the pending dd
# fails with an I/O error within 5 s (no hang), the daemon exits, and
# nothing is left: no XDP program on the interface, no pins in bpffs, no
# FUSE mount, no control socket, no pid file. Then `aoe-xdp stat` with no
# daemon fails and says aoe-xdp is not running.
. "$(dirname "$0")/iolib.sh"
io_init
need jq

GONE_S=5
DEV=e7.7
PINS=/sys/fs/bpf/aoe-xdp/
one_wire
IMG=$TMP/disk.img
truncate -s 8M "$IMG"
target_start tgt -q -i "$T0" "7.7:$IMG"
TPID=$LAST_PID
random_file "$TMP/data" 8
RUN=$AOE_XDP_RUN_DIR

fuse_mounted() { grep -q " $RUN/fuse " /proc/self/mounts; }

# stop_round NAME OP DD-ARGS...: OP stops the daemon while the dd hangs.
stop_round() {
	local round=$1 op=$2 pid rc
	shift 2
	daemon_start ini --export fuse --dead-timeout 0 "$I0" >"$TMP/$round.attach" 2>&1
	check "[$round] attach --dead-timeout 0" test $? -eq 0 || return
	pid=$DAEMON_PID
	check "[$round] while it runs: XDP program on $I0" xdp_attached ini "$I0"
	check "[$round] ... pins in $PINS$I0" test -e "$PINS$I0"
	check "[$round] ... FUSE mount on $RUN/fuse" fuse_mounted
	check "[$round] ... control socket" test -S "$RUN/aoe-xdp.sock"
	kill -STOP "$TPID"
	bg_io bounded 20 dd "$@" bs=1M status=none 2>"$TMP/$round.dd.err"
	sleep 1
	check "[$round] the dd hangs on the frozen target (still running after 1 s)" kill -0 "$IO_PID"
	check "[$round] ... with frames in flight" test "$(dev_json $DEV .targets[0].nout)" -gt 0
	log "[$round] stopping the daemon (pid $pid) by $op"
	case $op in
	detach)
		timed timeout 10 "$AOE_XDP" detach --all >"$TMP/$round.detach" 2>&1
		check "[$round] aoe-xdp detach --all exits 0 (within ${ELAPSED_MS} ms)" test $? -eq 0 ||
			cat "$TMP/$round.detach" ;;
	sigterm)
		kill -TERM "$pid" ;;
	esac
	t0=$(now_ms)
	check "[$round] the pending dd ends within ${GONE_S}s" wait_for $GONE_S not kill -0 "$IO_PID"
	wait "$IO_PID"
	rc=$?
	log "[$round] dd exited $rc after $(($(now_ms) - t0)) ms: $(head -n 1 "$TMP/$round.dd.err")"
	check "[$round] ... with an error (not the 20 s watchdog)" test $rc -ne 0 -a $rc -ne 124
	check "[$round] ... an I/O error" grep -q "Input/output error" "$TMP/$round.dd.err"
	check "[$round] the daemon exits within ${GONE_S}s" wait_for $GONE_S not kill -0 "$pid"
	kill -0 "$pid" 2>/dev/null || DAEMON_PID=
	check "[$round] no XDP program left on $I0" xdp_clear ini "$I0"
	check "[$round] no pins left in $PINS$I0" test ! -e "$PINS$I0"
	check "[$round] no FUSE mount left" not fuse_mounted
	check "[$round] no control socket left" test ! -e "$RUN/aoe-xdp.sock"
	check "[$round] no pid file left" test ! -e "$RUN/aoe-xdp.pid"
	kill -CONT "$TPID"
}

stop_round write detach if="$TMP/data" of="$(fuse_file $DEV)" conv=notrunc,fsync
stop_round read sigterm if="$(fuse_file $DEV)" of="$TMP/read.back" iflag=direct

"$AOE_XDP" stat >"$TMP/stat.out" 2>&1
rc=$?
check "stat with no daemon running fails (exit $rc)" test $rc -ne 0
check "... saying aoe-xdp is not running" grep -qi "not running" "$TMP/stat.out"
log "stat said: $(cat "$TMP/stat.out")"
if [ "$FAILS" -gt 0 ]; then
	for f in "$RUN"/aoe-xdp.log "$TMP"/*.attach "$TMP"/*.detach; do
		[ -e "$f" ] && { echo "--- $f"; cat "$f"; }
	done
fi
net_done
