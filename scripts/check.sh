#!/bin/bash
# Checks on the exported series: checkpatch --strict clean, a body and a
# Signed-off-by in every patch, nothing quilt cannot apply, the series
# applies to the pristine base, and the work tree has nothing unexported.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ -d "$KTREE/.git" ] || die "no work tree at $KTREE: run 'make tree' first"
mapfile -t patches < <(series_patches)
[ ${#patches[@]} -gt 0 ] || die "patches/series is empty"
bad=0
flag() { say "FAIL $1"; bad=$((bad + 1)); }
indent() { sed 's/^/     /'; }

for p in "${patches[@]}"; do
	b=$(basename "$p")
	# The work tree is Debian's tarball, without upstream history, so
	# checkpatch cannot look up the commits that Fixes: tags name.
	ignore=(--ignore UNKNOWN_COMMIT_ID)
	# New files all under the KVM selftests, which the KVM entries of
	# MAINTAINERS cover: the "does MAINTAINERS need updating?" warning
	# is answered, so it is not asked.
	added=$(sed -n 's|^+++ b/||p' "$p" | while read -r f; do
		if grep -B1 -F "+++ b/$f" "$p" | grep -q "^--- /dev/null"; then
			echo "$f"
		fi
	done)
	if [ -n "$added" ] && ! grep -qv '^tools/testing/selftests/kvm/' <<<"$added"; then
		ignore+=(--ignore FILE_PATH_CHANGES)
	fi
	out=$(cd "$KTREE" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict --quiet \
		"${ignore[@]}" "$p" 2>&1) || true
	[ -z "$out" ] || { flag "$b: checkpatch --strict:"; indent <<<"$out"; }
	# The body: lines between the headers and the "---" that are not tags.
	body=$(awk '!hdr && /^$/ { hdr = 1; next } hdr && /^---$/ { exit }
		hdr && !/^[A-Za-z-]+: / && NF { print }' "$p")
	[ -n "$body" ] || flag "$b: no body saying why"
	grep -q '^Signed-off-by: ' "$p" || flag "$b: no Signed-off-by"
	! grep -qE '^(rename from|GIT binary patch)' "$p" ||
		flag "$b: renames or binary hunks, which quilt cannot apply"
done

# Apply to the pristine base in a scratch index: no checkout needed.
idx=$(mktemp)
trap 'rm -f "$idx"' EXIT
GIT_INDEX_FILE=$idx git -C "$KTREE" read-tree base
for p in "${patches[@]}"; do
	if ! out=$(GIT_INDEX_FILE=$idx git -C "$KTREE" apply --cached "$p" 2>&1); then
		flag "$(basename "$p") does not apply to the pristine base:"
		indent <<<"$out"
		break
	fi
done

if [ "$(tree_patch_ids)" != "$(series_patch_ids)" ]; then
	flag "$KTREE has commits that differ from patches/: run 'make export'"
fi

[ $bad -eq 0 ] || die "$bad problems in the series"
say "series: ${#patches[@]} patches, checkpatch --strict clean, applies to $(cat "$PATCHES/BASE")"
