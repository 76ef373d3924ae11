#!/bin/bash
# Install the Debian packages the harness needs, only those missing.
# Usage: deps.sh [package...]   (no argument: everything)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ALL=(linux-source-6.1 build-essential bc bison flex libelf-dev libssl-dev
     cpio xz-utils rsync git ccache quilt perl python3 python3-ply python3-git
     gcc-aarch64-linux-gnu libc6-dev-arm64-cross
     qemu-system-arm qemu-system-x86 shellcheck gnuplot-nox)

if [ $# -gt 0 ]; then
	want=("$@")
else
	want=("${ALL[@]}")
fi

missing=()
for p in "${want[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	   grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	die "missing Debian packages: ${missing[*]} (as root: apt-get install ${missing[*]})"
fi
say "installing Debian packages: ${missing[*]}"
mkdir -p "$LOGS"
run_logged "$LOGS/apt-update.log" apt-get update
run_logged "$LOGS/apt-install.log" env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y --no-install-recommends "${missing[@]}"
