#!/bin/bash
# The benchmark's plan for one variant: a sweep of dirty_ring_perf_test,
# each run comparing the ring with the bitmap at several dirty percentages
# in one VM per interface, repeated REPS times.
# Usage: bench-plan.sh VARIANT REPS full|quick > PLAN
#
# Under TCG a guest write fault costs about 0.2-0.5 ms, so the sweep is cut
# to what fits in minutes: 100 % only at 64 MiB, 10 % up to 256 MiB.
#   grid:    64M/256M/1G x 0.1/1/10/100 % (as above), 1 vCPU,
#            ring (4096 entries) / get+clear / get
#   ring64k: a 65536-entry ring where a 4096-entry one fills up
#   vcpus:   2 and 4 vCPUs at 256M, 1 %
#   pages:   256 and 2048 dirty pages in each memory size, to show what
#            the ring's cost grows with (memory or dirty pages)
#   quick:   two small runs, about a minute
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 3 ] || die "usage: bench-plan.sh VARIANT REPS full|quick"
variant=$1 reps=$2 sweep=$3
case "$reps" in '' | *[!0-9]* | 0) die "BENCH_REPS is a number above 0, not '$reps'" ;; esac
case "$sweep" in full | quick) ;; *) die "BENCH_SWEEP is full or quick, not '$sweep'" ;; esac
# The guest mode the selftests use (their default on arm64 is every mode).
gm=$(variant_get "$variant" guest_mode)
[ "$gm" = - ] && gm='' || gm=" -m $gm"

echo "# scripts/bench-plan.sh $variant $reps $sweep"
for r in $(seq 1 "$reps"); do
	t="pass 900 dirty_ring_perf_test$gm"
	if [ "$sweep" = quick ]; then
		echo "r${r}_quick_64m $t -b 64M -d 0.1,1,10 -i 2"
		echo "r${r}_quick_1g $t -b 1G -d 0.1,1 -i 2 -M ring,clear"
		continue
	fi
	echo "r${r}_grid_64m $t -b 64M -d 0.1,1,10 -i 3"
	echo "r${r}_grid_64m_100 $t -b 64M -d 100 -i 1 -M ring,clear"
	echo "r${r}_grid_256m $t -b 256M -d 0.1,1,10 -i 2"
	echo "r${r}_grid_1g $t -b 1G -d 0.1,1 -i 3"
	echo "r${r}_ring64k_64m $t -b 64M -d 10,100 -i 1 -r 65536 -M ring"
	for v in 2 4; do
		echo "r${r}_vcpus${v}_256m $t -b 256M -d 1 -v $v -i 3 -M ring,clear"
	done
	# 100 * pages / (memory in pages): 256 and 2048 dirty pages.
	echo "r${r}_pages_64m $t -b 64M -d 1.5625,12.5 -i 3 -M ring,clear"
	echo "r${r}_pages_256m $t -b 256M -d 0.390625,3.125 -i 3 -M ring,clear"
	echo "r${r}_pages_1g $t -b 1G -d 0.09765625,0.78125 -i 3 -M ring,clear"
done
