#!/bin/bash
# A QEMU migration plan from make's knobs (see 'make help').
# Usage: MODES="ring small-ring bitmap" RING=4096 SMALL_RING=1024
#        GUEST_MIB=256 WRITE_MIB=64 qemu-plan.sh > PLAN
set -euo pipefail
. "$(dirname "$0")/lib.sh"

sizes="-m ${GUEST_MIB:-256} -w ${WRITE_MIB:-64}"
for n in "${RING:-4096}" "${SMALL_RING:-1024}" "${GUEST_MIB:-256}" "${WRITE_MIB:-64}"; do
	case "$n" in '' | *[!0-9]*) die "RING, SMALL_RING, GUEST_MIB and WRITE_MIB are numbers, not '$n'" ;; esac
done
[ $((WRITE_MIB + 64)) -le "$GUEST_MIB" ] ||
	die "WRITE_MIB ($WRITE_MIB) must leave the inner guest 64 MiB of its GUEST_MIB ($GUEST_MIB)"
for m in ${MODES:-ring}; do
	case "$m" in
	ring) echo "qemu_ring pass 900 qemu/qemu-migrate -r $RING $sizes -l ring" ;;
	small-ring) echo "qemu_ring_small pass 900 qemu/qemu-migrate -r $SMALL_RING -F $sizes -l small-ring" ;;
	bitmap) echo "qemu_bitmap pass 900 qemu/qemu-migrate $sizes -l bitmap" ;;
	*) die "unknown mode '$m' in MODES (ring, small-ring, bitmap)" ;;
	esac
done
