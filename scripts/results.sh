#!/bin/bash
# The one reader of guest console logs: judge run NAME's log against its
# plan (scripts/plan.sh's form) and write what every report reads:
#   RESULTS/NAME.tsv        one line per test, tab-separated:
#                           TEST STATUS SECONDS REASON (PASS, FAIL or SKIP;
#                           "-" for no seconds or no reason), then the
#                           run's own checks "boot", "timeout" and
#                           "kernel-log" when they fail
#   RESULTS/NAME/TEST.out   the test's own output ("# " taken off)
#   RESULTS/NAME/kernel-log.out  the kernel's splats, if any
# Usage: results.sh NAME PLAN.tsv LOG
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 3 ] || die "usage: results.sh NAME PLAN.tsv LOG"
name=$1 plan=$2 log=$3
dir=$RESULTS/$name
rm -rf "$dir" "$RESULTS/$name.tsv"
mkdir -p "$dir"

clean=$dir/console.log
tr -d '\r' <"$log" >"$clean"
# Each test's output: the "# " lines from "# running: TEST" to its
# "ok N TEST" line (kernel messages in between have no "# ").
awk -v dir="$dir" '
/^# running: / { cur = $3; file = dir "/" cur ".out"; printf "" > file }
cur != "" && /^(not )?ok [0-9]+ / {
	t = $0; sub(/^(not )?ok [0-9]+ /, "", t); sub(/ .*/, "", t)
	if (t == cur) { close(file); cur = "" }
	next
}
cur != "" && /^# / { print substr($0, 3) >> file }' "$clean"

row() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "${3:--}" "${4:--}" >>"$RESULTS/$name.tsv"; }
: >"$RESULTS/$name.tsv"
while IFS=$'\t' read -r _ tname expect _ reason _; do
	line=$(grep -E "^(not )?ok [0-9]+ $tname( |$)" "$clean" | head -n 1 || true)
	wall=$(sed -n "s/^# $tname: wall time \(.*\) s$/\1/p" "$clean" | head -n 1)
	[ "$reason" != - ] || reason="see the plan"
	if [ -z "$line" ]; then
		if [ -f "$dir/$tname.out" ]; then
			row "$tname" FAIL "" "no result: the guest hung, crashed or hit the whole-run timeout during it"
		else
			row "$tname" FAIL "" "never ran"
		fi
	elif [ "${line#not ok}" != "$line" ]; then
		row "$tname" FAIL "$wall" "${line#* # }"
	elif [ "${line% # SKIP*}" != "$line" ]; then
		if [ "$expect" = skip ]; then
			row "$tname" SKIP "$wall" "expected: $reason"
		else
			row "$tname" FAIL "$wall" "skipped, but the plan expects it to run"
		fi
	elif [ "$expect" = skip ]; then
		row "$tname" FAIL "$wall" "passed, but the plan expects a skip ($reason): update the plan"
	else
		row "$tname" PASS "$wall"
	fi
done < <(plan_tests "$plan")

grep -q '^KTAP version 1' "$clean" ||
	row boot FAIL "" "the guest never reported (no KTAP header)"
t=$(grep '^guest-run: whole-run timeout' "$clean" || true)
[ -z "$t" ] || row timeout FAIL "" "$t"

# Kernel splats, outside the init's own copy of the log ("# kmsg:"), and
# the leaks of the init's kmemleak scan ("# kmemleak:", debug kernels).
splat='WARNING:|BUG:|Oops|Kernel panic|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|INFO: lockdep|lockdep is turned off|KASAN:|UBSAN:|unreferenced object|blocked for more than|soft lockup|hard LOCKUP|Call trace:'
{ grep -v '^# ' "$clean"; grep '^# kmemleak: ' "$clean"; } |
	grep -E "$splat" >"$dir/kernel-log.out" || true
if [ -s "$dir/kernel-log.out" ]; then
	row kernel-log FAIL "" "the kernel printed: $(head -n 1 "$dir/kernel-log.out")"
else
	rm -f "$dir/kernel-log.out"
fi
