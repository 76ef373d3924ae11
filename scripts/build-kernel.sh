#!/bin/bash
# Configure (allnoconfig + the variant's config fragments, see
# configs/variants.tsv) and build one kernel variant out of tree, then
# install its uapi headers.
# Usage: build-kernel.sh [--tree DIR] [--out DIR] [--log FILE] VARIANT
#   --tree  the kernel source (default build/linux, the work tree)
#   --out   the output directory (default build/out/VARIANT)
#   --log   the build log (default build/logs/build-VARIANT.log)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out='' log=''
while [ $# -gt 0 ]; do
	case "$1" in
	--tree) KTREE=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--log) log=$2; shift 2 ;;
	-*) die "build-kernel.sh: unknown option '$1'" ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || die "usage: build-kernel.sh [--tree DIR] [--out DIR] [--log FILE] VARIANT"
variant=$1
arch=$(variant_get "$variant" arch)
out=${out:-$BUILD/out/$variant}
log=${log:-$LOGS/build-$variant.log}
cross=$(arch_cross "$arch")
mkdir -p "$out" "$LOGS"

frags=("$ROOT/configs/common.config" "$ROOT/configs/qemu.config")
IFS=, read -ra names <<<"$(variant_get "$variant" fragments)"
for f in "${names[@]}"; do
	[ -f "$ROOT/configs/$f.config" ] || die "no configs/$f.config (fragments of $variant)"
	frags+=("$ROOT/configs/$f.config")
done

kmake() {
	make -C "$KTREE" O="$out" ARCH="$arch" CROSS_COMPILE="$cross" \
		CC="$(arch_cc "$arch")" -j"$JOBS" "$@"
}

# Regenerate .config only when a fragment changed, so that rebuilds stay
# incremental.
stamp=$(cat "${frags[@]}" | sha1sum | cut -d' ' -f1)
if [ ! -f "$out/.config" ] || [ "$(cat "$out/.frag-stamp" 2>/dev/null)" != "$stamp" ]; then
	: >"$log"
	(cd "$out" && ARCH=$arch CROSS_COMPILE=$cross \
		"$KTREE/scripts/kconfig/merge_config.sh" -n -O "$out" \
		-m "${frags[@]}") >>"$log" 2>&1 || die "merge_config failed (log: $log)"
	kmake allnoconfig KCONFIG_ALLCONFIG="$out/.config" >>"$log" 2>&1 ||
		die "allnoconfig failed (log: $log)"
	# Every option a fragment asks for must have made it.
	bad=$(grep -h '^CONFIG_\|^# CONFIG_.* is not set' "${frags[@]}" |
		while read -r line; do
			grep -qxF "$line" "$out/.config" || echo "$line"
		done)
	[ -z "$bad" ] || die "options missing from $out/.config: $(echo "$bad" | tr '\n' ' ')"
	echo "$stamp" >"$out/.frag-stamp"
else
	: >"$log"
fi

image=$(variant_get "$variant" image)
run_logged "$log.make" kmake "$(basename "$image")"
cat "$log.make" >>"$log"
rm -f "$log.make"
run_logged "${log%.log}-headers.log" kmake headers_install INSTALL_HDR_PATH="$out/usr"
[ -f "$out/$image" ] || die "no $out/$image after the build (log: $log)"
