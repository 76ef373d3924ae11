# Ring-based dirty memory tracking for KVM arm64 on Linux 6.1: the patch
# series in patches/, and the harness that builds, boots and tests it.
# 'make help' lists the targets.

BUILD    ?= $(CURDIR)/build
JOBS     ?= $(shell nproc)
VARIANTS ?= arm64-4k arm64-64k x86_64
KSRC     ?=
S        := scripts

ARGS     ?=
BENCH_ARGS ?=
# The QEMU migration of 'make' and 'make qemu': modes (ring, small-ring,
# bitmap), ring entries per vCPU, inner guest memory and memory it writes.
MODES      ?= ring
RING       ?= 4096
SMALL_RING ?= 1024
GUEST_MIB  ?= 256
WRITE_MIB  ?= 64

export BUILD JOBS VARIANTS ARGS MODES RING SMALL_RING GUEST_MIB WRITE_MIB

.PHONY: all demo qemu qemu-control run test test-debug bench help deps tree tree-reset export cover apply check \
	bisect distro-check kernels selftests guests clean

all: demo ## build the arm64 kernel, QEMU 10 live-migrates a guest with the dirty ring (default)

demo: qemu

qemu: ## the QEMU migration with knobs: make qemu MODES="ring small-ring bitmap" RING=4096 SMALL_RING=1024 GUEST_MIB=256 WRITE_MIB=64
	@$(S)/pipeline.sh demo

qemu-control: tree ## the unpatched base kernel: QEMU must fall back to the bitmap, and still migrate
	@$(S)/qemu-control.sh

run: ## the migration verifier with options: make run ARGS="--mode bitmap --mem 64M"
	@$(S)/pipeline.sh run

test: ## check the series, build and boot every variant, run every test plan
	@$(S)/pipeline.sh test

test-debug: ## the arm64 debug kernel (lockdep, KASAN, kmemleak) with tests, stress, fuzzer
	@$(S)/pipeline.sh debug

bench: tree ## ring against bitmap benchmark: build/bench/results.{md,csv} and plots
	@$(S)/bench.sh $(BENCH_ARGS)

deps: ## install the missing Debian packages (apt-get, as root)
	@$(S)/deps.sh

tree: deps ## make build/linux: pristine 6.1 + the series (keeps local commits)
	@$(S)/base.sh

tree-reset: deps ## rebuild build/linux from patches/, dropping local commits
	@$(S)/base.sh --reset

export: ## regenerate patches/ (format-patch, cover letter, series) from build/linux
	@$(S)/export.sh

cover: ## edit the cover letter text (the work tree's branch description)
	@$(S)/cover.sh --edit

apply: ## apply the series to your own 6.1.y tree: make apply KSRC=/path
	@test -n "$(KSRC)" || { echo "usage: make apply KSRC=/path/to/linux-6.1.y"; exit 1; }
	@$(S)/apply.sh "$(KSRC)"

check: tree ## checkpatch --strict, bodies, sign-offs, applies to the base
	@$(S)/check.sh

bisect: tree ## build arm64 and x86_64 after each patch, name the first break
	@$(S)/bisect.sh

distro-check: tree ## KVM built with Debian's amd64 and arm64 configs, W=1 and sparse, and the docs: no new warning
	@$(S)/distro-check.sh

kernels: tree ## build the kernels of VARIANTS
	@for v in $(VARIANTS); do echo "building $$v kernel..."; $(S)/build-kernel.sh $$v || exit 1; done

selftests: kernels ## build the KVM selftests for arm64 and x86_64
	@$(S)/build-selftests.sh arm64 arm64-4k
	@$(S)/build-selftests.sh x86_64 x86_64

guests: ## boot each variant and run its test plan (after kernels, selftests)
	@rc=0; for v in $(VARIANTS); do $(S)/run-plan.sh $$v || rc=1; done; \
		$(S)/verdict.sh $(VARIANTS) && exit $$rc

clean: ## remove build outputs but keep the work tree (build/linux)
	rm -rf $(BUILD)/out $(BUILD)/logs $(BUILD)/results $(BUILD)/bench

help: ## this list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | \
		sed -e 's/:.*## /\t/' | awk -F'\t' '{ printf "  %-12s %s\n", $$1, $$2 }'
