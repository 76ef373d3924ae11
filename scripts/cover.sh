#!/bin/bash
# Set the work tree's branch description (the cover letter's text: first
# paragraph the subject, the rest the body) from the exported cover letter,
# or open it in an editor with --edit.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

cd "$KTREE"
branch=$(git symbolic-ref --short HEAD)
if [ "${1:-}" = --edit ]; then
	exec git branch --edit-description "$branch"
fi
cover=$PATCHES/0000-cover-letter.patch
[ -f "$cover" ] || exit 0
# Subject after "[PATCH 0/N] ", then the body up to the shortlog.
desc=$(awk '
	/^Subject: / && !subj { sub(/^Subject: \[PATCH[^]]*\] /, ""); print; print ""; subj = 1; next }
	subj && !body && /^$/ { body = 1; next }
	body && /^[^ ].* \([0-9]+\):$/ { exit }
	body { print }' "$cover")
git config "branch.$branch.description" "$desc"
