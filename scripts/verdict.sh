#!/bin/bash
# Add up the counts of the runs named and print the closing line.
# Usage: verdict.sh NAME...
set -euo pipefail
. "$(dirname "$0")/lib.sh"

results=${RESULTS:-$BUILD/results}
pass=0 fail=0 skip=0
for name in "$@"; do
	if [ -f "$results/$name.counts" ]; then
		read -r p f s <"$results/$name.counts"
	else
		say "FAIL $name (no results)"
		p=0 f=1 s=0
	fi
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
done
say "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
