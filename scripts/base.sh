#!/bin/bash
# Make the kernel work tree: the pristine Debian linux-source-6.1 as the
# first commit (tag "base"), then one commit per patch of patches/series.
# An existing clean work tree is kept with its local commits.
# Usage: base.sh [--reset]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

TARBALL=${TARBALL:-/usr/src/linux-source-6.1.tar.xz}
reset=0
[ "${1:-}" = --reset ] && reset=1

if [ -d "$KTREE/.git" ] && [ $reset -eq 0 ]; then
	if [ -n "$(git -C "$KTREE" status --porcelain --untracked-files=no)" ]; then
		die "$KTREE has uncommitted changes: commit them (then make export) or stash them"
	fi
	if [ "$(tree_patch_ids)" != "$(series_patch_ids)" ]; then
		warn "$KTREE differs from patches/: 'make export' saves the tree's commits, 'make tree-reset' rebuilds it from patches/"
	fi
	exit 0
fi

[ -f "$TARBALL" ] || "$ROOT/scripts/deps.sh" linux-source-6.1
[ -f "$TARBALL" ] || die "$TARBALL not found after installing linux-source-6.1"

new=$BUILD/linux.new
rm -rf "$new"
mkdir -p "$new"
tar -xf "$TARBALL" -C "$new" --strip-components=1

version=$(tree_version "$new")
want=$(cat "$PATCHES/BASE")
case "$version" in
6.1.*) ;;
*) rm -rf "$new"; die "$TARBALL is Linux $version, not 6.1: the series is for 6.1.y only" ;;
esac
[ "$version" = "$want" ] ||
	warn "base is Linux $version, the series was made against $want (patches/BASE)"
pkg=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || echo unknown)

cd "$new"
git init -q -b main
git config user.name >/dev/null || git config user.name "dirty-ring harness"
git config user.email >/dev/null || git config user.email "harness@localhost"
git add -A -f
git commit -q -m "Linux $version (Debian linux-source-6.1 $pkg, pristine)"
git tag base

while read -r p; do
	if ! git am -q "$p" >"$BUILD/am.log" 2>&1; then
		files=$(sed -n -e 's/^error: patch failed: \(.*\):[0-9]*$/\1/p' \
			-e 's/^error: \(.*\): does not exist in index$/\1/p' \
			-e 's/^error: \(.*\): patch does not apply$/\1/p' \
			"$BUILD/am.log" | sort -u | tr '\n' ' ')
		git am --abort || true
		cd "$BUILD"
		rm -rf "$BUILD/linux.failed"
		mv "$new" "$BUILD/linux.failed"
		cat "$BUILD/am.log" >&2
		die "patch $(basename "$p") does not apply to Linux $version: rejected ${files:-(see above)}"
	fi
done < <(series_patches)
rm -f "$BUILD/am.log"

cd "$BUILD"
rm -rf "$KTREE"
mv "$new" "$KTREE"
"$ROOT/scripts/cover.sh"
say "work tree $KTREE: Linux $version + $(git -C "$KTREE" rev-list --count base..HEAD) patches"
