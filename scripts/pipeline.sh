#!/bin/bash
# shellcheck disable=SC2317 # the jobs are called as "job_$job"
# The one orchestrator: each job of the Makefile as a list of phases, one
# progress line per phase, then a verdict. The knobs come from the
# Makefile, which holds their defaults ('make help').
# Usage: pipeline.sh JOB [KNOB=VALUE...]
#   qemu      QEMU 10 live-migrates a guest with the dirty ring in the
#             arm64 guest: its table and verdict (MODES RING SMALL_RING
#             GUEST_MIB WRITE_MIB)
#   run       the migration verifier with its options (ARGS RUN_TIMEOUT)
#   test      check the series, build and boot every variant, run every
#             test plan (VARIANTS)
#   debug     the arm64 debug kernel with its plans
#   control   the QEMU migration on the unpatched base kernel
#   bench     the ring against the bitmap (BENCH_VARIANTS BENCH_REPS
#             BENCH_SWEEP)
#   kernels, selftests, guests   parts of test (VARIANTS)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

S=$ROOT/scripts
job=${1:-}
[ $# -gt 0 ] && shift
for kv in "$@"; do
	case "${kv%%=*}" in
	VARIANTS | ARGS | RUN_TIMEOUT | MODES | RING | SMALL_RING | GUEST_MIB | \
	WRITE_MIB | BENCH_VARIANTS | BENCH_REPS | BENCH_SWEEP)
		printf -v "${kv%%=*}" '%s' "${kv#*=}" ;;
	*) die "pipeline.sh: unknown knob '$kv' (make help lists them)" ;;
	esac
done
need() { # KNOB...: the knobs a job reads, which make always passes
	local k
	for k in "$@"; do
		[ -n "${!k+set}" ] || die "pipeline.sh $job: no $k=... (run it through make)"
	done
}

# A job's phases are declared twice: once to count them, once to run them.
counting=1 n=0 i=0 failed=0
runs=()   # the guest runs whose results make the verdict
tables=() # "TITLE|RUN...": QEMU migration tables printed at the end
phase() { # [--keep-going] TITLE COMMAND...: --keep-going for guest runs
	local keep=0 title start
	[ "$1" != --keep-going ] || { keep=1; shift; }
	title=$1
	shift
	i=$((i + 1))
	[ "$counting" = 0 ] || return 0
	say "[$i/$n] $title..."
	start=$SECONDS
	if ! "$@"; then
		[ "$keep" = 1 ] || { say "stopped: '$title' failed"; exit 1; }
		failed=1
	fi
	say "      $title: $((SECONDS - start)) s"
}
run() { # NAME [--show] [--kernel IMAGE] VARIANT [PLAN]: a guest run
	runs+=("$1")
	"$S/run-plan.sh" --name "$@"
}

setup() {
	phase "installing missing Debian packages" "$S/deps.sh"
	phase "preparing the work tree (Linux $(cat "$PATCHES/BASE") + patches/series)" "$S/base.sh"
}

# The arches of the variants, in order, each with the first variant of
# that arch (whose uapi headers the arch's selftests are built against).
arch_variants() {
	local v a seen=' '
	for v in "$@"; do
		a=$(variant_get "$v" arch)
		case "$seen" in *" $a "*) continue ;; esac
		seen="$seen$a "
		echo "$a $v"
	done
}

kernels() {
	local v
	for v in "$@"; do
		phase "building $v kernel" "$S/build-kernel.sh" "$v"
	done
}
selftests() {
	local a v
	while read -r a v; do
		phase "building $a KVM selftests" "$S/build-selftests.sh" "$a" "$v"
	done < <(arch_variants "$@")
}
qemu_guests() {
	local a v
	while read -r a v; do
		phase "fetching QEMU 10 for $a, building the migration controller" \
			"$S/build-qemu-guest.sh" "$a"
	done < <(arch_variants "$@")
}
guests() { # each variant's plan, then its QEMU plan if it has one
	local v q
	for v in "$@"; do
		phase --keep-going "running the $v test plan in QEMU" run "$v" "$v"
		q=$(variant_get "$v" qemu_plan)
		[ "$q" != - ] || continue
		phase --keep-going "QEMU live-migrates a guest in the $v guest" \
			run "$v-qemu" "$v" "$ROOT/tests/plan/$q"
		tables+=("QEMU 10 live migration in the $v guest:|$v-qemu")
	done
}

write_plan() { # FILE COMMAND...: a plan made from knobs
	mkdir -p "$(dirname "$1")"
	"${@:2}" >"$1.new" && mv "$1.new" "$1"
}
run_plan_line() { # the verifier with make run's ARGS
	echo "migration pass $RUN_TIMEOUT aarch64/dirty_migration_test $ARGS"
}
base_tree() { # the base, unpatched, in a worktree of its own
	local src=$BUILD/linux-base
	if [ ! -d "$src" ]; then
		git -C "$KTREE" worktree add --detach "$src" base >/dev/null ||
			die "cannot check out the base in $src"
	fi
	git -C "$src" checkout -q --detach base
}

job_qemu() {
	need MODES RING SMALL_RING GUEST_MIB WRITE_MIB
	setup
	kernels arm64-4k
	qemu_guests arm64-4k
	phase --keep-going "QEMU live-migrates a guest ($MODES) in the arm64 guest" \
		run arm64-4k-qemu-demo --show arm64-4k "$BUILD/plans/qemu-demo.plan"
	tables=("QEMU 10 live migration in the arm64-4k guest:|arm64-4k-qemu-demo")
}
job_run() {
	need ARGS RUN_TIMEOUT
	setup
	kernels arm64-4k
	selftests arm64-4k
	phase --keep-going "running the migration verifier in the arm64 guest" \
		run arm64-4k-run --show arm64-4k "$BUILD/plans/run.plan"
}
job_test() {
	need VARIANTS
	# shellcheck disable=SC2086 # a list of names
	set -- $VARIANTS
	setup
	phase "checking the series (checkpatch, bodies, sign-offs, applies)" "$S/check.sh"
	kernels "$@"
	selftests "$@"
	qemu_guests "$@"
	guests "$@"
}
# shellcheck disable=SC2086 # VARIANTS is a list of names
job_kernels() { need VARIANTS; setup; kernels $VARIANTS; }
# shellcheck disable=SC2086
job_selftests() { need VARIANTS; setup; kernels $VARIANTS; selftests $VARIANTS; }
# shellcheck disable=SC2086
job_guests() { need VARIANTS; qemu_guests $VARIANTS; guests $VARIANTS; }
job_debug() {
	setup
	kernels arm64-debug
	# The debug kernel's own uapi headers: make test-debug must not need
	# the arm64-4k kernel to be built first.
	selftests arm64-debug
	qemu_guests arm64-debug
	guests arm64-debug
}
job_control() {
	setup
	phase "checking out the base kernel in build/linux-base" base_tree
	phase "building the base kernel (arm64, 4K pages), without the series" \
		"$S/build-kernel.sh" --tree "$BUILD/linux-base" \
		--out "$BUILD/out/base-arm64-4k" --log "$LOGS/build-base-arm64-4k.log" arm64-4k
	qemu_guests arm64-4k
	phase --keep-going "QEMU asks for a 4096-entry ring on the base kernel" \
		run base-arm64-4k-control --show --kernel "$BUILD/out/base-arm64-4k/$(variant_get arm64-4k image)" \
		arm64-4k "$ROOT/tests/plan/qemu-control.plan"
	tables=("QEMU 10 on the base kernel (control):|base-arm64-4k-control")
}
job_bench() {
	local v names=()
	need BENCH_VARIANTS BENCH_REPS BENCH_SWEEP
	setup
	for v in $BENCH_VARIANTS; do
		kernels "$v"
		selftests "$v"
		phase "writing the $v benchmark plan" write_plan \
			"$BUILD/plans/bench-$v.plan" "$S/bench-plan.sh" "$v" "$BENCH_REPS" "$BENCH_SWEEP"
		phase --keep-going "running the benchmark in the $v guest" \
			run "bench-$v" "$v" "$BUILD/plans/bench-$v.plan"
		names+=("bench-$v")
	done
	phase "writing build/bench/results.{md,csv} and the plots" \
		bench_report "${names[@]}"
}
bench_report() { # RUN...: the tables and plots of the benchmark runs
	local out=$BUILD/bench
	mkdir -p "$out"
	rm -f "$out"/*.png "$out"/*.dat "$out"/*.csv "$out"/results.md "$out"/plot.gp
	python3 "$S/bench-report.py" "$out" "$RESULTS" "$@" &&
		(cd "$out" && gnuplot plot.gp) &&
		say "      results: $out/results.md"
}

declare -F "job_$job" >/dev/null ||
	die "usage: pipeline.sh qemu|run|test|debug|control|bench|kernels|selftests|guests [KNOB=VALUE...]"
# The knobs are checked, and the plans made from them written, before the
# count, so that a bad knob stops the job at once with one line.
case "$job" in
test | kernels | selftests | guests) need VARIANTS
	[ -n "$VARIANTS" ] || die "VARIANTS is empty (configs/variants.tsv has the names)"
	for v in $VARIANTS; do variant_get "$v" arch >/dev/null; done ;;
qemu) need MODES RING SMALL_RING GUEST_MIB WRITE_MIB
	write_plan "$BUILD/plans/qemu-demo.plan" "$S/qemu-plan.sh" \
		"$MODES" "$RING" "$SMALL_RING" "$GUEST_MIB" "$WRITE_MIB" ;;
run) need ARGS RUN_TIMEOUT
	case "$RUN_TIMEOUT" in '' | *[!0-9]* | 0) die "RUN_TIMEOUT is seconds, not '$RUN_TIMEOUT'" ;; esac
	write_plan "$BUILD/plans/run.plan" run_plan_line ;;
bench) need BENCH_VARIANTS BENCH_REPS BENCH_SWEEP
	for v in $BENCH_VARIANTS; do variant_get "$v" arch >/dev/null; done
	"$S/bench-plan.sh" "${BENCH_VARIANTS%% *}" "$BENCH_REPS" "$BENCH_SWEEP" >/dev/null ;;
esac
"job_$job"
n=$i counting=0 i=0 runs=() tables=()
mkdir -p "$LOGS"
"job_$job"

for t in "${tables[@]}"; do
	# shellcheck disable=SC2086 # run names
	"$S/report.sh" qemu "${t%%|*}" ${t#*|}
done
[ ${#runs[@]} -eq 0 ] || "$S/report.sh" totals "${runs[@]}" || failed=1
exit $failed
