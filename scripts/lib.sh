#!/bin/bash
# Shared helpers for the harness scripts; sourced, never run.
# shellcheck disable=SC2034

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
KTREE=${KTREE:-$BUILD/linux}
PATCHES=${PATCHES:-$ROOT/patches}
LOGS=${LOGS:-$BUILD/logs}
JOBS=${JOBS:-$(nproc)}

say() { printf '%s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The patch files of the series, in order, as absolute paths.
series_patches() {
	local p
	[ -f "$PATCHES/series" ] || return 0
	while read -r p; do
		case "$p" in ''|'#'*) continue ;; esac
		printf '%s\n' "$PATCHES/$p"
	done < "$PATCHES/series"
}

# "6.1.192" from a kernel tree's Makefile.
tree_version() {
	awk -F' *= *' '/^VERSION/ {v=$2} /^PATCHLEVEL/ {p=$2}
		/^SUBLEVEL/ {s=$2; print v "." p "." s; exit}' "$1/Makefile"
}

# Variant -> ARCH, CROSS_COMPILE, image path inside the build directory.
variant_arch() {
	case "$1" in
	arm64-*) echo arm64 ;;
	x86_64) echo x86_64 ;;
	*) die "unknown variant '$1' (arm64-4k, arm64-64k, x86_64)" ;;
	esac
}

arch_cross() {
	case "$1" in
	arm64) [ "$(uname -m)" = aarch64 ] || echo aarch64-linux-gnu- ;;
	x86_64) [ "$(uname -m)" = x86_64 ] || echo x86_64-linux-gnu- ;;
	esac
}

arch_image() {
	case "$1" in
	arm64) echo arch/arm64/boot/Image ;;
	x86_64) echo arch/x86/boot/bzImage ;;
	esac
}

# Compiler command for kernel and selftest builds, through ccache when
# it is installed.
arch_cc() {
	local cc
	cc="$(arch_cross "$1")gcc"
	if command -v ccache >/dev/null; then
		echo "ccache $cc"
	else
		echo "$cc"
	fi
}

# Run a command with its output in a log file; on failure print the log's
# tail and path, and fail.
run_logged() {
	local log=$1
	shift
	mkdir -p "$(dirname "$log")"
	if ! "$@" >"$log" 2>&1; then
		tail -n 30 "$log" >&2
		die "failed: $* (full log: $log)"
	fi
}

# patch-ids of the commits base..HEAD of the work tree, one per line.
tree_patch_ids() {
	local c
	for c in $(git -C "$KTREE" rev-list --reverse base..HEAD); do
		git -C "$KTREE" show "$c" | git patch-id --stable | cut -d' ' -f1
	done
}

# patch-ids of the exported series, one per line.
series_patch_ids() {
	local p
	series_patches | while read -r p; do
		git patch-id --stable < "$p" | cut -d' ' -f1
	done
}

# Let ccache hit across clones of this repository in different folders.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$ROOT}
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}

# The test lines of a plan (no comments, no @ directives, no blank lines),
# each still with its trailing "# reason" if it has one.
plan_tests() {
	sed -e '/^[[:space:]]*#/d' -e '/^[[:space:]]*@/d' -e '/^[[:space:]]*$/d' "$1"
}
