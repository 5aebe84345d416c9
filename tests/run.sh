#!/bin/bash
# Runs every test suite and ends with "N passed, M failed, K skipped".
#   tests/run.sh            all suites
#   tests/run.sh net vm     only those suites
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

echo
[ ${#failures[@]} -gt 0 ] && echo "failed: ${failures[*]}"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
