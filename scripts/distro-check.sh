#!/bin/bash
# Build KVM with Debian's own 6.1 configs, on the base and on the series,
# with W=1 and sparse (C=1), and name every warning that only the series
# has. amd64 (KVM modular): kvm.ko, kvm-intel.ko and kvm-amd.ko with
# modpost, and every kvm.ko function that a vendor module calls must be
# exported. arm64 (KVM built in): arch/arm64/kvm/, which builds virt/kvm/.
# docs: make htmldocs SPHINXDIRS=virt, and scripts/kernel-doc -none on
# every C file and header that the series touches.
# Usage: distro-check.sh [amd64|arm64|docs]...   (default: all three)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

DIR=$BUILD/distro
arches=("$@")
[ ${#arches[@]} -gt 0 ] || arches=(amd64 arm64 docs)
"$ROOT/scripts/deps.sh" linux-config-6.1 sparse python3-sphinx python3-sphinx-rtd-theme
[ -e "$KTREE/.git" ] || die "no work tree at $KTREE: run 'make tree' first"
mkdir -p "$DIR" "$LOGS"

# Debian's config for an arch, on stdout. The arm64 one comes from the
# arm64 build of linux-config-6.1, fetched and unpacked.
debian_config() {
	case "$1" in
	amd64) xzcat /usr/src/linux-config-6.1/config.amd64_none_amd64.xz ;;
	arm64)
		"$ROOT/scripts/fetch-deb.sh" "$DIR/arm64-deb" linux-config-6.1 >&2
		xzcat "$DIR/arm64-deb/usr/src/linux-config-6.1/config.arm64_none_arm64.xz" ;;
	*) die "unknown arch '$1' (amd64, arm64)" ;;
	esac
}

# A checkout of the work tree at a revision, made once and reused.
checkout() {
	local src=$DIR/src-$1
	if [ -d "$src" ]; then
		git -C "$src" checkout -q -f --detach "$2"
	else
		git -C "$KTREE" worktree prune
		git -C "$KTREE" worktree add -q -f --detach "$src" "$2"
	fi
}

# Warnings and errors of a build log, without line and column numbers or
# the checkout's path, so that base and series compare. modpost's
# "undefined!" lines are left out: without vmlinux (only the modules are
# built) every symbol of the kernel proper is undefined to it, and it
# prints an arbitrary few; unexported() checks what matters there.
warnings() {
	grep -E '(warning|error|ERROR|WARNING)[: ]' "$1" |
		grep -vE '^WARNING: modpost: ("[^"]*" \[.*\] undefined!|suppressed [0-9]+ unresolved)' |
		sed -E -e 's#^[^ ]*src-(base|series)/##' -e 's#^(\.\./)+##' \
			-e 's/:[0-9]+(:[0-9]+)?:/:/' | sort -u
}

# Functions of kvm.ko that kvm-intel.ko or kvm-amd.ko call without kvm.ko
# exporting them: modpost cannot see this without vmlinux's symbols.
unexported() {
	local dir=$1 m
	nm "$dir/kvm.ko" | awk '$3 ~ /^__ksymtab_/ { sub(/^__ksymtab_/, "", $3); print $3 }' |
		sort -u >"$dir/kvm.exports"
	nm --defined-only "$dir/kvm.ko" | awk '{ print $3 }' | sort -u >"$dir/kvm.defined"
	for m in kvm-intel kvm-amd; do
		nm -u "$dir/$m.ko" | awk '{ print $2 }' | sort -u |
			comm -12 - "$dir/kvm.defined" | comm -23 - "$dir/kvm.exports" |
			sed "s/^/ERROR: $m.ko calls kvm.ko's unexported /"
	done
}

# make in a checkout, with the variables of build() below.
# shellcheck disable=SC2317 # called through run_logged
kmake() {
	make -C "$DIR/src-$name" O="$out" ARCH="$karch" CROSS_COMPILE="$cross" \
		CC="$(arch_cc "$karch")" -j"$JOBS" "$@"
}

# The documentation of a revision: Sphinx on Documentation/virt (where
# api.rst is) and kernel-doc on the files the series touches, in the
# base too where they exist there.
docs() { # name revision
	local name=$1 src=$DIR/src-$1 out=$DIR/out-docs-$1 log=$LOGS/distro-docs-$1.log
	local stamp files f
	stamp="$(git -C "$KTREE" rev-parse "$2") docs"
	if [ -f "$DIR/docs-$name.warnings" ] &&
	   [ "$(cat "$DIR/docs-$name.stamp" 2>/dev/null)" = "$stamp" ]; then
		return 0
	fi
	checkout "$name" "$2"
	rm -rf "$out"
	run_logged "$log" make -C "$src" O="$out" SPHINXDIRS=virt htmldocs
	files=$(git -C "$KTREE" diff --name-only base HEAD -- '*.c' '*.h' |
		grep -v '^tools/' || true)
	for f in $files; do
		[ -f "$src/$f" ] || continue
		"$src/scripts/kernel-doc" -none "$src/$f" >>"$log" 2>&1 || true
	done
	warnings "$log" >"$DIR/docs-$name.warnings"
	echo "$stamp" >"$DIR/docs-$name.stamp"
}

build() { # arch name revision
	local arch=$1 name=$2 karch cross out log stamp
	case "$arch" in
	amd64) karch=x86_64 cross= ;;
	arm64) karch=arm64 cross=$(arch_cross arm64) ;;
	esac
	# The warnings of a revision with a config do not change: keep them
	# from the last run (the base's, mostly). Otherwise build from
	# scratch, as sparse only checks the files that are compiled.
	stamp="$(git -C "$KTREE" rev-parse "$3") $(debian_config "$arch" | sha1sum)"
	if [ -f "$DIR/$arch-$name.warnings" ] &&
	   [ "$(cat "$DIR/$arch-$name.stamp" 2>/dev/null)" = "$stamp" ]; then
		return 0
	fi
	checkout "$name" "$3"
	out=$DIR/out-$arch-$name
	log=$LOGS/distro-$arch-$name.log
	rm -rf "$out" "$DIR/$arch-$name.stamp"
	mkdir -p "$out"
	debian_config "$arch" >"$out/.config"
	# Module signing off (Debian's keys are not here), nothing else.
	"$DIR/src-$name/scripts/config" --file "$out/.config" \
		--disable MODULE_SIG --disable MODULE_SIG_ALL --set-str MODULE_SIG_KEY "" \
		--set-str SYSTEM_TRUSTED_KEYS "" --set-str SYSTEM_REVOCATION_KEYS ""
	run_logged "$log" kmake olddefconfig
	case "$arch" in
	amd64)
		grep -qx 'CONFIG_KVM=m' "$out/.config" || die "Debian's amd64 config has no CONFIG_KVM=m"
		run_logged "$log.make" kmake W=1 C=1 arch/x86/kvm/kvm.ko \
			arch/x86/kvm/kvm-intel.ko arch/x86/kvm/kvm-amd.ko
		cat "$log.make" >>"$log"
		unexported "$out/arch/x86/kvm" >>"$log"
		;;
	arm64)
		grep -qx 'CONFIG_KVM=y' "$out/.config" || die "Debian's arm64 config has no CONFIG_KVM=y"
		run_logged "$log.make" kmake W=1 C=1 arch/arm64/kvm/
		cat "$log.make" >>"$log"
		;;
	esac
	rm -f "$log.make"
	warnings "$log" >"$DIR/$arch-$name.warnings"
	echo "$stamp" >"$DIR/$arch-$name.stamp"
}

rc=0
for arch in "${arches[@]}"; do
	start=$SECONDS
	if [ "$arch" = docs ]; then
		docs base base
		docs series "$(git -C "$KTREE" rev-parse HEAD)"
	else
		build "$arch" base base
		build "$arch" series "$(git -C "$KTREE" rev-parse HEAD)"
	fi
	new=$(comm -13 "$DIR/$arch-base.warnings" "$DIR/$arch-series.warnings")
	say "$arch: $(wc -l <"$DIR/$arch-base.warnings") warnings on the base," \
		"$(wc -l <"$DIR/$arch-series.warnings") with the series," \
		"$(grep -c . <<<"$new" || true) only with the series ($((SECONDS - start)) s)"
	if [ -n "$new" ]; then
		while read -r w; do say "  $w"; done <<<"$new"
		say "  (logs: $LOGS/distro-$arch-base.log, $LOGS/distro-$arch-series.log)"
		rc=1
	fi
done
if [ $rc -eq 0 ]; then
	say "distro-check: PASS, the series adds no warning with Debian's configs"
else
	say "distro-check: FAIL"
fi
exit $rc
