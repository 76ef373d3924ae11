#!/bin/bash
# Build the kernels of the variants marked "bisect" in configs/variants.tsv
# after each patch of the work tree and name the first patch that breaks
# a build. The builds run in a
# clone of the work tree (build/bisect/linux, outputs in
# build/bisect/out/), so the work tree and the kernels that the tests use
# are left alone, and the builds stay incremental from one patch to the
# next. A patch that changes nothing the kernel build reads (only tools/
# and Documentation/) leaves the kernel of the patch before it, which was
# built already: it is listed, not rebuilt.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ -d "$KTREE/.git" ] || die "no work tree at $KTREE: run 'make tree' first"
[ -z "$(git -C "$KTREE" status --porcelain --untracked-files=no)" ] ||
	die "$KTREE has uncommitted changes: commit them first"

top=$BUILD/bisect
tree=$top/linux
if [ ! -d "$tree/.git" ]; then
	rm -rf "$tree"
	mkdir -p "$top"
	git clone -q --no-checkout "$KTREE" "$tree"
fi
git -C "$tree" fetch -q "$KTREE" HEAD
mapfile -t commits < <(git -C "$KTREE" rev-list --reverse base..HEAD)
mapfile -t variants < <(variants_with bisect yes)

i=0 built=0
for c in "${commits[@]}"; do
	i=$((i + 1))
	subj=$(git -C "$KTREE" log -1 --format=%s "$c")
	if [ -z "$(git -C "$KTREE" diff --name-only "$c^" "$c" -- . \
		':!tools/' ':!Documentation/')" ]; then
		say "[$i/${#commits[@]}] no kernel change (tools/, Documentation/ only): $subj"
		continue
	fi
	git -C "$tree" checkout -q --force --detach "$c"
	for variant in "${variants[@]}"; do
		say "[$i/${#commits[@]}] $variant: $subj"
		log=$top/build-$variant.log
		if ! "$ROOT/scripts/build-kernel.sh" --tree "$tree" \
			--out "$top/out/$variant" --log "$log" "$variant" >/dev/null 2>&1; then
			grep -E 'error:|Error ' "$log" | head -n 10 >&2 || true
			die "patch $i ($subj) breaks the $variant build (log: $log)"
		fi
	done
	built=$((built + 1))
done
say "every prefix of the series builds for ${variants[*]} (${#commits[@]} patches, $built with kernel changes built)"
