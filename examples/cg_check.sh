#!/bin/sh
# Builds examples/cg.c the way a user would (the build tree's mppcc), runs it at 1, 2 and 4 ranks
# and checks that each run passes its own residual and error checks and that all runs take the
# same number of iterations (the decomposition must not change the mathematics).
# usage: cg_check.sh MPPCC MPPRUN SOURCE_DIR
set -eu
mppcc=$1
mpprun=$2
src=$3
work=$(mktemp -d /tmp/msgpass-cg.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$mppcc" -O2 -o "$work/cg" "$src/examples/cg.c" -lm
first=""
for np in 1 2 4; do
    out=$("$mpprun" -n "$np" --timeout 120 "$work/cg" 96) || { echo "$out"; echo "cg_check: cg failed on $np ranks" >&2; exit 1; }
    echo "$out"
    its=$(echo "$out" | sed -n 's/.*iterations=\([0-9]*\).*PASS$/\1/p')
    [ -n "$its" ] || { echo "cg_check: no PASS line on $np ranks" >&2; exit 1; }
    [ -z "$first" ] && first=$its
    [ "$its" = "$first" ] || { echo "cg_check: $its iterations on $np ranks, $first on 1 rank" >&2; exit 1; }
done
