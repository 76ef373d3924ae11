#!/bin/bash
# Boot a kernel of a variant under QEMU with an initramfs made of the C
# init, a plan (scripts/plan.sh's form) and the binaries it names, and keep
# the console log.
# Usage: guest-run.sh [--show] VARIANT KERNEL BINS PLAN.tsv LOG
#   BINS    the directory that plan commands are relative to
#   --show  print the tests' own output as it comes, as well
set -euo pipefail
. "$(dirname "$0")/lib.sh"

show=0
[ "${1:-}" = --show ] && { show=1; shift; }
[ $# -eq 5 ] || die "usage: guest-run.sh [--show] VARIANT KERNEL BINS PLAN.tsv LOG"
variant=$1 kernel=$2 bins=$3 plan=$4 log=$5
arch=$(variant_get "$variant" arch)
[ -f "$kernel" ] || die "guest-run.sh: no kernel image $kernel"
[ -f "$plan" ] || die "guest-run.sh: no plan $plan"

work=$(mktemp -d "${TMPDIR:-/tmp}/guest-run.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The init, built for the guest's arch when its source changed.
init=$BUILD/out/init-$arch
if [ ! -x "$init" ] || [ "$ROOT/tests/init.c" -nt "$init" ] ||
	[ "$ROOT/tests/console.h" -nt "$init" ]; then
	mkdir -p "$BUILD/out"
	"$(arch_cross "$arch")gcc" -Wall -Wextra -Werror -O2 -static \
		-o "$init" "$ROOT/tests/init.c" || die "cannot build the guest init"
fi
gen=$BUILD/out/gen_init_cpio
if [ ! -x "$gen" ] || [ "$KTREE/usr/gen_init_cpio.c" -nt "$gen" ]; then
	gcc -O2 -o "$gen" "$KTREE/usr/gen_init_cpio.c" || die "cannot build gen_init_cpio"
fi

# The initramfs holds only the binaries the plan runs.
{
	printf 'dir /dev 0755 0 0\nnod /dev/console 0600 0 0 c 5 1\n'
	printf 'dir /proc 0755 0 0\ndir /sys 0755 0 0\ndir /tmp 1777 0 0\n'
	printf 'dir /kvm 0755 0 0\n'
	printf 'file /init %s 0755 0 0\nfile /plan.tsv %s 0644 0 0\n' "$init" "$plan"
	plan_tests "$plan" | cut -f6 | sort -u | while read -r bin; do
		case "$bin" in
		qemu/*)
			# QEMU and the migration controller (build-qemu-guest.sh);
			# the inner guest boots this same kernel.
			list=$BUILD/out/qemu-$arch/files.list
			[ -f "$list" ] || die "plan names $bin: run scripts/build-qemu-guest.sh $arch first"
			cat "$list"
			printf 'file /kvm/qemu/Image %s 0644 0 0\n' "$kernel"
			continue ;;
		esac
		[ -f "$bins/$bin" ] || die "plan names $bin, which is not in $bins"
		d=$(dirname "$bin")
		[ "$d" = . ] || printf 'dir /kvm/%s 0755 0 0\n' "$d"
		printf 'file /kvm/%s %s 0755 0 0\n' "$bin" "$bins/$bin"
	done
} | awk '!seen[$0]++' >"$work/list"
"$gen" "$work/list" >"$work/initramfs.cpio"

# Whole-run timeout: the sum of the per-test timeouts and time to boot.
timeout=$(plan_tests "$plan" | awk -F'\t' '{ t += $4 + 5 } END { print t + 120 }')

mkdir -p "$(dirname "$log")"
# With --show the tests' own output is printed as it comes (the init
# prefixes it with "# "; kernel messages and the init's summary are not).
show() {
	if [ "$show" = 1 ]; then
		tr -d '\r' | grep --line-buffered '^# ' |
			grep --line-buffered -v '^# init: \(/dev/kvm\|kernel log,\|done\)' |
			sed -u 's/^# //'
	else
		cat >/dev/null
	fi
}
rc=0
# An oops ends the run at once (oops=panic, then panic=-1 and -no-reboot
# stop QEMU): a kernel that faulted would otherwise sit until the
# whole-run timeout. results.sh reports the splat and the tests not run.
timeout --kill-after=10 "$timeout" "$(variant_get "$variant" qemu)" \
	-M "$(variant_get "$variant" machine)" -cpu "$(variant_get "$variant" cpu)" \
	-m "$(variant_get "$variant" mem)" -smp 2 \
	-accel tcg,thread=multi -nographic -no-reboot \
	-kernel "$kernel" -initrd "$work/initramfs.cpio" \
	-append "$(variant_get "$variant" append) panic=-1 oops=panic default_hugepagesz=2M hugepagesz=2M hugepages=64" \
	</dev/null 2>&1 | tee "$log" | show || rc=${PIPESTATUS[0]}
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
	echo "guest-run: whole-run timeout after $timeout s" >>"$log"
fi
