#!/bin/bash
# Build the arm64 (4K) and x86_64 kernels after each patch of the work
# tree, incrementally, and name the first patch that breaks a build.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ -d "$KTREE/.git" ] || die "no work tree at $KTREE: run 'make tree' first"
wt=$BUILD/bisect/linux
if [ ! -d "$wt" ]; then
	mkdir -p "$BUILD/bisect"
	git -C "$KTREE" worktree add -q --detach "$wt" base
fi

mapfile -t commits < <(git -C "$KTREE" rev-list --reverse base..HEAD)
i=0
for c in "${commits[@]}"; do
	i=$((i + 1))
	subj=$(git -C "$KTREE" log -1 --format=%s "$c")
	git -C "$wt" checkout -q --detach "$c"
	for variant in arm64-4k x86_64; do
		arch=$(variant_arch "$variant")
		out=$BUILD/bisect/out-$variant
		mkdir -p "$out"
		[ -f "$BUILD/out/$variant/.config" ] ||
			die "build the $variant kernel once first (make kernels)"
		cp "$BUILD/out/$variant/.config" "$out/.config"
		log=$LOGS/bisect-$i-$variant.log
		say "[$i/${#commits[@]}] $variant: $subj"
		if ! make -C "$wt" O="$out" ARCH="$arch" \
			CROSS_COMPILE="$(arch_cross "$arch")" CC="$(arch_cc "$arch")" \
			-j"$JOBS" olddefconfig "$(basename "$(arch_image "$arch")")" \
			>"$log" 2>&1; then
			grep -E 'error|Error' "$log" | head -n 10 >&2
			die "patch $i ($subj) breaks the $variant build (log: $log)"
		fi
	done
done
say "every prefix of the series builds for arm64 and x86_64 (${#commits[@]} patches)"
