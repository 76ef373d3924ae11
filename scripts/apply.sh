#!/bin/bash
# Apply the series to a kernel tree of your own (a 6.1.y checkout, a distro
# kernel source). A git tree gets one commit per patch (git am); any other
# tree gets the patches applied with patch(1). On failure nothing is left
# applied, and the failing patch and files are named.
# Usage: apply.sh KSRC
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ksrc=${1:?usage: apply.sh KSRC (a Linux 6.1.y source tree)}
[ -f "$ksrc/Makefile" ] || die "$ksrc is not a kernel source tree"
version=$(tree_version "$ksrc")
case "$version" in
6.1.*) ;;
*) die "$ksrc is Linux $version: the series is for 6.1.y" ;;
esac
[ "$version" = "$(cat "$PATCHES/BASE")" ] ||
	warn "$ksrc is Linux $version, the series was made against $(cat "$PATCHES/BASE")"

mapfile -t patches < <(series_patches)
if [ -d "$ksrc/.git" ]; then
	[ -z "$(git -C "$ksrc" status --porcelain --untracked-files=no)" ] ||
		die "$ksrc has uncommitted changes: commit or stash them first"
	orig=$(git -C "$ksrc" rev-parse HEAD)
	for p in "${patches[@]}"; do
		if ! git -C "$ksrc" am -q "$p"; then
			git -C "$ksrc" am --abort || true
			git -C "$ksrc" reset -q --hard "$orig"
			die "$(basename "$p") does not apply to $ksrc; the tree is back at $orig"
		fi
	done
else
	done_=()
	for p in "${patches[@]}"; do
		if ! out=$(patch -d "$ksrc" -p1 -N --dry-run -s <"$p" 2>&1); then
			for ((i = ${#done_[@]} - 1; i >= 0; i--)); do
				patch -d "$ksrc" -p1 -R -s <"${done_[$i]}"
			done
			echo "$out" >&2
			die "$(basename "$p") does not apply to $ksrc; nothing was left applied"
		fi
		patch -d "$ksrc" -p1 -N -s <"$p"
		done_+=("$p")
	done
fi
say "applied ${#patches[@]} patches to $ksrc (Linux $version)"
