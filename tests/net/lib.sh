#!/bin/bash
# Shared helpers for network tests: every test builds its own namespaces
# and veth pairs, starts its peers, and tears all of it down on exit,
# stopping only the processes it started (by pid).
#
#   . "$(dirname "$0")/lib.sh"
#   net_init                      # unique prefix, traps, checks root
#   ns_add ini; ns_add tgt        # namespaces $P-ini, $P-tgt
#   veth_pair ini i0 tgt t0       # i0 in ini <-> t0 in tgt, both up
#   bg tgt vblade 1 2 t0 FILE     # background process, pid remembered
#   in_ns ini aoe-xdp discover i0 # run in a namespace
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-$TOP/build}
AOE_XDP=${AOE_XDP:-$BUILD/aoe-xdp}
AOE_TARGET=${AOE_TARGET:-$BUILD/aoe-target}
P=aoet$$
TMP=
PIDS=()
NSS=()
FAILS=0

log() { echo "# $*"; }
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
skip() { echo "SKIP: $*"; exit 77; }
ok() { echo "ok: $*"; }

# check DESCRIPTION COMMAND...: a failing command counts, the test goes on.
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else fail "$what"; fi
}

net_cleanup() {
	local pid ns
	daemon_stop
	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${PIDS[@]}"; do
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null
	done
	for ns in "${NSS[@]}"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	[ -n "$TMP" ] && rm -rf "$TMP"
}

net_init() {
	[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
	command -v ip >/dev/null || skip "needs iproute2"
	[ -x "$AOE_XDP" ] || { echo "missing $AOE_XDP: run make"; exit 1; }
	TMP=$(mktemp -d /tmp/$P.XXXX)
	AOE_XDP_RUN_DIR=$TMP/run
	mkdir -p "$AOE_XDP_RUN_DIR"
	trap 'net_cleanup' EXIT
	trap 'exit 130' INT TERM
}

ns_add() {
	ip netns add "$P-$1" || { echo "cannot create namespace $P-$1"; exit 1; }
	NSS+=("$P-$1")
	ip -n "$P-$1" link set lo up
}

# veth_pair NS1 IF1 NS2 IF2 [MTU]
veth_pair() {
	ip link add "$2" netns "$P-$1" type veth peer name "$4" netns "$P-$3" || exit 1
	if [ -n "${5:-}" ]; then
		ip -n "$P-$1" link set "$2" mtu "$5"
		ip -n "$P-$3" link set "$4" mtu "$5"
	fi
	# IPv6 autoconf noise is not what these tests are about.
	ip netns exec "$P-$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1"
	ip netns exec "$P-$3" sysctl -qw "net.ipv6.conf.$4.disable_ipv6=1"
	ip -n "$P-$1" link set "$2" up
	ip -n "$P-$3" link set "$4" up
}

mac_of() { ip -n "$P-$1" -o link show "$2" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'; }

in_ns() { local ns=$1; shift; ip netns exec "$P-$ns" "$@"; }

# bg NS COMMAND...: start in the background, remember the pid;
# its output goes to $LAST_LOG.
bg() {
	local ns=$1; shift
	LAST_LOG=$TMP/bg-${#PIDS[@]}-$(basename "$1").log
	ip netns exec "$P-$ns" "$@" >"$LAST_LOG" 2>&1 &
	LAST_PID=$!
	PIDS+=("$LAST_PID")
}

# innet NS COMMAND...: only the network namespace changes, so mounts (the
# FUSE export) stay visible to the test, unlike with `ip netns exec`.
innet() { local ns=$1; shift; nsenter --net="/run/netns/$P-$ns" "$@"; }

# The daemon keeps its socket, pid file and FUSE mount under $AOE_XDP_RUN_DIR.
export AOE_XDP_RUN_DIR=
DAEMON_PID=

# daemon_start NS [attach options and interfaces...]: attach in NS.
daemon_start() {
	local ns=$1; shift
	innet "$ns" "$AOE_XDP" attach "$@" || return 1
	DAEMON_PID=$(cat "$AOE_XDP_RUN_DIR/aoe-xdp.pid" 2>/dev/null)
	[ -n "$DAEMON_PID" ]
}

daemon_stop() {
	[ -n "$DAEMON_PID" ] || return 0
	"$AOE_XDP" detach --all >/dev/null 2>&1
	for _ in $(seq 100); do kill -0 "$DAEMON_PID" 2>/dev/null || break; sleep 0.1; done
	kill -9 "$DAEMON_PID" 2>/dev/null
	# A killed daemon leaves its FUSE mount behind.
	[ -d "$AOE_XDP_RUN_DIR/fuse" ] && umount -l "$AOE_XDP_RUN_DIR/fuse" 2>/dev/null
	DAEMON_PID=
	return 0
}

# stat_json JQ-FILTER: one value from `aoe-xdp stat --json`.
stat_json() { "$AOE_XDP" stat --json | jq -r "$1"; }

# wait_for SECONDS COMMAND...: poll until the command succeeds.
wait_for() {
	local t=$1 i; shift
	for i in $(seq $((t * 10))); do
		"$@" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

net_done() {
	if [ "$FAILS" -gt 0 ]; then
		echo "$FAILS check(s) failed"
		exit 1
	fi
	exit 0
}
