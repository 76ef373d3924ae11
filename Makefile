# Ring-based dirty memory tracking for KVM arm64 on Linux 6.1: the patch
# series in patches/, and the harness that builds, boots and tests it.
# 'make help' lists the targets and the knobs. Every target runs one job of
# scripts/pipeline.sh or one script; the knobs below are their only inputs.

S := scripts
## Knobs (make VAR=value), with their defaults:
BUILD      ?= $(CURDIR)/build## where the work tree and every output go
JOBS       ?= $(shell nproc)## parallel jobs of the kernel and selftest builds
VARIANTS   ?= $(shell $(S)/variant.sh --with test yes)## kernel variants of test, kernels, selftests, guests (configs/variants.tsv)
MODES      ?= ring## QEMU migration modes of make/qemu: ring, small-ring, bitmap
RING       ?= 4096## ring entries per vCPU of the ring mode
SMALL_RING ?= 1024## ring entries per vCPU of the small-ring mode
GUEST_MIB  ?= 256## memory of the migrated (inner) guest, MiB
WRITE_MIB  ?= 64## memory the inner guest writes at random, MiB
ARGS       ?=## options of the migration verifier of make run, e.g. "--mode bitmap --mem 64M"
RUN_TIMEOUT ?= 1800## seconds the verifier of make run may take
BENCH_VARIANTS ?= arm64-4k## kernel variants that make bench runs in
BENCH_REPS ?= 3## repetitions of the benchmark sweep
BENCH_SWEEP ?= full## full, or quick (two small runs, about a minute)
KSRC       ?=## your own 6.1.y tree, for make apply

KNOBS := $(shell sed -n 's/^\([A-Z_]*\) *?=.*\#\# .*/\1/p' $(firstword $(MAKEFILE_LIST)))
export BUILD JOBS
P := $(S)/pipeline.sh
QEMU_KNOBS := MODES="$(MODES)" RING="$(RING)" SMALL_RING="$(SMALL_RING)" \
	GUEST_MIB="$(GUEST_MIB)" WRITE_MIB="$(WRITE_MIB)"

.PHONY: all qemu qemu-control run test test-debug bench help deps tree tree-reset export cover apply check \
	bisect distro-check kernels selftests guests clean

all: qemu ## build the arm64 kernel, QEMU 10 live-migrates a guest with the dirty ring (default)

qemu: ## the QEMU migration with the knobs MODES RING SMALL_RING GUEST_MIB WRITE_MIB
	@$(P) qemu $(QEMU_KNOBS)

qemu-control: ## the unpatched base kernel: QEMU must fall back to the bitmap, and still migrate
	@$(P) control

run: ## the migration verifier with options: make run ARGS="--mode bitmap --mem 64M"
	@$(P) run ARGS="$(ARGS)" RUN_TIMEOUT="$(RUN_TIMEOUT)"

test: ## check the series, build and boot every variant, run every test plan
	@$(P) test VARIANTS="$(VARIANTS)"

test-debug: ## the arm64 debug kernel (lockdep, KASAN, kmemleak) with tests, stress, fuzzer
	@$(P) debug

bench: ## ring against bitmap benchmark: build/bench/results.{md,csv} and plots
	@$(P) bench BENCH_VARIANTS="$(BENCH_VARIANTS)" BENCH_REPS="$(BENCH_REPS)" \
		BENCH_SWEEP="$(BENCH_SWEEP)"

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

bisect: tree ## build the variants marked bisect in configs/variants.tsv after each patch
	@$(S)/bisect.sh

distro-check: tree ## KVM built with Debian's amd64 and arm64 configs, W=1 and sparse, and the docs: no new warning
	@$(S)/distro-check.sh

kernels: ## build the kernels of VARIANTS
	@$(P) kernels VARIANTS="$(VARIANTS)"

selftests: ## build the kernels of VARIANTS and the KVM selftests of their arches
	@$(P) selftests VARIANTS="$(VARIANTS)"

guests: ## boot each of VARIANTS and run its test plans (after make selftests)
	@$(P) guests VARIANTS="$(VARIANTS)"

clean: ## remove build outputs but keep the work tree (build/linux)
	rm -rf $(BUILD)/out $(BUILD)/logs $(BUILD)/results $(BUILD)/bench $(BUILD)/plans

help: ## this list
	@echo "targets:"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | \
		sed -e 's/:.*## /\t/' | awk -F'\t' '{ printf "  %-12s %s\n", $$1, $$2 }'
	@echo "knobs (make VAR=value; in brackets the value this run would use):"
	@{ $(foreach k,$(KNOBS),echo 'value	$(k)	$($(k))';) \
		sed -n 's/^\([A-Z_]*\) *?=.*## \(.*\)/help\t\1\t\2/p' $(MAKEFILE_LIST); } | \
		awk -F'\t' '$$1 == "value" { v[$$2] = $$3; next } \
			{ printf "  %-14s %s\n  %-14s   [%s]\n", $$2, $$3, "", v[$$2] }'
