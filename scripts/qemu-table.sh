#!/bin/bash
# The QEMU migration table of one or more guest console logs: one row per
# mode from the "qemu-migrate: mode=..." line each passing run prints.
# Usage: qemu-table.sh TITLE LOG...
set -euo pipefail
. "$(dirname "$0")/lib.sh"

title=${1:?usage: qemu-table.sh TITLE LOG...}
shift
say "$title"
for f in "$@"; do [ -f "$f" ] || die "qemu-table.sh: no log $f"; done
cat "$@" | tr -d '\r' | sed -n 's/^# qemu-migrate: \(mode=.*\)$/\1/p' | awk '
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
