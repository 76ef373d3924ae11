#!/bin/bash
# Judge one guest run: compare the KTAP results in the console log with the
# plan's expectations, scan the kernel log for splats, print one line per
# test and write the counts to RESULTS/<name>.counts ("passed failed skipped").
# Usage: results.sh NAME PLAN LOG
# Exit status: 0 when nothing failed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

name=${1:?usage: results.sh NAME PLAN LOG}
plan=${2:?usage: results.sh NAME PLAN LOG}
log=${3:?usage: results.sh NAME PLAN LOG}
results=${RESULTS:-$BUILD/results}
mkdir -p "$results"

clean=$(mktemp)
trap 'rm -f "$clean"' EXIT
tr -d '\r' <"$log" >"$clean"

pass=0 fail=0 skip=0
report() { # STATUS TEST DETAIL
	printf '%-4s %s/%s%s\n' "$1" "$name" "$2" "${3:+ ($3)}"
}

while read -r tname expect _timeout rest; do
	reason=
	case "$rest" in *' # '*) reason=${rest#* # } ;; esac
	line=$(grep -E "^(not )?ok [0-9]+ $tname( |$)" "$clean" | head -n 1 || true)
	wall=$(sed -n "s/^# $tname: wall time \(.*\) s$/\1 s/p" "$clean" | head -n 1)
	if [ -z "$line" ]; then
		if grep -q "^# running: $tname " "$clean"; then
			report FAIL "$tname" "no result: the guest hung, crashed or hit the whole-run timeout during it"
		else
			report FAIL "$tname" "never ran"
		fi
		fail=$((fail + 1))
	elif [ "${line#not ok}" != "$line" ]; then
		report FAIL "$tname" "${line#* # }${wall:+, $wall}"
		fail=$((fail + 1))
	elif [ "${line% # SKIP*}" != "$line" ]; then
		if [ "$expect" = skip ]; then
			report SKIP "$tname" "expected: ${reason:-see plan}"
			skip=$((skip + 1))
		else
			report FAIL "$tname" "skipped, but the plan expects it to run"
			fail=$((fail + 1))
		fi
	elif [ "$expect" = skip ]; then
		report FAIL "$tname" "passed, but the plan expects a skip (${reason:-see plan}): update the plan"
		fail=$((fail + 1))
	else
		report PASS "$tname" "$wall"
		pass=$((pass + 1))
	fi
done < <(plan_tests "$plan")

if ! grep -q '^KTAP version 1' "$clean"; then
	report FAIL boot "the guest never reported (no KTAP header)"
	fail=$((fail + 1))
fi
if grep -q '^guest-run: whole-run timeout' "$clean"; then
	report FAIL timeout "$(grep '^guest-run: whole-run timeout' "$clean")"
	fail=$((fail + 1))
fi

# Kernel splats, outside the init's own copy of the log ("# kmsg:"), and
# the leaks of the init's kmemleak scan ("# kmemleak:", debug kernels).
splat='WARNING:|BUG:|Oops|Kernel panic|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|INFO: lockdep|lockdep is turned off|KASAN:|UBSAN:|unreferenced object|blocked for more than|soft lockup|hard LOCKUP|Call trace:'
splats=$({ grep -v '^# ' "$clean"; grep '^# kmemleak: ' "$clean"; } |
	grep -E "$splat" || true)
if [ -n "$splats" ]; then
	report FAIL kernel-log "the kernel printed: $(echo "$splats" | head -n 1)"
	echo "$splats" | head -n 20 | sed 's/^/     /'
	fail=$((fail + 1))
fi

echo "$pass $fail $skip" >"$results/$name.counts"
if [ $fail -gt 0 ]; then
	say "     console log: $log"
	exit 1
fi
