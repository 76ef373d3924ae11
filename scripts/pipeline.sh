#!/bin/bash
# The two user-facing jobs, one progress line per phase, then a verdict.
#   pipeline.sh demo   QEMU 10 live-migrates a guest with the dirty ring in
#                      the arm64 guest: its table and verdict
#   pipeline.sh run    the migration verifier with its options in ARGS
#   pipeline.sh debug  the arm64 debug kernel with its plan (stress, fuzzer)
#   pipeline.sh test   check the series, build and boot every variant, run
#                      every test plan
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mode=${1:-test}
S=$ROOT/scripts
VARIANTS=${VARIANTS:-arm64-4k arm64-64k x86_64}

phases=()
tables=() # "variant|console log" of the QEMU migration runs
add() { phases+=("$1|$2"); }
add "installing missing Debian packages" "$S/deps.sh"
add "preparing the work tree (Linux $(cat "$PATCHES/BASE") + patches/series)" "$S/base.sh"
case "$mode" in
demo)
	add "building arm64 kernel (4K pages)" "$S/build-kernel.sh arm64-4k"
	add "fetching QEMU 10 for arm64, building the migration controller" "$S/build-qemu-guest.sh arm64"
	# The default (demo.plan), or the modes and sizes of make's knobs.
	plan=$ROOT/tests/plan/demo.plan
	if [ "${MODES:-ring} ${RING:-4096} ${SMALL_RING:-1024} ${GUEST_MIB:-256} ${WRITE_MIB:-64}" != "ring 4096 1024 256 64" ]; then
		plan=$BUILD/qemu.plan
		mkdir -p "$BUILD"
		"$S/qemu-plan.sh" >"$plan"
	fi
	name=arm64-4k-$(basename "$plan" .plan)
	runs=("$name")
	tables=("arm64-4k|$LOGS/guest-$name.log")
	export SHOW=1
	add "QEMU live-migrates a guest (${MODES:-ring}) in the arm64 guest" \
		"$S/run-plan.sh arm64-4k $plan"
	;;
run)
	add "building arm64 kernel (4K pages)" "$S/build-kernel.sh arm64-4k"
	add "building arm64 KVM selftests" "$S/build-selftests.sh arm64 arm64-4k"
	# make run ARGS="...": the verifier with the user's options.
	plan=$BUILD/run.plan
	mkdir -p "$BUILD"
	echo "migration pass ${TIMEOUT:-1800} aarch64/dirty_migration_test ${ARGS:-}" >"$plan"
	runs=(arm64-4k-run)
	export SHOW=1
	add "running the migration verifier in the arm64 guest" "$S/run-plan.sh arm64-4k $plan"
	;;
test)
	add "checking the series (checkpatch, bodies, sign-offs, applies)" "$S/check.sh"
	for v in $VARIANTS; do
		add "building $v kernel" "$S/build-kernel.sh $v"
	done
	for a in arm64 x86_64; do
		case " $VARIANTS " in
		*" $a"*) add "building $a KVM selftests" \
			"$S/build-selftests.sh $a $(for v in $VARIANTS; do case $v in $a*) echo "$v"; break ;; esac; done)" ;;
		esac
	done
	for a in arm64 x86_64; do
		case " $VARIANTS " in
		*" $a"*) add "fetching QEMU 10 for $a, building the migration controller" \
			"$S/build-qemu-guest.sh $a" ;;
		esac
	done
	runs=()
	for v in $VARIANTS; do
		add "running the $v test plan in QEMU" "$S/run-plan.sh $v"
		runs+=("$v")
		# The QEMU migration, in the variants that have a plan for it
		# (README: the test matrix says which not, and why).
		[ -f "$ROOT/tests/plan/qemu-$v.plan" ] || continue
		add "QEMU live-migrates a guest in the $v guest" \
			"$S/run-plan.sh $v $ROOT/tests/plan/qemu-$v.plan"
		runs+=("$v-qemu")
		tables+=("$v|$LOGS/guest-$v-qemu.log")
	done
	;;
debug)
	add "building arm64 debug kernel (lockdep, KASAN, kmemleak...)" "$S/build-kernel.sh arm64-debug"
	# The debug kernel's own uapi headers: make test-debug must not need
	# the arm64-4k kernel to be built first.
	add "building arm64 KVM selftests" "$S/build-selftests.sh arm64 arm64-debug"
	add "fetching QEMU 10 for arm64, building the migration controller" "$S/build-qemu-guest.sh arm64"
	runs=(arm64-debug arm64-debug-qemu)
	add "running the arm64-debug test plan in QEMU" "$S/run-plan.sh arm64-debug"
	add "QEMU live-migrates a guest in the arm64-debug guest" \
		"$S/run-plan.sh arm64-debug $ROOT/tests/plan/qemu-arm64-debug.plan"
	tables+=("arm64-debug|$LOGS/guest-arm64-debug-qemu.log")
	;;
*) die "usage: pipeline.sh demo|run|test|debug" ;;
esac

mkdir -p "$LOGS"
rm -f "$BUILD"/results/*.counts
# No table from an earlier run's log if this run does not get that far.
for t in "${tables[@]}"; do rm -f "${t#*|}"; done
n=${#phases[@]} i=0 failed=0
for ph in "${phases[@]}"; do
	i=$((i + 1))
	title=${ph%%|*} cmd=${ph#*|}
	say "[$i/$n] $title..."
	start=$SECONDS
	# shellcheck disable=SC2086 # cmd is a word list made above
	if ! $cmd; then
		case "$cmd" in
		*run-plan.sh*) failed=1 ;;
		*) say "stopped: '$title' failed"; exit 1 ;;
		esac
	fi
	say "      $title: $((SECONDS - start)) s"
done
for t in "${tables[@]}"; do
	[ ! -f "${t#*|}" ] ||
		"$S/qemu-table.sh" "QEMU 10 live migration in the ${t%%|*} guest:" "${t#*|}"
done
"$S/verdict.sh" "${runs[@]}" || failed=1
exit $failed
