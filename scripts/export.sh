#!/bin/bash
# Regenerate patches/ from the work tree: git format-patch of base..HEAD
# with a cover letter (its text is the branch description: edit it with
# 'make cover'), and the series file that quilt reads.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ -d "$KTREE/.git" ] || die "no work tree at $KTREE: run 'make tree' first"
cd "$KTREE"
[ -z "$(git status --porcelain --untracked-files=no)" ] ||
	die "$KTREE has uncommitted changes: commit them first"
n=$(git rev-list --count base..HEAD)
[ "$n" -gt 0 ] || die "no commits on top of base in $KTREE"
branch=$(git symbolic-ref --short HEAD)
[ -n "$(git config "branch.$branch.description" || true)" ] ||
	warn "no cover letter text: 'make cover' writes it (branch description)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git format-patch -q --cover-letter --cover-from-description=subject \
	--zero-commit --no-signature --numbered -o "$tmp" base..HEAD
rm -f "$PATCHES"/*.patch
mv "$tmp"/*.patch "$PATCHES/"
for p in "$PATCHES"/[0-9]*.patch; do
	case "${p##*/}" in 0000-*) ;; *) echo "${p##*/}" ;; esac
done >"$PATCHES/series"
tree_version "$KTREE" >"$PATCHES/BASE.new"
if ! cmp -s "$PATCHES/BASE.new" "$PATCHES/BASE"; then
	warn "patches/BASE now says $(cat "$PATCHES/BASE.new")"
fi
mv "$PATCHES/BASE.new" "$PATCHES/BASE"
say "exported $n patches and a cover letter to $PATCHES"
