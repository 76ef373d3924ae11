#!/bin/bash
# The one reader of test plans (tests/plan/README has their syntax): check
# a plan and write it in the form that the guest init, guest-run.sh and
# results.sh read, tab-separated, one line per @write and per test:
#   write PATH VALUE
#   test  NAME EXPECT TIMEOUT REASON ARG0 ARG1...   (REASON "-" if none)
# Usage: plan.sh PLAN > PLAN.tsv
set -euo pipefail
. "$(dirname "$0")/lib.sh"

plan=${1:?usage: plan.sh PLAN}
[ -f "$plan" ] || die "no plan $plan"
awk -v file="$plan" '
function bad(msg) {
	printf "error: %s:%d: %s\n", file, NR, msg > "/dev/stderr"
	err = 1
}
{ sub(/\r$/, "") }
/^[[:space:]]*(#|$)/ { next }
{
	reason = "-"
	line = $0
	if ((i = index(line, " # ")) > 0) {
		reason = substr(line, i + 3)
		line = substr(line, 1, i - 1)
	}
	n = split(line, f, /[[:space:]]+/)
	if (f[1] == "") {
		for (j = 1; j < n; j++)
			f[j] = f[j + 1]
		n--
	}
}
f[1] == "@write" {
	if (n != 3)
		bad("@write takes PATH and VALUE")
	else
		print "write\t" f[2] "\t" f[3]
	next
}
f[1] ~ /^@/ { bad("unknown directive " f[1]); next }
{
	if (n < 4) {
		bad("a test line is NAME EXPECT TIMEOUT COMMAND [ARGS...]")
		next
	}
	if (f[1] !~ /^[A-Za-z0-9_.-]+$/)
		bad("test name \"" f[1] "\": letters, digits, _ . - only")
	if (f[1] in seen)
		bad("test " f[1] " twice (line " seen[f[1]] ")")
	seen[f[1]] = NR
	if (f[2] != "pass" && f[2] != "skip")
		bad("EXPECT of " f[1] " is \"" f[2] "\", not pass or skip")
	if (f[3] !~ /^[1-9][0-9]*$/)
		bad("TIMEOUT of " f[1] " is \"" f[3] "\", not a number of seconds")
	if (n - 3 > 64)
		bad("test " f[1] " has more than 64 words in its command")
	if (f[2] == "skip" && reason == "-")
		bad("test " f[1] " expects a skip: say why after \" # \"")
	out = "test\t" f[1] "\t" f[2] "\t" f[3] "\t" reason
	for (j = 4; j <= n; j++)
		out = out "\t" f[j]
	print out
	tests++
}
END {
	if (!err && !tests)
		bad("no test in the plan")
	exit err
}' "$plan"
