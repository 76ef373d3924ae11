#!/bin/bash
# The control of the QEMU migration: the same run on the unpatched base
# kernel, where QEMU 10 must say "KVM dirty ring not available, using
# bitmap method", migrate with the bitmap, and lose nothing.
# Usage: qemu-control.sh   (builds build/out/base-arm64-4k from the base)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

src=$BUILD/linux-base
if [ ! -d "$src" ]; then
	git -C "$KTREE" worktree add --detach "$src" base >/dev/null ||
		die "cannot check out the base in $src"
fi
git -C "$src" checkout -q --detach base

say "[1/3] building the base kernel (arm64, 4K pages), without the series..."
KTREE=$src KOUT=$BUILD/out/base-arm64-4k KLOG=$LOGS/build-base-arm64-4k.log \
	"$ROOT/scripts/build-kernel.sh" arm64-4k
say "[2/3] fetching QEMU 10 for arm64, building the migration controller..."
"$ROOT/scripts/build-qemu-guest.sh" arm64
say "[3/3] QEMU asks for a 4096-entry ring on the base kernel..."
plan=$BUILD/qemu-control.plan
echo "qemu_control pass 900 qemu/qemu-migrate -r 4096 -C -l control" >"$plan"
log=$LOGS/guest-base-arm64-4k-control.log
SHOW=1 "$ROOT/scripts/guest-run.sh" --arch arm64 \
	--kernel "$BUILD/out/base-arm64-4k/arch/arm64/boot/Image" \
	--bins "$BUILD/out/selftests-arm64" --plan "$plan" --log "$log"
rc=0
"$ROOT/scripts/results.sh" base-arm64-4k-control "$plan" "$log" || rc=1
"$ROOT/scripts/qemu-table.sh" "QEMU 10 on the base kernel (control):" "$log"
exit $rc
