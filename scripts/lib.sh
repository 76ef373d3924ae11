#!/bin/bash
# Shared helpers for the harness scripts; sourced, never run.
# shellcheck disable=SC2034

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
KTREE=$BUILD/linux
PATCHES=$ROOT/patches
LOGS=$BUILD/logs
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

# One fact of a kernel variant, from configs/variants.tsv (its header
# comment names the columns).
VARIANTS_TABLE=$ROOT/configs/variants.tsv
variant_get() { # VARIANT FIELD
	local value
	value=$(awk -F'\t+' -v v="$1" -v f="$2" '
		/^#variant\t/ { sub(/^#/, ""); for (i = 1; i <= NF; i++) col[$i] = i; next }
		/^#/ || NF == 0 { next }
		$1 == v { found = 1; if (f in col) print $col[f]; else bad = 1; exit }
		END { exit bad ? 2 : !found }' "$VARIANTS_TABLE") || {
		[ $? -eq 2 ] && die "configs/variants.tsv has no column '$2'"
		die "unknown variant '$1' (configs/variants.tsv has: $(variants_with "" "" | paste -sd' '))"
	}
	printf '%s\n' "$value"
}

# The variants, in table order, whose FIELD is VALUE (all if FIELD is "").
variants_with() { # FIELD VALUE
	awk -F'\t+' -v f="$1" -v want="$2" '
		/^#variant\t/ { sub(/^#/, ""); for (i = 1; i <= NF; i++) col[$i] = i; next }
		/^#/ || NF == 0 { next }
		f == "" || $col[f] == want { print $1 }' "$VARIANTS_TABLE"
}

arch_cross() {
	case "$1" in
	arm64) [ "$(uname -m)" = aarch64 ] || echo aarch64-linux-gnu- ;;
	x86_64) [ "$(uname -m)" = x86_64 ] || echo x86_64-linux-gnu- ;;
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

# A plan in the form that scripts/plan.sh writes: one line per test,
# "test NAME EXPECT TIMEOUT REASON ARG0 ARG1...", tab-separated, REASON "-"
# when there is none. The test lines of such a file, one per line.
plan_tests() { # PLAN.tsv
	awk -F'\t' '$1 == "test"' "$1"
}

# The results of run NAME (scripts/results.sh writes them): one line per
# test, "TEST STATUS SECONDS REASON" tab-separated, in RESULTS/NAME.tsv,
# and each test's own output in RESULTS/NAME/TEST.out.
RESULTS=$BUILD/results
