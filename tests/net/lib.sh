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
# Name interfaces with uniq_if (see there) and check with check/jq_check;
# net_done turns the failures into the exit status.
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

# Modifiers for check/wait_for: not COMMAND... succeeds when it fails;
# quiet COMMAND... drops its output.
not() { ! "$@"; }
quiet() { "$@" >/dev/null 2>&1; }

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
	# aoe-xdp keeps a lock file per interface name for good; ours were
	# unique to this test (uniq_if), so nobody else will ever use them.
	rm -f "/run/aoe-xdp/iface-"*"-$$@"*.lock
	[ -n "$TMP" ] && rm -rf "$TMP"
}

net_init() {
	[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
	command -v ip >/dev/null || skip "needs iproute2"
	[ -x "$AOE_XDP" ] || { echo "missing $AOE_XDP: run make"; exit 1; }
	TMP=$(mktemp -d /tmp/$P.XXXX)
	AOE_XDP_RUN_DIR=$TMP/run
	mkdir -p "$AOE_XDP_RUN_DIR"
	# The daemon's eS.N links go here, not into the host's /dev/etherd
	# (other tests, and the kernel aoe driver, may name devices alike).
	export AOE_XDP_ETHERD_DIR=$TMP/etherd
	trap 'net_cleanup' EXIT
	trap 'exit 130' INT TERM
}

# A holder process per namespace keeps one mount namespace alive for it.
# `ip netns exec` gives every command a fresh /sys, so a BPF filesystem
# mounted (and maps pinned) by one command would vanish with it; entering
# the holder's namespaces instead makes the namespace behave like a host
# whose /sys/fs/bpf outlives the processes that use it.
declare -A HOLDER=()

holder_ready() { [ "$(cat "/proc/$1/comm" 2>/dev/null)" = sleep ]; }

ns_add() {
	ip netns add "$P-$1" || { echo "cannot create namespace $P-$1"; exit 1; }
	NSS+=("$P-$1")
	ip -n "$P-$1" link set lo up
	ip netns exec "$P-$1" sleep infinity &
	HOLDER[$1]=$!
	PIDS+=("$!")
	wait_for 5 holder_ready "$!" || { echo "namespace $P-$1: holder did not start"; exit 1; }
}

# no_ipv6 NS IF: IPv6 off on IF. (Not sysctl: it reads a dot in an
# interface name, eth0.42, as a separator.)
no_ipv6() {
	# shellcheck disable=SC2016 # $0 is for the inner shell
	ip netns exec "$P-$1" sh -c 'echo 1 >"/proc/sys/net/ipv6/conf/$0/disable_ipv6"' "$2"
}

# veth_pair NS1 IF1 NS2 IF2 [MTU [MTU2]]: MTU on both ends, or MTU on IF1
# and MTU2 on IF2.
veth_pair() {
	ip link add "$2" netns "$P-$1" type veth peer name "$4" netns "$P-$3" || exit 1
	# IPv6 autoconf noise is not what these tests are about. (Before the
	# MTU: below 1280 the interface has no IPv6 settings left to change.)
	no_ipv6 "$1" "$2"
	no_ipv6 "$3" "$4"
	if [ -n "${5:-}" ]; then
		ip -n "$P-$1" link set "$2" mtu "$5" || exit 1
		ip -n "$P-$3" link set "$4" mtu "${6:-$5}" || exit 1
	fi
	ip -n "$P-$1" link set "$2" up
	ip -n "$P-$3" link set "$4" up
}

mac_of() { ip -n "$P-$1" -o link show "$2" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'; }

# in_ns NS COMMAND...: run in a namespace. (Not "in": that is a bash
# reserved word and cannot name a function.)
in_ns() { local ns=$1; shift; nsenter -t "${HOLDER[$ns]}" -m -n -- "$@"; }

# bg NS COMMAND...: start in the background, remember the pid;
# its output goes to $LAST_LOG.
bg() {
	local ns=$1; shift
	LAST_LOG=$TMP/bg-${#PIDS[@]}-$(basename "$1").log
	# nsenter execs the command: $! is the command's own pid.
	nsenter -t "${HOLDER[$ns]}" -m -n -- "$@" >"$LAST_LOG" 2>&1 &
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
	# A killed daemon leaves its FUSE mount behind. (Not `[ -d ]` first:
	# the dead mount's stat fails with ENOTCONN, so -d says no.)
	grep -q " $AOE_XDP_RUN_DIR/fuse " /proc/self/mounts && umount -l "$AOE_XDP_RUN_DIR/fuse"
	DAEMON_PID=
	return 0
}

# stat_json JQ-FILTER: one value from `aoe-xdp stat --json`.
stat_json() { "$AOE_XDP" stat --json | jq -r "$1"; }

# wait_for SECONDS COMMAND...: poll until the command succeeds, every 0.1 s
# for SECONDS of wall time (a slow command gets fewer tries, not more
# time). The command runs again on every try, so it must find out the
# answer itself: give a command or a function that computes it
# (`wait_for 5 dev_state e1.1 up`), never a value the caller computed
# (`wait_for 5 test "$(stat_json .state)" = up` runs stat_json once, before
# the first try, and then polls a constant). wait_for refuses the one form
# of that mistake it can see, a test or [ without a file operator: its
# answer cannot change (see fixed_test).
wait_for() {
	local t=$1 end
	shift
	if fixed_test "$@"; then
		fail "wait_for $t $*: the answer of this test cannot change; poll a function that computes it"
		return 2
	fi
	# Microseconds: EPOCHREALTIME without its decimal separator.
	end=$((${EPOCHREALTIME//[!0-9]/} + t * 1000000))
	until "$@" 2>/dev/null; do
		[ "${EPOCHREALTIME//[!0-9]/}" -lt "$end" ] || return 1
		sleep 0.1
	done
	return 0
}

# fixed_test COMMAND...: COMMAND (after not/quiet) is test or [ and none of
# its arguments is a file operator (-e, -s, -nt, ...): it compares strings
# or numbers that were fixed when the command line was made.
fixed_test() {
	local a
	while [ "${1:-}" = not ] || [ "${1:-}" = quiet ]; do shift; done
	[ "${1:-}" = test ] || [ "${1:-}" = "[" ] || return 1
	shift
	for a in "$@"; do
		case $a in
		-[abcdefghkprsuwxGLNOS] | -nt | -ot | -ef) return 1 ;;
		esac
	done
	return 0
}

# wait_log SECONDS FILE REGEX: poll until a background log shows the line.
wait_log() { wait_for "$1" grep -Eq -- "$3" "$2"; }

# need COMMAND...: skip the test unless every command is installed.
need() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || skip "needs $c (tools/deps.sh installs it)"
	done
}

# case_wire LABEL [MTU [MTU2]]: a veth pair between namespaces ini and
# tgt, $WIRE_I (iLABEL, in ini) <-> $WIRE_T (tLABEL, in tgt); MTUs as for
# veth_pair.
case_wire() {
	local label=$1
	shift
	WIRE_I=$(uniq_if "i$label")
	WIRE_T=$(uniq_if "t$label")
	veth_pair ini "$WIRE_I" tgt "$WIRE_T" "$@"
}

# one_wire [MTU [MTU2]]: namespaces ini and tgt joined by one veth pair,
# $I0 (initiator end) <-> $T0 (target end).
# shellcheck disable=SC2034 # I0 and T0 are for the tests
one_wire() {
	ns_add ini
	ns_add tgt
	case_wire 0 "$@"
	I0=$WIRE_I
	T0=$WIRE_T
}

# two_wires [MTU]: one_wire plus a second pair between the same namespaces,
# $I1 <-> $T1: two paths to the same targets.
# shellcheck disable=SC2034 # I1 and T1 are for the tests
two_wires() {
	one_wire "$@"
	case_wire 1 "$@"
	I1=$WIRE_I
	T1=$WIRE_T
}

# vblade_start NS [vblade options] SHELF SLOT IFACE FILE: start vblade and
# wait until it serves (it prints "pid N: eSHELF.SLOT, N sectors").
vblade_start() {
	local ns=$1 shelf=${*: -4:1} slot=${*: -3:1}
	shift
	bg "$ns" vblade "$@"
	wait_log 5 "$LAST_LOG" "e$shelf\\.$slot, [0-9]+ sectors" && return 0
	cat "$LAST_LOG"
	echo "vblade e$shelf.$slot did not start"
	exit 1
}

# target_start NS [aoe-target options] SHELF.SLOT:BACKING...: start
# aoe-target and wait until it serves (it writes its pid file then).
# $LAST_PID is its pid, $LAST_LOG its output.
target_start() {
	local ns=$1 pidf
	shift
	pidf=$TMP/aoe-target-${#PIDS[@]}.pid
	bg "$ns" "$AOE_TARGET" --pidfile "$pidf" "$@"
	wait_for 5 test -s "$pidf" && return 0
	cat "$LAST_LOG"
	echo "aoe-target $* did not start"
	exit 1
}

# uniq_if NAME: an interface name no concurrently running test uses.
# Pins live in /sys/fs/bpf/aoe-xdp/<ifname>, and daemons started with innet
# share the host's bpffs: two tests attaching to "i0" at once would meet
# there (the interface lock itself is per network namespace).
uniq_if() { echo "$1-$$"; }

# xdp_attached NS IF: some XDP program (any mode) is on the interface.
# xdp_clear NS IF: the interface exists and has none.
xdp_link() { ip -n "$P-$1" -d link show "$2" 2>/dev/null; }
xdp_attached() { xdp_link "$@" | grep -Eq '(^| )(xdp|xdpgeneric|xdpoffload)( |$)|prog/xdp'; }
xdp_clear() { xdp_link "$@" >/dev/null && ! xdp_attached "$@"; }

# jq_check DESCRIPTION FILE [jq options...] FILTER: FILE holds exactly one
# JSON document and FILTER gives at least one result on it, all true. (jq
# 1.6's -e alone passes an empty file or a filter that selects nothing.)
jq_check() {
	local what=$1 file=$2 filter=${*: -1}
	shift 2
	if jq -n -e "${@:1:$#-1}" "[inputs] as \$docs | (\$docs | length) == 1 and
	    ([\$docs[0] | ($filter)] | length > 0 and all(. == true))" \
	    "$file" >/dev/null 2>&1; then
		ok "$what"
		return 0
	fi
	fail "$what"
	echo "  jq filter: $filter"
	if [ "${JQ_SHOWN:-}" != "$file" ]; then
		echo "  in $file:"
		[ -s "$file" ] || echo "    (empty)"
		sed 's/^/    /' "$file"
		JQ_SHOWN=$file
	fi
	return 1
}

net_done() {
	if [ "$FAILS" -gt 0 ]; then
		echo "$FAILS check(s) failed"
		exit 1
	fi
	exit 0
}
