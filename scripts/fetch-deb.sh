#!/bin/bash
# Download Debian packages of one architecture and unpack them into a
# folder, without installing them (the host has no arm64 dpkg
# architecture, and the amd64 QEMU 10 must not replace the host's own).
# apt reads the archive that the machine's apt sources already name, with
# a state of its own under build/apt-ARCH.
# Usage: fetch-deb.sh [--arch ARCH] [--backports] [--deps] DEST PACKAGE...
#   --arch ARCH   Debian architecture (default arm64)
#   --backports   also the codename's -backports suite (QEMU 10), from the
#                 same archive; PACKAGE/SUITE picks a package's suite
#   --deps        the packages' whole dependency closure, not only them
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage="usage: fetch-deb.sh [--arch ARCH] [--backports] [--deps] DEST PACKAGE..."
arch=arm64 backports=0 deps=0
while [ $# -gt 0 ]; do
	case "$1" in
	--arch) arch=${2:?$usage}; shift 2 ;;
	--backports) backports=1; shift ;;
	--deps) deps=1; shift ;;
	-*) die "$usage" ;;
	*) break ;;
	esac
done
dest=${1:?$usage}
shift
[ $# -gt 0 ] || die "$usage"

state=$BUILD/apt-$arch
parts=$state/sources.list.d
mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$state/debs" \
	"$parts" "$dest"

# The machine's own sources, and with --backports the same archives'
# CODENAME-backports suite: apt's configuration names the host, we don't.
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:?}")
rm -f "$parts"/*
[ ! -f /etc/apt/sources.list ] || cp /etc/apt/sources.list "$parts/machine.list"
for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
	[ -f "$f" ] && cp "$f" "$parts/"
done
if [ "$backports" = 1 ]; then
	shopt -s nullglob
	lists=("$parts"/*.list) sources=("$parts"/*.sources)
	shopt -u nullglob
	[ ${#lists[@]} -eq 0 ] || awk -v c="$codename" '
		$1 == "deb" { for (i = 2; i <= NF; i++) if ($i == c) {
			$i = c "-backports"; print; break } }' "${lists[@]}" >"$parts/backports.list"
	[ ${#sources[@]} -eq 0 ] || awk -v c="$codename" '
		function flush() { if (keep) printf "%s\n", st; st = ""; keep = 0 }
		/^[[:space:]]*$/ { flush(); next }
		/^Suites:/ { for (i = 2; i <= NF; i++) if ($i == c) keep = 1
			     $0 = "Suites: " c "-backports" }
		{ st = st $0 "\n" }
		END { flush() }' "${sources[@]}" >"$parts/backports.sources"
	[ -s "$parts/backports.list" ] || [ -s "$parts/backports.sources" ] ||
		die "the apt sources name no '$codename' suite to take backports from"
fi

apt_arch() {
	apt-get -q -o APT::Architecture="$arch" -o "APT::Architectures::=$arch" \
		-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$parts" \
		-o Dir::State::Lists="$state/lists" -o Dir::Cache="$state/cache" \
		-o Dir::State::status=/dev/null -o Debug::NoLocking=1 \
		-o APT::Install-Recommends=false "$@"
}

# The package lists once a day is enough; again when the suites change.
sig=$(cat "$parts"/* | md5sum | cut -d' ' -f1)
if [ -z "$(find "$state/lists" -name '*Packages*' -mtime -1 2>/dev/null)" ] ||
   [ "$(cat "$state/sources.sig" 2>/dev/null)" != "$sig" ]; then
	run_logged "$LOGS/apt-$arch-update.log" apt_arch update
	echo "$sig" >"$state/sources.sig"
fi

if [ "$deps" = 1 ]; then
	# With an empty dpkg status apt resolves the whole closure. Its cache
	# is emptied first so that only this closure, at the versions just
	# resolved, is unpacked.
	run_logged "$LOGS/apt-$arch-clean.log" apt_arch clean
	run_logged "$LOGS/apt-$arch-download.log" apt_arch install -y -d "$@" ||
		die "cannot download the $arch packages $* (log: $LOGS/apt-$arch-download.log)"
	for deb in "$state/cache/archives/"*.deb; do
		dpkg-deb -x "$deb" "$dest"
	done
	exit 0
fi
for p in "$@"; do
	name=${p%%/*}
	debs=("$state/debs/${name}"_*_"$arch".deb)
	if [ ! -f "${debs[-1]}" ]; then
		# apt-get download writes into the current folder.
		(cd "$state/debs" && run_logged "$LOGS/apt-$arch-download.log" \
			apt_arch download "$name:$arch${p#"$name"}") ||
			die "cannot download the $arch package $p (log: $LOGS/apt-$arch-download.log)"
		debs=("$state/debs/${name}"_*_"$arch".deb)
	fi
	dpkg-deb -x "${debs[-1]}" "$dest"
done
