#!/bin/bash
# The QEMU migration plan of 'make' and 'make qemu', from make's knobs.
# Usage: qemu-plan.sh MODES RING SMALL_RING GUEST_MIB WRITE_MIB > PLAN
#   MODES  a list of ring, small-ring, bitmap (see 'make help')
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 5 ] || die "usage: qemu-plan.sh MODES RING SMALL_RING GUEST_MIB WRITE_MIB"
modes=$1 ring=$2 small=$3 mib=$4 wmib=$5
for n in "$ring" "$small" "$mib" "$wmib"; do
	case "$n" in '' | *[!0-9]*) die "RING, SMALL_RING, GUEST_MIB and WRITE_MIB are numbers, not '$n'" ;; esac
done
[ $((wmib + 64)) -le "$mib" ] ||
	die "WRITE_MIB ($wmib) must leave the inner guest 64 MiB of its GUEST_MIB ($mib)"
[ -n "$modes" ] || die "MODES is empty (ring, small-ring, bitmap)"

cat <<PLAN
# QEMU 10, Debian's own, live-migrates an arm64 guest ($mib MiB, 2 vCPUs
# writing $wmib MiB at random, a virtio-rng device with MSI-X through the
# ITS) inside the arm64 test guest; then both guest RAMs are compared byte
# for byte and the migrated guest verifies every page it wrote.
# Made by scripts/qemu-plan.sh "$modes" $ring $small $mib $wmib
PLAN
sizes="-m $mib -w $wmib"
for m in $modes; do
	case "$m" in
	ring) echo "qemu_ring pass 900 qemu/qemu-migrate -r $ring $sizes -l ring" ;;
	small-ring) echo "qemu_ring_small pass 900 qemu/qemu-migrate -r $small -F $sizes -l small-ring" ;;
	bitmap) echo "qemu_bitmap pass 900 qemu/qemu-migrate $sizes -l bitmap" ;;
	*) die "unknown mode '$m' in MODES (ring, small-ring, bitmap)" ;;
	esac
done
