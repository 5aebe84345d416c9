#!/bin/bash
# Runs every test suite and ends with "N passed, M failed, K skipped".
#   tests/run.sh            all suites
#   tests/run.sh net vm     only those suites
# With more than one suite, vm runs beside the rest (TEST_JOBS=1: in turn).
# Script tests exit 0 (pass), 77 (skip: they print why) or anything else (fail).
# Criterion binaries count each of their tests.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
LOGS=$BUILD/test-logs
mkdir -p "$LOGS"
suites=("$@")
[ ${#suites[@]} -eq 0 ] && suites=(lint unit bpf fuzz pkg net vm)

passed=0 failed=0 skipped=0
failures=()

report() { # status name seconds log
	case $1 in
	pass) passed=$((passed + 1)); printf 'PASS  %-40s %4ss\n' "$2" "$3" ;;
	skip) skipped=$((skipped + 1)); printf 'SKIP  %-40s %s\n' "$2" "$(tail -n 1 "$4")" ;;
	*) failed=$((failed + 1)); failures+=("$2"); printf 'FAIL  %-40s %4ss (log: %s)\n' "$2" "$3" "$4"
	   sed 's/^/      | /' "$4" | tail -n 40 ;;
	esac
}

run_criterion() { # name binary [needs-root]
	local name=$1 bin=$2 log=$LOGS/$1.log t0=$SECONDS
	if [ "${3:-}" = root ] && [ "$(id -u)" != 0 ]; then
		echo "skipped: $name needs root (BPF_PROG_TEST_RUN)" >"$log"
		report skip "$name" 0 "$log"; return
	fi
	"$bin" --jobs 1 >"$log" 2>&1
	local rc=$? line
	line=$(grep -a 'Synthesis:' "$log" | tail -n 1)
	local tested pass fail crash
	tested=$(sed -n 's/.*Tested: \([0-9]*\).*/\1/p' <<<"$line")
	pass=$(sed -n 's/.*Passing: \([0-9]*\).*/\1/p' <<<"$line")
	fail=$(sed -n 's/.*Failing: \([0-9]*\).*/\1/p' <<<"$line")
	crash=$(sed -n 's/.*Crashing: \([0-9]*\).*/\1/p' <<<"$line")
	if [ -z "$tested" ]; then
		report fail "$name (no Criterion summary, rc=$rc)" $((SECONDS - t0)) "$log"; return
	fi
	printf '%s %-40s %4ss  %s\n' "----" "$name" $((SECONDS - t0)) "$line" | sed 's/\[====\] //'
	passed=$((passed + pass))
	failed=$((failed + fail + crash))
	if [ $((fail + crash)) -gt 0 ] || [ $rc -ne 0 ]; then
		failures+=("$name")
		grep -a -E '\[----\]|\[FAIL\]|ERROR|Sanitizer' "$log" | head -n 40 | sed 's/^/      | /'
		[ $((fail + crash)) -eq 0 ] && { failed=$((failed + 1)); echo "FAIL  $name exited $rc"; }
	fi
}

run_script() { # suite/script
	local path=$1 name log t0=$SECONDS rc
	name=${path#tests/}
	log=$LOGS/$(echo "$name" | tr / _).log
	timeout --foreground -k 10 "${TEST_TIMEOUT:-600}" "$path" >"$log" 2>&1
	rc=$?
	case $rc in
	0) report pass "$name" $((SECONDS - t0)) "$log" ;;
	77) report skip "$name" 0 "$log" ;;
	124) echo "timed out after ${TEST_TIMEOUT:-600}s" >>"$log"; report fail "$name" $((SECONDS - t0)) "$log" ;;
	*) report fail "$name" $((SECONDS - t0)) "$log" ;;
	esac
}

# The VM suite runs beside the others (TEST_JOBS=1: after them): its
# tests spend their time inside qemu, the others in namespaces on the
# host, and nothing is shared but the built binaries. Its lines and counts
# are shown and added at the end.
vm_pid=
if [ "${TEST_JOBS:-2}" != 1 ] && [ ${#suites[@]} -gt 1 ] && [[ " ${suites[*]} " == *" vm "* ]]; then
	rest=()
	for s in "${suites[@]}"; do [ "$s" = vm ] || rest+=("$s"); done
	suites=("${rest[@]}")
	TEST_JOBS=1 "$0" vm >"$LOGS/suite-vm.out" 2>&1 &
	vm_pid=$!
fi

# vm_suite_join: waits for the VM suite, shows its lines, adds its counts.
vm_suite_join() {
	local out=$LOGS/suite-vm.out line more
	wait "$vm_pid"
	echo "---- vm suite (ran beside the others):"
	grep -a -v -E '^(failed: |[0-9]+ passed, )' "$out"
	line=$(grep -a -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$out" | tail -n 1)
	if ! [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped$ ]]; then
		failed=$((failed + 1)); failures+=("vm (no summary: see $out)"); return
	fi
	passed=$((passed + BASH_REMATCH[1]))
	failed=$((failed + BASH_REMATCH[2]))
	skipped=$((skipped + BASH_REMATCH[3]))
	line=$(grep -a '^failed: ' "$out" | tail -n 1)
	read -ra more <<<"${line#failed: }"
	failures+=("${more[@]}")
}

for s in "${suites[@]}"; do
	case $s in
	unit) run_criterion unit "$BUILD/tests/unit" ;;
	bpf) [ -x "$BUILD/tests/bpf" ] && run_criterion bpf "$BUILD/tests/bpf" root ;;
	fuzz) [ -x tests/fuzz/run.sh ] && run_script tests/fuzz/run.sh ;;
	lint|pkg|net|vm)
		# Network tests drive the sanitized daemon: a memory error there
		# fails the test run, not a user's disk.
		[ "$s" = net ] && export AOE_XDP=${AOE_XDP:-$PWD/$BUILD/san/aoe-xdp}
		for t in tests/$s/test_*.sh; do
			[ -e "$t" ] || continue
			run_script "$t"
		done ;;
	*) echo "unknown suite $s (lint unit bpf fuzz pkg net vm)" >&2; exit 2 ;;
	esac
done

[ -n "$vm_pid" ] && vm_suite_join
echo
[ ${#failures[@]} -gt 0 ] && echo "failed: ${failures[*]}"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
