#!/bin/bash
# Bash completion (tools/aoe-xdp.bash-completion, sourced in bash and
# driven as bash drives it: COMP_WORDS, COMP_CWORD, then COMPREPLY):
# commands, every option of every command (as its --help lists them), an
# option's values, file names for a path, network interfaces (of the
# namespace it runs in) and the running daemon's devices.
. "$(dirname "$0")/lib.sh"
net_init
need bash
SCRIPT=$TOP/tools/aoe-xdp.bash-completion

# comp NS|- WORD...: the candidates for the last word, sorted, one line.
comp() {
	local ns=$1
	shift
	local prog=(bash -c '. "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
		_aoe_xdp; printf "%s\n" "${COMPREPLY[@]}" | sort | xargs' "$SCRIPT" "$AOE_XDP" "$@")
	if [ "$ns" = - ]; then "${prog[@]}"; else in_ns "$ns" "${prog[@]}"; fi
}
# same_comp DESCRIPTION WANT NS WORD...
same_comp() {
	local what=$1 want=$2 got
	shift 2
	got=$(comp "$@")
	if [ "$got" = "$want" ]; then ok "$what"; return 0; fi
	fail "$what"
	echo "  wanted '$want'"
	echo "  got    '$got'"
}

same_comp "a command from its first letters" "flush" - fl
same_comp "after a global option too" "stat" - -v st
same_comp "an enum option's values" "auto native skb" - attach --mode ''
same_comp "stat's options" "--help --json --prometheus" - stat --
same_comp "a path option: file names" "/tmp" - attach --fuse-dir /tm
cmds=$(comp - '')
check "every command is offered (${cmds// /,})" \
	test "$(wc -w <<<"$cmds")" = "$("$AOE_XDP" --help | sed -n '/^Commands:/,/^$/p' | grep -c '^  [a-z]')"
for c in $cmds; do
	want=$({ "$AOE_XDP" "$c" --help | grep -oE '^  (-., )?--[a-z0-9-]+' | grep -oE -- '--[a-z0-9-]+'; } |
		sort | xargs)
	same_comp "$c: every option of its --help" "$want" - "$c" --
done

one_wire
target_start tgt -q -i "$T0" 1.1:ram:4M 1.2:ram:4M
same_comp "no daemon: no device names, no error" "" - ping e
daemon_start ini --export fuse --timeout 1 "$I0" >"$TMP/attach.out" 2>&1
check "attach" test $? -eq 0 || cat "$TMP/attach.out"
same_comp "interfaces of the namespace (not lo)" "$I0" ini discover ''
same_comp "the daemon's devices" "e1.1 e1.2" - flush e
same_comp "... for each word of flush" "e1.1 e1.2" - flush e1.1 e
same_comp "... for the one device of ping" "e1.2" - ping e1.2
same_comp "... not again after it" "" - ping e1.1 ''
same_comp "... nor for reserve's MACs" "" - reserve e1.1 --set ''
same_comp "an option of ping after the device" "--count" - ping e1.1 --co
net_done
