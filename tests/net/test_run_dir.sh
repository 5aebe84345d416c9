#!/bin/bash
# The run directory and the files root writes there. Each case sets the
# run directory up, runs `attach`, and checks the outcome; no target is
# needed (attach finds no device and stays).
#   - pid file or log a symbolic link (to a file or to where none is yet),
#     or a pid file with a second name (hard link): attach refused, saying
#     which file and what to do, the file linked to untouched, no daemon;
#   - a run directory writable by others (1777, 0775) or owned by another
#     user: refused, saying how to fix it;
#   - under umask 000 the socket is still 0600, the pid file 0644, the log
#     0600, and a run directory attach creates is 0755.
. "$(dirname "$0")/lib.sh"
net_init

one_wire
RUN=$AOE_XDP_RUN_DIR
PRECIOUS="precious data"

# attach_in LABEL: attach with the run directory as the case made it;
# exit status in $RC, output in $TMP/LABEL.out.
attach_in() {
	DAEMON_PID=
	innet ini "$AOE_XDP" attach --export none --timeout 1 "$I0" >"$TMP/$1.out" 2>&1
	RC=$?
	DAEMON_PID=$(cat "$RUN/aoe-xdp.pid" 2>/dev/null)
}
no_daemon() { ! quiet "$AOE_XDP" stat; }
fresh_run_dir() { rm -rf "$RUN" && mkdir -m 0755 "$RUN"; }

# refused LABEL WHY REGEX: the attach was refused and said REGEX.
refused() {
	check "$2: attach refused" test "$RC" -ne 0
	check "$2: ... it says: $3" grep -Eq -- "$3" "$TMP/$1.out"
	sed 's/^/  | /' "$TMP/$1.out"
	check "$2: ... no daemon runs" no_daemon
	# One that started anyway must not spoil the next case.
	no_daemon || { DAEMON_PID=$(pgrep -f "aoe-xdp attach --export none --timeout 1 $I0$"); daemon_stop; }
}

for name in aoe-xdp.pid aoe-xdp.log; do
	fresh_run_dir
	echo "$PRECIOUS" >"$TMP/victim"
	ln -s "$TMP/victim" "$RUN/$name"
	attach_in "link-$name"
	refused "link-$name" "$name a symlink to a file" "$RUN/$name is a symbolic link"
	check "$name a symlink to a file: ... the file is untouched" \
		test "$(cat "$TMP/victim")" = "$PRECIOUS"

	fresh_run_dir
	rm -f "$TMP/nothing-yet"
	ln -s "$TMP/nothing-yet" "$RUN/$name"
	attach_in "dangling-$name"
	refused "dangling-$name" "$name a symlink to nothing" "is a symbolic link"
	check "$name a symlink to nothing: ... nothing was created there" \
		test ! -e "$TMP/nothing-yet"
done

fresh_run_dir
echo "$PRECIOUS" >"$TMP/victim"
ln "$TMP/victim" "$RUN/aoe-xdp.pid"
attach_in hardlink
refused hardlink "the pid file a hard link" "not a plain file of its own"
check "the pid file a hard link: ... the file is untouched" test "$(cat "$TMP/victim")" = "$PRECIOUS"

for mode in 1777 0775; do
	fresh_run_dir
	chmod "$mode" "$RUN"
	attach_in "mode-$mode"
	check "run directory mode $mode: no socket made there" test ! -e "$RUN/aoe-xdp.sock"
	refused "mode-$mode" "run directory mode $mode" "writable by others.*chmod go-w $RUN"
done

fresh_run_dir
chown 65534 "$RUN"
attach_in owner
refused owner "run directory owned by uid 65534" "belongs to uid 65534.*chown root $RUN"

# umask 000: modes come from the code, not from the caller's umask.
rm -rf "$RUN"
(umask 000 && attach_in umask && echo "$RC" >"$TMP/umask.rc")
# shellcheck disable=SC2034 # daemon_stop (lib.sh) stops it
DAEMON_PID=$(cat "$RUN/aoe-xdp.pid" 2>/dev/null)
check "umask 000: attach works" test "$(cat "$TMP/umask.rc")" = 0 || cat "$TMP/umask.out"
check "umask 000: the run directory it made is 0755" test "$(stat -c %a "$RUN")" = 755
check "umask 000: the socket is 0600" test "$(stat -c %a "$RUN/aoe-xdp.sock")" = 600
check "umask 000: the pid file is 0644" test "$(stat -c %a "$RUN/aoe-xdp.pid")" = 644
check "umask 000: the log is 0600" test "$(stat -c %a "$RUN/aoe-xdp.log")" = 600
check "the daemon answers" quiet "$AOE_XDP" stat
daemon_stop
check "detach removed the pid file" test ! -e "$RUN/aoe-xdp.pid"
net_done
