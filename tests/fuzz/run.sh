#!/bin/bash
# Runs every libFuzzer target (tests/fuzz/*.c, built as $BUILD/fuzz/<name>)
# for FUZZ_SECONDS in total (default 20), split evenly between them.
# Seeds: tests/fuzz/seeds/<name>/*.hex (hex text) are written as binary into
# $BUILD/fuzz/corpus-<name>/, which libFuzzer then grows from run to run.
# Ends with one line; exits 1 when a target crashes, 77 when clang is absent.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
MAX_LEN=2048		# an AoE frame with a 1024-byte config string fits
UNIT_TIMEOUT=10		# seconds for one input before it counts as a hang
OUT=$BUILD/fuzz

names=()
for src in tests/fuzz/*.c; do
	[ -e "$src" ] && names+=("$(basename "$src" .c)")
done
if [ ${#names[@]} -eq 0 ]; then
	echo "fuzz: no targets in tests/fuzz/*.c"
	exit 1
fi
if ! command -v "${CLANG:-clang}" >/dev/null; then
	echo "skipped: clang is not installed (tools/deps.sh installs it)"
	exit 77
fi
bins=("${names[@]/#/$OUT/}")
if ! make --no-print-directory -s BUILD="$BUILD" "${bins[@]}"; then
	echo "fuzz: building ${bins[*]} failed (see the compiler output above)"
	exit 1
fi

seed_corpus() { # name -> corpus dir on stdout
	local corpus=$OUT/corpus-$1 seed
	mkdir -p "$corpus"
	for seed in tests/fuzz/seeds/"$1"/*.hex; do
		[ -e "$seed" ] || continue
		xxd -r -p "$seed" >"$corpus/seed-$(basename "$seed" .hex)"
	done
	echo "$corpus"
}

per=$((FUZZ_SECONDS / ${#names[@]}))
[ "$per" -lt 1 ] && per=1
summary=() crashed=()
for name in "${names[@]}"; do
	log=$OUT/$name.log
	corpus=$(seed_corpus "$name")
	"$OUT/$name" -max_total_time="$per" -max_len="$MAX_LEN" -timeout="$UNIT_TIMEOUT" \
		-error_exitcode=1 -timeout_exitcode=1 -print_final_stats=1 \
		-artifact_prefix="$OUT/$name-" "$corpus" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	units=$(find "$corpus" -type f | wc -l)
	if [ $rc -ne 0 ]; then
		input=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
		grep -a -E 'ERROR:|SUMMARY:|check failed|runtime error|#[0-5] 0x' "$log" | head -n 12
		crashed+=("$name (rc $rc, input ${input:-none written}, log $log)")
	fi
	summary+=("$name ${runs:-?} runs, corpus $units")
done

IFS=';'
if [ ${#crashed[@]} -gt 0 ]; then
	echo "fuzz: FAILED in ${crashed[*]}"
	exit 1
fi
echo "fuzz: no crash in ${FUZZ_SECONDS}s (${summary[*]})"
