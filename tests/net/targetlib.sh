#!/bin/bash
# Helpers for the aoe-target tests (test_target_*.sh): the aoe-probe test
# initiator, in namespace ini on $I0, talks to aoe-target in namespace tgt
# on $T0. Sources lib.sh; call target_init instead of net_init.
#
#   . "$(dirname "$0")/targetlib.sh"
#   target_init [MTU]                   # net_init, one_wire, $PROBE_MAC
#   tgt_start main -b 16 1.1:ram:4M     # aoe-target "main" on $T0
#   expect "identify" 'lba48=1' probe -t 1.1 identify
#   same "writes counted" 5 "$(tgt_stats main .requests.ata_write)"
#   tgt_stop main                       # SIGTERM; it must exit 0
#   net_done
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PROBE=${AOE_PROBE:-$BUILD/tests/aoe-probe}
# A MAC that no interface of the test has, for mask and reserve lists.
# shellcheck disable=SC2034 # for the tests
OTHER_MAC=02:00:00:00:00:01
declare -A TPID=() TLOG=()

# target_init [MTU]: root, tools, namespaces ini and tgt joined by one veth
# pair ($I0 <-> $T0, at MTU if given); $PROBE_MAC is $I0's MAC.
target_init() {
	local bin
	net_init
	need jq cmp
	for bin in "$AOE_TARGET" "$PROBE"; do
		[ -x "$bin" ] || { echo "missing $bin: run make"; exit 1; }
	done
	one_wire "$@"
	# shellcheck disable=SC2034 # for the tests
	PROBE_MAC=$(mac_of ini "$I0")
}

# probe ARGS...: aoe-probe on $I0, waiting 2 s for answers (a later -w wins).
probe() { in_ns ini "$PROBE" -i "$I0" -w 2000 "$@"; }

# tgt_start NAME [aoe-target options] SHELF.SLOT:BACKING...: aoe-target on
# $T0 with its stats file in $TMP/NAME.json; TPID[NAME] is its pid.
tgt_start() {
	local name=$1
	shift
	target_start tgt -i "$T0" --stats-file "$TMP/$name.json" "$@"
	TPID[$name]=$LAST_PID
	TLOG[$name]=$LAST_LOG
}

# tgt_stop NAME: SIGTERM; aoe-target must exit 0.
tgt_stop() {
	local rc
	kill -TERM "${TPID[$1]}"
	wait "${TPID[$1]}"
	rc=$?
	[ $rc -eq 0 ] && return 0
	fail "aoe-target $1 exits cleanly (exit status $rc)"
	sed 's/^/  /' "${TLOG[$1]}"
	return 1
}

# tgt_stats NAME JQ-FILTER: a value from NAME's stats file, written anew
# on SIGUSR2.
tgt_stats() {
	local file=$TMP/$1.json
	rm -f "$file"
	kill -USR2 "${TPID[$1]}"
	wait_for 3 test -s "$file"
	jq -r "$2" "$file"
}

# vblade_9_9 FILE: vblade -b 16 serving a copy of FILE ($TMP/vdisk.img)
# as e9.9 on $T0, answering.
vblade_9_9() {
	need vblade
	cp "$1" "$TMP/vdisk.img"
	vblade_start tgt -b 16 9 9 "$T0" "$TMP/vdisk.img"
	wait_for 5 quiet probe -w 100 -t 9.9 config && return 0
	echo "vblade e9.9 does not answer"
	exit 1
}

# expect DESCRIPTION REGEX COMMAND...: COMMAND's output matches REGEX.
expect() {
	local what=$1 re=$2 out
	shift 2
	out=$("$@" 2>&1)
	if grep -Eq -- "$re" <<<"$out"; then
		ok "$what"
		return 0
	fi
	fail "$what"
	echo "  wanted /$re/"
	echo "  got: $out"
	return 1
}

# same DESCRIPTION WANT GOT: two values are equal.
same() {
	if [ "$2" = "$3" ]; then
		ok "$1"
		return 0
	fi
	fail "$1"
	echo "  wanted '$2', got '$3'"
	return 1
}

# sectors_file FILE LBA COUNT: those sectors of a file, on stdout.
sectors_file() { dd if="$1" bs=512 skip="$2" count="$3" status=none; }
