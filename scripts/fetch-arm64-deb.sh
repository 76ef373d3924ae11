#!/bin/bash
# Download Debian arm64 packages and unpack them into a folder, without
# installing them: the host has no arm64 dpkg architecture. apt reads the
# machine's own sources (the archive they name, nothing else) with arm64
# as its architecture and a state of its own under build/apt-arm64.
# Usage: fetch-arm64-deb.sh DEST PACKAGE...
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dest=${1:?usage: fetch-arm64-deb.sh DEST PACKAGE...}
shift
[ $# -gt 0 ] || die "usage: fetch-arm64-deb.sh DEST PACKAGE..."

state=$BUILD/apt-arm64
mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$state/debs" "$dest"
apt_arm64() {
	apt-get -q -o APT::Architecture=arm64 -o "APT::Architectures::=arm64" \
		-o Dir::State::Lists="$state/lists" -o Dir::Cache="$state/cache" \
		-o Dir::State::status=/dev/null -o Debug::NoLocking=1 "$@"
}

# The package lists once a day is enough for a config or a tool.
if [ -z "$(find "$state/lists" -name '*Packages*' -mtime -1 2>/dev/null)" ]; then
	run_logged "$LOGS/apt-arm64-update.log" apt_arm64 update
fi
for p in "$@"; do
	debs=("$state/debs/${p}"_*_arm64.deb)
	if [ ! -f "${debs[-1]}" ]; then
		# apt-get download writes into the current folder.
		(cd "$state/debs" && run_logged "$LOGS/apt-arm64-download.log" \
			apt_arm64 download "$p:arm64") ||
			die "cannot download the arm64 package $p (log: $LOGS/apt-arm64-download.log)"
		debs=("$state/debs/${p}"_*_arm64.deb)
	fi
	dpkg-deb -x "${debs[-1]}" "$dest"
done
