#!/bin/bash
# The variant table, configs/variants.tsv, for the Makefile.
# Usage: variant.sh VARIANT FIELD        one fact of a variant
#        variant.sh --with FIELD VALUE   the variants whose FIELD is VALUE
set -euo pipefail
. "$(dirname "$0")/lib.sh"

case "${1:-}" in
--with) [ $# -eq 3 ] || die "usage: variant.sh --with FIELD VALUE"; variants_with "$2" "$3" | paste -sd' ' ;;
*) [ $# -eq 2 ] || die "usage: variant.sh VARIANT FIELD | --with FIELD VALUE"; variant_get "$1" "$2" ;;
esac
