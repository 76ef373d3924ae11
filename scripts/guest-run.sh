#!/bin/bash
# Boot a kernel under QEMU with an initramfs made of the C init, a test
# plan and the test binaries it names, and keep the console log.
#
# Usage: guest-run.sh --arch ARCH --kernel IMAGE --bins DIR
#                     (--plan FILE | -- COMMAND [ARGS...])
#                     [--timeout SECONDS] [--log FILE] [--mem SIZE] [--smp N]
# With "-- COMMAND", the command (relative to DIR) is the whole plan, its
# output is printed, and the exit status says whether it passed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch='' kernel='' bins='' plan='' timeout='' log='' mem='' smp=2
cmd=()
while [ $# -gt 0 ]; do
	case "$1" in
	--arch) arch=$2; shift 2 ;;
	--kernel) kernel=$2; shift 2 ;;
	--bins) bins=$2; shift 2 ;;
	--plan) plan=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--log) log=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	--) shift; cmd=("$@"); break ;;
	*) die "guest-run.sh: unknown argument '$1'" ;;
	esac
done
if [ -z "$arch" ] || [ -z "$kernel" ] || [ -z "$bins" ]; then
	die "usage: guest-run.sh --arch ARCH --kernel IMAGE --bins DIR (--plan FILE | -- CMD...)"
fi
[ -f "$kernel" ] || die "guest-run.sh: no kernel image $kernel"
[ -n "$plan" ] || [ ${#cmd[@]} -gt 0 ] || die "guest-run.sh: give --plan or -- COMMAND"

work=$(mktemp -d "${TMPDIR:-/tmp}/guest-run.XXXXXX")
trap 'rm -rf "$work"' EXIT
if [ -z "$plan" ]; then
	plan=$work/plan
	echo "${cmd[0]##*/} pass ${timeout:-600} ${cmd[*]}" >"$plan"
fi

# The init, built for the guest's arch when its source changed.
init=$BUILD/out/init-$arch
if [ ! -x "$init" ] || [ "$ROOT/tests/init.c" -nt "$init" ]; then
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
	printf 'file /init %s 0755 0 0\nfile /plan %s 0644 0 0\n' "$init" "$plan"
	plan_tests "$plan" | sed 's/ #.*//' |
		awk 'NF >= 4 { print $4 }' | sort -u | while read -r bin; do
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
if [ -z "$timeout" ] || [ ${#cmd[@]} -eq 0 ]; then
	timeout=$(plan_tests "$plan" | sed 's/ #.*//' |
		awk 'NF >= 4 { t += $3 + 5 } END { print t + 120 }')
else
	timeout=$((timeout + 120))
fi

case "$arch" in
arm64)
	qemu=(qemu-system-aarch64 -M "virt,virtualization=on,gic-version=3"
	      -cpu max -m "${mem:-3G}")
	append="console=ttyAMA0"
	;;
x86_64)
	qemu=(qemu-system-x86_64 -M q35 -cpu max -m "${mem:-4G}")
	append="console=ttyS0 tsc=reliable"
	;;
*) die "unknown arch '$arch'" ;;
esac

log=${log:-$LOGS/guest-$arch.log}
mkdir -p "$(dirname "$log")"
# With SHOW=1 the tests' own output is printed as it comes (the init
# prefixes it with "# "; kernel messages and the init's summary are not).
show() {
	if [ "${SHOW:-0}" = 1 ]; then
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
timeout --kill-after=10 "$timeout" "${qemu[@]}" -smp "$smp" \
	-accel tcg,thread=multi -nographic -no-reboot \
	-kernel "$kernel" -initrd "$work/initramfs.cpio" \
	-append "$append panic=-1 oops=panic default_hugepagesz=2M hugepagesz=2M hugepages=64" \
	</dev/null 2>&1 | tee "$log" | show || rc=${PIPESTATUS[0]}
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
	echo "guest-run: whole-run timeout after $timeout s" >>"$log"
fi

if [ ${#cmd[@]} -gt 0 ]; then
	tr -d '\r' <"$log"
	grep -q "^ok 1 " <(tr -d '\r' <"$log") || exit 1
	grep -q "^ok 1 .*# SKIP" <(tr -d '\r' <"$log") && exit 4
	exit 0
fi
exit 0
