# Helpers for the tests of aoe-target's own behaviour (quirks, pause):
# several aoe-targets on one veth pair, one shelf each, and aoe-probe on
# the initiator end.
#   . "$(dirname "$0")/quirklib.sh"    # namespaces, $I0 <-> $T0, $PROBE
#   shelf_target 2 --quirk flush-echo ram:1M
#   probe 2 -x flush; stop_targets; jq_check ... "$TMP/2.json" ...
. "$(dirname "${BASH_SOURCE[0]}")/iolib.sh"
io_init
need jq
PROBE=${AOE_PROBE:-$BUILD/tests/aoe-probe}
[ -x "$PROBE" ] || { echo "missing $PROBE: run make $PROBE"; exit 1; }
one_wire

# shelf_target SHELF [aoe-target options] BACKING: eSHELF.1 on BACKING,
# stats in $TMP/SHELF.json (on exit), pid in TPID[SHELF], log in TLOG[SHELF].
declare -A TPID=() TLOG=()
shelf_target() {
	local shelf=$1 backing=${*: -1}
	shift
	target_start tgt -i "$T0" --stats-file "$TMP/$shelf.json" "${@:1:$#-1}" \
		"$shelf.1:$backing"
	TPID[$shelf]=$LAST_PID
	TLOG[$shelf]=$LAST_LOG
}

# probe SHELF [aoe-probe options] COMMAND...: aoe-probe to eSHELF.1.
probe() { local shelf=$1; shift; in_ns ini "$PROBE" -i "$I0" -t "$shelf.1" "$@"; }

# stop_targets: SIGTERM to each, and wait: they write their stats files.
stop_targets() {
	local shelf
	for shelf in "${!TPID[@]}"; do
		kill "${TPID[$shelf]}"
		wait "${TPID[$shelf]}"
	done
}
