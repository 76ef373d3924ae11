#!/bin/bash
# Build the KVM selftests of the work tree, statically, for one arch, into
# build/out/selftests-<arch>, against the uapi headers of a kernel variant.
# Usage: build-selftests.sh <arm64|x86_64> <variant whose headers to use>
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: build-selftests.sh ARCH VARIANT}
variant=${2:?usage: build-selftests.sh ARCH VARIANT}
out=$BUILD/out/selftests-$arch
hdr=$BUILD/out/$variant/usr/include
[ -d "$hdr" ] || die "no uapi headers in $hdr: build the $variant kernel first"
mkdir -p "$out/tmp"

# The kselftest build writes into its source directory unless TMPOUT and
# OUTPUT point elsewhere; keep the work tree clean.
run_logged "$LOGS/selftests-$arch.log" \
	make -C "$KTREE/tools/testing/selftests/kvm" -j"$JOBS" \
	ARCH="$arch" CROSS_COMPILE="$(arch_cross "$arch")" \
	CC="$(arch_cc "$arch")" \
	KHDR_INCLUDES="-isystem $hdr" \
	LDFLAGS="-static -pthread -no-pie" \
	OUTPUT="$out" TMPOUT="$out/tmp/"
