#!/bin/bash
# Reports from the results that scripts/results.sh wrote (RESULTS/NAME.tsv
# and RESULTS/NAME/*.out); nothing here reads a console log.
#   report.sh lines NAME        one PASS/FAIL/SKIP line per test of run NAME
#   report.sh totals NAME...    "N passed, N failed, N skipped" over the
#                               runs; fails if one failed or has no results
#   report.sh qemu TITLE NAME...  the QEMU migration table of the runs
set -euo pipefail
. "$(dirname "$0")/lib.sh"

lines() {
	local name=$1 f=$RESULTS/$1.tsv
	[ -f "$f" ] || { say "FAIL $name (no results)"; return 1; }
	awk -F'\t' -v name="$name" '{
		d = ($4 != "-") ? $4 : ""
		if ($3 != "-")
			d = d (d != "" ? ", " : "") $3 " s"
		printf "%-4s %s/%s%s\n", $2, name, $1, d != "" ? " (" d ")" : ""
	}' "$f"
	if [ -f "$RESULTS/$name/kernel-log.out" ]; then
		head -n 20 "$RESULTS/$name/kernel-log.out" | sed 's/^/     /'
	fi
	if grep -q "$(printf '\tFAIL\t')" "$f"; then
		say "     console log: $LOGS/guest-$name.log"
		return 1
	fi
}

totals() {
	local name pass=0 fail=0 skip=0
	for name in "$@"; do
		if [ ! -f "$RESULTS/$name.tsv" ]; then
			say "FAIL $name (no results)"
			fail=$((fail + 1))
			continue
		fi
		# shellcheck disable=SC2046 # three numbers
		set -- $(awk -F'\t' '{ n[$2]++ } END { print n["PASS"] + 0, n["FAIL"] + 0, n["SKIP"] + 0 }' \
			"$RESULTS/$name.tsv")
		pass=$((pass + $1)) fail=$((fail + $2)) skip=$((skip + $3))
	done
	say "$pass passed, $fail failed, $skip skipped"
	[ $fail -eq 0 ]
}

# One row per mode from the "qemu-migrate: mode=..." line that each
# passing run of tests/qemu/qemu-migrate.c prints.
qemu() {
	local title=$1 name
	shift
	say "$title"
	for name in "$@"; do
		[ -f "$RESULTS/$name.tsv" ] || continue
		cut -f1 "$RESULTS/$name.tsv" | while read -r t; do
			[ ! -f "$RESULTS/$name/$t.out" ] || cat "$RESULTS/$name/$t.out"
		done
	done | sed -n 's/^qemu-migrate: \(mode=.*\)$/\1/p' | awk '
function v(k,   i, kv) {
	for (i = 1; i <= NF; i++) {
		split($i, kv, "=")
		if (kv[1] == k)
			return kv[2]
	}
	return "?"
}
BEGIN {
	fmt = "  %-11s %6s %8s %11s %8s %9s %6s %10s %8s  %s\n"
	printf fmt, "mode", "ring", "total s", "downtime ms", "setup ms",
		"sent MiB", "syncs", "ring-full", "reaps", "verdict"
}
{
	printf fmt, v("mode"), v("ring") == 0 ? "-" : v("ring"),
		sprintf("%.1f", v("total_ms") / 1000), v("downtime_ms"),
		v("setup_ms"), sprintf("%.0f", v("bytes") / 1048576),
		v("dirty_syncs"), v("ring_full"), v("reaps"), v("verdict")
	n++
}
END { if (!n) print "  (no mode completed: see the FAIL lines above)" }'
}

case "${1:-}" in
lines) [ $# -eq 2 ] || die "usage: report.sh lines NAME"; lines "$2" ;;
totals) shift; totals "$@" ;;
qemu) [ $# -ge 3 ] || die "usage: report.sh qemu TITLE NAME..."; shift; qemu "$@" ;;
*) die "usage: report.sh lines NAME | totals NAME... | qemu TITLE NAME..." ;;
esac
