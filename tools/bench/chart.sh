#!/bin/bash
# chart.sh RATIOS.tsv OUT.svg TITLE [YLABEL]: a bar per line of RATIOS.tsv
# ("label<TAB>ratio<TAB>low<TAB>high"), the range as an error bar, a line
# at 1 (level). gnuplot (make deps installs gnuplot-nox).
#
# chart.sh --md TABLE.md: the "label ratio low high" lines of a make bench
# table (results.md: MTU, test, unit, aoe-xdp "mean (low-high)", kernel
# "mean (low-high)", ratio): the ratio, low is aoe-xdp's lowest over the
# kernel's highest, high the other way round. The loss table's rows have
# the same first columns with a loss ("3%") for the MTU: their label says so.
# Rows of any other shape are skipped.
set -u

md_ratios() {
	awk -F'|' '
	function num(cell, part,   a) {	# part 1: mean, 2: low, 3: high
		gsub(/[ ()]/, " ", cell); gsub(/-/, " ", cell)
		if (split(cell, a, " ") < 3) { a[2] = a[1]; a[3] = a[1] }
		return a[part] + 0
	}
	NF >= 8 && $2 ~ /^ *[0-9.]+%? *$/ && $5 ~ /[0-9]/ && $6 ~ /[0-9]/ {
		label = $2 ($2 ~ /%/ ? " loss " : " ") $3
		gsub(/^ +| +$/, "", label); gsub(/  +/, " ", label)
		xm = num($5, 1); xl = num($5, 2); xh = num($5, 3)
		km = num($6, 1); kl = num($6, 2); kh = num($6, 3)
		if (km <= 0 || kl <= 0 || kh <= 0) next
		# The ratio column (of the unrounded means) where there is one.
		ratio = ($7 ~ /^ *[0-9.]+ *$/) ? $7 + 0 : xm / km
		printf "%s\t%.3f\t%.3f\t%.3f\n", label, ratio, xl / kh, xh / kl
	}' "$1"
}

chart() {
	local tsv=$1 svg=$2 title=$3 ylabel=${4:-ratio}
	command -v gnuplot >/dev/null || { echo "chart: no gnuplot (make deps), no $svg" >&2; return 1; }
	[ -s "$tsv" ] || { echo "chart: nothing to draw in $tsv" >&2; return 1; }
	gnuplot <<EOF
set terminal svg size 900,420 dynamic enhanced font "sans,11" background rgb "white"
set output "$svg"
set title "$title"
set ylabel "$ylabel"
set datafile separator "\t"
set style fill solid 0.6 border -1
set boxwidth 0.6
set yrange [0:*]
set xtics rotate by -30 nomirror
set grid ytics
set key off
set bmargin 7
set rmargin 12
plot "$tsv" using 0:2:xtic(1) with boxes lc rgb "#4477aa", \
     "" using 0:2:3:4 with yerrorbars lc rgb "black" pt 0, \
     1 with lines dt 2 lc rgb "#aa3377"
EOF
}

if [ "${1:-}" = --md ]; then
	md_ratios "$2"
else
	chart "$@"
fi
