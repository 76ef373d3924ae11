#!/bin/bash
# What the QEMU migration plan needs inside a test guest: Debian's QEMU 10
# (bookworm-backports) for the guest's arch with the shared libraries it
# loads, the migration controller and the inner guest's initramfs
# (tests/qemu). Writes build/out/qemu-ARCH/files.list, gen_init_cpio lines
# that guest-run.sh adds to the test guest's initramfs.
# Usage: build-qemu-guest.sh <arm64|x86_64>
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: build-qemu-guest.sh ARCH}
case "$arch" in
arm64) deb=arm64 triplet=aarch64-linux-gnu bin=qemu-system-aarch64 pkgs=(qemu-system-arm) ;;
# QEMU 10 on x86 wants the newer SeaBIOS of the same suite.
x86_64) deb=amd64 triplet=x86_64-linux-gnu bin=qemu-system-x86_64 pkgs=(qemu-system-x86 seabios) ;;
*) die "build-qemu-guest.sh: unknown arch '$arch'" ;;
esac
suite=$(. /etc/os-release && echo "$VERSION_CODENAME")-backports
root=$BUILD/qemu-$arch/root
out=$BUILD/out/qemu-$arch
mkdir -p "$out"

# QEMU and its dependency closure, unpacked (not installed) once.
if [ ! -f "$root/.fetched" ]; then
	rm -rf "$root"
	"$ROOT/scripts/fetch-deb.sh" --arch "$deb" --backports --deps "$root" \
		"${pkgs[@]/%//$suite}" "qemu-system-common/$suite" "qemu-system-data/$suite"
	touch "$root/.fetched"
fi
[ -x "$root/usr/bin/$bin" ] || die "no usr/bin/$bin in the unpacked ${pkgs[0]} ($root)"

# The controller and the inner guest's init, static.
cc=$(arch_cc "$arch")
for prog in qemu-migrate inner-init; do
	if [ ! -x "$out/$prog" ] || [ "$ROOT/tests/qemu/$prog.c" -nt "$out/$prog" ] ||
		[ "$ROOT/tests/console.h" -nt "$out/$prog" ]; then
		$cc -Wall -Wextra -Werror -O2 -static -pthread \
			-o "$out/$prog" "$ROOT/tests/qemu/$prog.c" ||
			die "cannot build tests/qemu/$prog.c for $arch"
	fi
done
gen=$BUILD/out/gen_init_cpio
if [ ! -x "$gen" ] || [ "$KTREE/usr/gen_init_cpio.c" -nt "$gen" ]; then
	gcc -O2 -o "$gen" "$KTREE/usr/gen_init_cpio.c" || die "cannot build gen_init_cpio"
fi
printf '%s\n' 'dir /dev 0755 0 0' 'nod /dev/console 0600 0 0 c 5 1' \
	'dir /proc 0755 0 0' "file /init $out/inner-init 0755 0 0" >"$out/inner.list"
"$gen" "$out/inner.list" >"$out/inner.cpio"

# A file of the unpacked root (a path relative to it), its symlinks
# followed inside the root, never out to the host's own files.
in_root() {
	local p=$1 t n=0
	while [ -L "$root/$p" ] && [ $n -lt 16 ]; do
		t=$(readlink "$root/$p")
		case "$t" in
		/*) p=${t#/} ;;
		*) p=$(dirname "$p")/$t ;;
		esac
		n=$((n + 1))
	done
	[ -f "$root/$p" ] || return 1
	echo "$root/$p"
}

# A library by its soname.
find_lib() {
	local d
	for d in lib/$triplet usr/lib/$triplet lib usr/lib; do
		in_root "$d/$1" && return 0
	done
	return 1
}

# The NEEDED closure of QEMU, breadth first.
interp=$(readelf -l "$root/usr/bin/$bin" | sed -n 's/.*interpreter: \([^]]*\)].*/\1/p')
[ -n "$interp" ] || die "cannot read the ELF interpreter of $bin"
declare -A seen=()
todo=("$root/usr/bin/$bin")
libs=()
while [ ${#todo[@]} -gt 0 ]; do
	f=${todo[0]}
	todo=("${todo[@]:1}")
	for so in $(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		[ -z "${seen[$so]:-}" ] || continue
		seen[$so]=1
		path=$(find_lib "$so") ||
			die "$bin needs $so, which no package fetched into $root has"
		libs+=("$so $path")
		todo+=("$path")
	done
done
ld=$(find_lib "$(basename "$interp")") || die "no ELF interpreter $interp in $root"

{
	printf 'dir /usr 0755 0 0\ndir /usr/bin 0755 0 0\ndir /lib 0755 0 0\n'
	printf 'dir /lib/%s 0755 0 0\ndir %s 0755 0 0\n' "$triplet" "$(dirname "$interp")"
	printf 'file /usr/bin/%s %s 0755 0 0\n' "$bin" "$root/usr/bin/$bin"
	printf 'file %s %s 0755 0 0\n' "$interp" "$ld"
	for l in "${libs[@]}"; do
		printf 'file /lib/%s/%s %s 0755 0 0\n' "$triplet" "${l%% *}" "${l#* }"
	done
	# x86 boots through SeaBIOS and QEMU's linuxboot option ROM even
	# with -kernel; arm64's virt machine needs no firmware file.
	if [ "$arch" = x86_64 ]; then
		printf 'dir /usr/share 0755 0 0\n'
		for f in seabios/bios-256k.bin qemu/linuxboot_dma.bin qemu/kvmvapic.bin; do
			p=$(in_root "usr/share/$f") || die "no usr/share/$f in $root"
			printf 'dir /usr/share/%s 0755 0 0\n' "${f%/*}"
			printf 'file /usr/share/%s %s 0644 0 0\n' "$f" "$p"
		done
	fi
	printf 'dir /kvm/qemu 0755 0 0\n'
	printf 'file /kvm/qemu/qemu-migrate %s 0755 0 0\n' "$out/qemu-migrate"
	printf 'file /kvm/qemu/inner.cpio %s 0644 0 0\n' "$out/inner.cpio"
} | awk '!seen[$0]++' >"$out/files.list"
say "QEMU for the $arch guest: $bin and ${#libs[@]} libraries ($(du -shL "$root/usr/bin/$bin" | cut -f1) binary)"
