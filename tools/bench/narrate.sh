# shellcheck shell=bash
# Shown-then-run commands, shared by tools/demo.sh and tools/bench/*.sh.
# Sourced, not run.

# The command line as a shell would read it back.
cmdline() {
	local a out=
	for a; do out+=" $(printf '%q' "$a")"; done
	echo "${out# }"
}

# run COMMAND...: show it, run it, return its status.
run() {
	echo "\$ $(cmdline "$@")"
	"$@"
}
