#!/bin/bash
# aoe-xdp on VLAN sub-interfaces (8021q; the host kernel has none, the VM's
# has it as a module). One veth pair, VLANs 42 and 43 on both ends:
#   far VLAN 42: vblade (e1.1, file-backed) and aoe-target (e1.2);
#   far VLAN 43: aoe-target (e2.1); far untagged parent: aoe-target (e9.9).
# 1. `attach I0.42 I0.43` (generic XDP there): each VLAN has its own
#    devices and nothing of the others, the untagged e9.9 is not seen;
#    attach prints the pin path with the dot escaped (I0%2e42) and bpftool
#    dumps it; data written through each /dev/ublkbN reads back, and
#    vblade's backing file holds it.
# 2. the parent I0 is refused while its VLANs are attached, naming them.
# 3. the kernel aoe driver on VLAN 42 beside aoe-xdp: each reads what the
#    other wrote; the classifier passed the kernel's answers, and none of
#    them reached aoe-xdp.
# 4. a daemon killed with VLAN 42 attached: `aoe-xdp detach I0.42` without
#    a daemon removes its program and pins.
# 5. the parent alone serves its untagged e9.9 only (the VLANs' answers
#    are not its), and attaching VLAN 42 beside it is refused.
# Exit: 0 pass, 77 skip (no qemu or VM kernel), 1 fail.
# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/lib.sh"

DISK_MIB=16
PATTERN_KIB=1024
DISCOVER_SECONDS=2
KERNEL_DISCOVER_SECONDS=20
KDEV=/dev/etherd/e1.1

# vlan_add NS|- PARENT ID: PARENT.ID, up, without IPv6 chatter.
vlan_add() {
	local ns=() name=$2.$3
	[ "$1" = - ] || ns=(ip netns exec "$P-$1")
	"${ns[@]}" ip link add link "$2" name "$name" type vlan id "$3" || exit 1
	# sysctl writes a dot in a name as '/': use /proc directly.
	"${ns[@]}" sh -c "echo 1 >/proc/sys/net/ipv6/conf/$name/disable_ipv6"
	"${ns[@]}" ip link set "$name" up || exit 1
}

pin_of() { echo "/sys/fs/bpf/aoe-xdp/${1//./%2e}"; }
dev_names() { stat_json '[.devices[].name] | sort | join(" ")'; }
dev_ifaces() { stat_json ".devices[] | select(.name == \"$1\") | .interfaces"; }
xdp_of() { stat_json ".interfaces[] | select(.name == \"$1\") | .xdp.$2"; }
xdp_on() { ip -d link show "$1" | grep -Eq 'prog/xdp|xdpgeneric|xdp '; }

# io_through NAME OFFSET_KIB: a pattern written through NAME's ublk device
# reads back.
io_through() {
	local dev
	dev=$(ublk_of "$1")
	is_ublk "$dev" || { fail "1: $1 has no /dev/ublkbN"; return 1; }
	check "1: $1: write $PATTERN_KIB KiB through $dev, read it back" \
		written_then_read "$dev" "$dev" "$TMP/p1" "$2"
}

vlans_attached() {
	"$AOE_XDP" attach --timeout $DISCOVER_SECONDS "$V42" "$V43" >"$TMP/attach.out" 2>&1
	local rc=$?
	DAEMON_PID=$(cat "$AOE_XDP_RUN_DIR/aoe-xdp.pid" 2>/dev/null)
	sed 's/^/  | /' "$TMP/attach.out"
	check "1: attach $V42 $V43 exits 0" test $rc -eq 0
	check "1: each VLAN in skb (generic) mode" \
		test "$(stat_json '[.interfaces[].mode] | unique | join(" ")')" = skb
	check "1: devices e1.1 e1.2 e2.1, not the untagged e9.9" test "$(dev_names)" = "e1.1 e1.2 e2.1"
	check "1: e1.1 and e1.2 on $V42 only" \
		test "$(dev_ifaces e1.1)|$(dev_ifaces e1.2)" = "$V42|$V42"
	check "1: e2.1 on $V43 only" test "$(dev_ifaces e2.1)" = "$V43"
	check "1: attach shows the pin path with the dot escaped" \
		grep -qF "bpftool map dump pinned $(pin_of "$V42")/aoe_stats" "$TMP/attach.out"
	check "1: bpftool dumps $(pin_of "$V43")/aoe_stats" \
		quiet bpftool map dump pinned "$(pin_of "$V43")/aoe_stats"
	io_through e1.1 1024
	io_through e1.2 1024
	io_through e2.1 2048
	check "1: vblade's backing file holds what went through e1.1" \
		same_at "$TMP/d11.img" "$TMP/p1" 1024
	check "1: both VLANs' classifiers redirected answers" \
		test "$(xdp_of "$V42" redirected)" -gt 0 -a "$(xdp_of "$V43" redirected)" -gt 0
}

parent_refused() {
	"$AOE_XDP" attach "$I0" >"$TMP/parent.out" 2>&1
	check "2: attach $I0 (the VLANs' parent) is refused" test $? -ne 0
	check "2: the log says $V42 is a VLAN on it, what to detach" grep -qF \
		"$I0: aoe-xdp is attached to $V42 (program id" "$AOE_XDP_RUN_DIR/aoe-xdp.log"
	check "2: no program went on $I0" not xdp_on "$I0"
	check "2: the daemon still serves e1.1" test "$(dev_names)" = "e1.1 e1.2 e2.1"
}

kernel_aoe_start() {
	modprobe aoe aoe_iflist="$V42" && wait_kernel_disk $KDEV $KERNEL_DISCOVER_SECONDS
}

kernel_beside() {
	local dev kernel_passed
	dev=$(ublk_of e1.1)
	check "3: the kernel aoe driver on $V42 finds $KDEV" kernel_aoe_start
	[ -b $KDEV ] || return
	check "3: aoe-xdp writes at 4 MiB, the kernel driver reads it" \
		written_then_read "$dev" $KDEV "$TMP/p2" 4096
	check "3: the kernel driver writes at 8 MiB, aoe-xdp reads it" \
		written_then_read $KDEV "$dev" "$TMP/p3" 8192
	kernel_passed=$(xdp_of "$V42" pass_kernel_tag)
	log "3: $V42 classifier passed $kernel_passed kernel answers, redirected $(xdp_of "$V42" redirected)"
	check "3: $V42's classifier passed the kernel's answers" test "${kernel_passed:-0}" -gt 0
	"$AOE_XDP" stat --json >"$TMP/shared.json"
	# Our own late answers: one per frame sent again, and one per IDENTIFY
	# check or probe that gave up before its answer came (under a loaded
	# TCG guest that happens: CI saw late = retransmits + 1).
	# shellcheck disable=SC2016 # a jq program
	jq_check "3: none of the kernel's answers reached aoe-xdp" "$TMP/shared.json" \
		'([.devices[].targets[] | .retransmits + .identity_checks + .probes] | add) as $ours |
		 .received | .bad_tag == 0 and .bad_src == 0 and .malformed == 0 and .late <= $ours'
	rmmod aoe 2>/dev/null
}

# attach_quiet [attach options] IFACE...: attach, its output in $TMP/attach.out.
attach_quiet() { attach "$@" >"$TMP/attach.out" 2>&1 || { cat "$TMP/attach.out"; return 1; }; }

leftovers_by_name() {
	check "4: attach --export none $V42" attach_quiet --export none --timeout 1 "$V42"
	kill -9 "$DAEMON_PID"
	check "4: the daemon is killed" wait_for 5 not running "$DAEMON_PID"
	DAEMON_PID=
	check "4: it left its program on $V42" xdp_on "$V42"
	check "4: ... and its pins" test -e "$(pin_of "$V42")/aoe_stats"
	check "4: 'aoe-xdp detach $V42' without a daemon exits 0" "$AOE_XDP" detach "$V42"
	check "4: no program on $V42" not xdp_on "$V42"
	check "4: no pins for $V42" test ! -e "$(pin_of "$V42")"
}

parent_alone() {
	check "5: attach --export none $I0 alone" attach_quiet --export none --timeout 1 "$I0"
	check "5: it serves the untagged e9.9 only" test "$(dev_names)" = e9.9
	"$AOE_XDP" attach "$V42" >/dev/null 2>&1
	check "5: attaching $V42 beside its parent is refused" test $? -ne 0
	check "5: the log says $I0 is the interface it sits on" grep -qF \
		"$V42: aoe-xdp is attached to $I0 (program id" "$AOE_XDP_RUN_DIR/aoe-xdp.log"
	check "5: no program went on $V42" not xdp_on "$V42"
	daemon_stop
}

guest() {
	vm_guest_init
	modprobe 8021q || { fail "cannot load 8021q"; vm_done; }
	V42=$I0.42
	V43=$I0.43
	vlan_add - "$I0" 42
	vlan_add - "$I0" 43
	vlan_add tgt "$T0" 42
	vlan_add tgt "$T0" 43
	random_file "$TMP/p1" $PATTERN_KIB
	random_file "$TMP/p2" $PATTERN_KIB
	random_file "$TMP/p3" $PATTERN_KIB
	truncate -s ${DISK_MIB}M "$TMP/d11.img"
	vblade_start tgt 1 1 "$T0.42" "$TMP/d11.img"
	target_start "$T0.42" 1.2:ram:${DISK_MIB}M
	target_start "$T0.43" 2.1:ram:${DISK_MIB}M
	target_start "$T0" 9.9:ram:4M
	vlans_attached
	parent_refused
	kernel_beside
	"$AOE_XDP" detach --all >/dev/null 2>&1
	check "1-3: the daemon is gone" wait_for 10 daemon_gone "$DAEMON_PID"
	DAEMON_PID=
	check "1-3: no pins left" test -z "$(find /sys/fs/bpf/aoe-xdp -mindepth 1 2>/dev/null)"
	leftovers_by_name
	parent_alone
	vm_done
}

vm_main 200 "$VM_UBLK_MODULES 8021q"
