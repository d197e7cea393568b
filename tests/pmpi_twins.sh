#!/bin/sh
# Every MPI_ function declared in mpi.h must be exported by the shared library both as MPI_x and
# as PMPI_x (the profiling interface). Usage: pmpi_twins.sh MPI_H LIBMSGPASS_SO
set -eu
header=$1
lib=$2
declared=$(sed -n 's/^MP_DECLARE([^,]*, *\([A-Za-z_0-9]*\),.*/\1/p' "$header" | sort -u)
[ -n "$declared" ] || { echo "no MP_DECLARE lines found in $header"; exit 1; }
exported=$(nm -D --defined-only "$lib" | awk '{print $3}')
missing=0
count=0
for f in $declared; do
    count=$((count + 1))
    for name in "MPI_$f" "PMPI_$f"; do
        if ! printf '%s\n' "$exported" | grep -qx "$name"; then
            echo "missing from $lib: $name"
            missing=$((missing + 1))
        fi
    done
done
echo "$count functions declared, $((2 * count - missing)) of $((2 * count)) MPI_/PMPI_ symbols exported"
[ "$missing" -eq 0 ]
