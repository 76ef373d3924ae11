#!/bin/bash
# Build the arm64 (4K) and x86_64 kernels after each patch of the work
# tree and name the first patch that breaks a build. The work tree itself
# is checked out at each commit in turn (and back at the end), so that the
# builds in build/out/ stay incremental.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ -d "$KTREE/.git" ] || die "no work tree at $KTREE: run 'make tree' first"
[ -z "$(git -C "$KTREE" status --porcelain --untracked-files=no)" ] ||
	die "$KTREE has uncommitted changes: commit them first"
branch=$(git -C "$KTREE" symbolic-ref --short HEAD) ||
	die "$KTREE is not on a branch"
trap 'git -C "$KTREE" checkout -q "$branch"' EXIT

mapfile -t commits < <(git -C "$KTREE" rev-list --reverse base..HEAD)
i=0
for c in "${commits[@]}"; do
	i=$((i + 1))
	subj=$(git -C "$KTREE" log -1 --format=%s "$c")
	git -C "$KTREE" checkout -q --detach "$c"
	for variant in arm64-4k x86_64; do
		say "[$i/${#commits[@]}] $variant: $subj"
		if ! "$ROOT/scripts/build-kernel.sh" "$variant" >/dev/null 2>&1; then
			grep -E 'error:|Error ' "$LOGS/build-$variant.log" | head -n 10 >&2 || true
			die "patch $i ($subj) breaks the $variant build (log: $LOGS/build-$variant.log)"
		fi
	done
done
say "every prefix of the series builds for arm64 and x86_64 (${#commits[@]} patches)"
