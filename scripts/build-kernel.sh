#!/bin/bash
# Configure (allnoconfig + configs/ fragments) and build one kernel variant
# out of tree in build/out/<variant>, then install its uapi headers.
# Usage: build-kernel.sh <arm64-4k|arm64-64k|x86_64>
# KTREE, KOUT (output directory) and KLOG may be set to build another tree.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

variant=${1:?usage: build-kernel.sh VARIANT}
arch=$(variant_arch "$variant")
out=${KOUT:-$BUILD/out/$variant}
log=${KLOG:-$LOGS/build-$variant.log}
cross=$(arch_cross "$arch")
mkdir -p "$out" "$LOGS"

frags=("$ROOT/configs/common.config" "$ROOT/configs/qemu.config")
case "$variant" in
arm64-*) frags+=("$ROOT/configs/arm64.config") ;;
esac
frags+=("$ROOT/configs/$variant.config")
[ -f "$ROOT/configs/$variant.config" ] || die "no configs/$variant.config"

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

image=$(arch_image "$arch")
run_logged "$log.make" kmake "$(basename "$image")"
cat "$log.make" >>"$log"
rm -f "$log.make"
run_logged "${log%.log}-headers.log" kmake headers_install INSTALL_HDR_PATH="$out/usr"
[ -f "$out/$image" ] || die "no $out/$image after the build (log: $log)"
