#!/bin/bash
# The include boundary of user/'s layers (user/README.md): each folder may
# include only from itself and the folders it builds on. The compiler's own
# dependency list (-MM) is checked, so no spelling of a path slips through.
# Fails naming the file and the header it must not use.
set -u
cd "$(dirname "$0")/../.."

declare -A may_use=(
	[lib]="lib"
	[proto]="lib proto"
	[xdp]="lib proto xdp"
	[engine]="lib proto xdp engine"
	[export]="lib proto engine export"
	[daemon]="lib proto xdp engine export daemon"
	[cli]="lib proto xdp engine export daemon cli"
)
CC=${CC:-gcc}
FLAGS="-std=gnu11 -D_GNU_SOURCE -Iinclude -iquote user -Ibuild $(pkg-config --cflags fuse3 2>/dev/null)"

bad=0 checked=0
for layer in "${!may_use[@]}"; do
	for f in user/"$layer"/*.[ch]; do
		[ -e "$f" ] || continue
		checked=$((checked + 1))
		# Headers are checked as if compiled on their own.
		deps=$($CC $FLAGS -MM -MG -x c "$f" 2>&1) || { echo "FAIL: $f does not preprocess:"; echo "$deps"; bad=$((bad + 1)); continue; }
		for dep in $(tr -d '\\' <<<"$deps" | tr ' ' '\n' | grep '^user/'); do
			used=$(cut -d/ -f2 <<<"$dep")
			if ! grep -qw "$used" <<<"${may_use[$layer]}"; then
				echo "FAIL: $f includes $dep: $layer/ may use only ${may_use[$layer]}"
				bad=$((bad + 1))
			fi
		done
	done
done
# Every folder under user/ must have a rule above.
for d in user/*/; do
	d=$(basename "$d")
	if [ -z "${may_use[$d]+x}" ]; then
		echo "FAIL: user/$d/ has no rule in $0"
		bad=$((bad + 1))
	fi
done
echo "layers: $checked files checked, $bad violations"
[ "$bad" -eq 0 ]
