#!/bin/bash
# Boot one kernel variant with its test plan and judge the results.
# Usage: run-plan.sh VARIANT [PLAN]   (default plan: tests/plan/VARIANT.plan)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

variant=${1:?usage: run-plan.sh VARIANT [PLAN]}
plan=${2:-$ROOT/tests/plan/$variant.plan}
arch=$(variant_arch "$variant")
kernel=$BUILD/out/$variant/$(arch_image "$arch")
bins=$BUILD/out/selftests-$arch
name=$variant
[ $# -ge 2 ] && name=$variant-$(basename "$plan" .plan)
log=$LOGS/guest-$name.log

[ -f "$kernel" ] || die "no kernel $kernel: build the $variant kernel first"
[ -d "$bins" ] || die "no selftests in $bins: build them first"
# The debug kernel's KASAN shadow takes an eighth of the guest's memory.
mem=()
case "$variant" in
*-debug) mem=(--mem 4G) ;;
esac
"$ROOT/scripts/guest-run.sh" --arch "$arch" --kernel "$kernel" \
	--bins "$bins" --plan "$plan" --log "$log" "${mem[@]}"
"$ROOT/scripts/results.sh" "$name" "$plan" "$log"
