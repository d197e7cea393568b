#!/usr/bin/env bash
# Run the multi-rank test suite (suite.txt) against an MPI implementation, outside ctest.
#   tests/mpi/run-suite.sh openmpi            build with mpicc.openmpi, run with mpirun.openmpi
#   tests/mpi/run-suite.sh mpich              build with mpicc.mpich,   run with mpiexec.mpich
#   tests/mpi/run-suite.sh ours BUILD_DIR     run BUILD_DIR/tests/mpi/* with BUILD_DIR/mpprun
# Options (after the implementation): -k keep going after a failure, -t NAME run only NAME,
# -r N repeat every run N times (to shake out races).
# Prints one line per run (PASS/FAIL, seconds) and the total wall time; exit 0 iff all passed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
impl=${1:-}
shift || true
build=""
if [ "$impl" = ours ]; then
    build=$(cd "${1:?usage: run-suite.sh ours BUILD_DIR}" && pwd)
    shift
fi
keep=0 only="" repeat=1
while getopts "kt:r:" o; do
    case $o in
    k) keep=1 ;;
    t) only=$OPTARG ;;
    r) repeat=$OPTARG ;;
    *) exit 2 ;;
    esac
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
case $impl in
openmpi)
    cc=mpicc.openmpi pre=(mpirun.openmpi --oversubscribe -np) post=()
    [ "$(id -u)" = 0 ] && pre=(mpirun.openmpi --allow-run-as-root --oversubscribe -np) ;;
mpich)
    cc=mpicc.mpich pre=(mpiexec.mpich -n) post=() ;;
ours)
    cc="" pre=("$build/mpprun" -n) post=(--timeout 120) ;;
*)
    echo "usage: $0 openmpi|mpich|ours BUILD_DIR [-k] [-t NAME] [-r N]" >&2
    exit 2 ;;
esac

pass=0 fail=0
t0=$(date +%s.%N)
while read -r name nps; do
    case $name in '' | \#*) continue ;; esac
    [ -n "$only" ] && [ "$only" != "$name" ] && continue
    if [ -n "$cc" ]; then
        prog=$tmp/$name
        if ! $cc -std=c11 -O2 -Wall -Wextra "$here/$name.c" -o "$prog"; then
            echo "BUILD FAIL $name"
            fail=$((fail + 1))
            [ $keep = 1 ] && continue || break
        fi
    else
        prog=$build/tests/mpi/$name
    fi
    for np in $nps; do
        for ((i = 0; i < repeat; i++)); do
            s=$(date +%s.%N)
            if timeout 180 "${pre[@]}" "$np" "${post[@]}" "$prog" </dev/null >"$tmp/out" 2>&1; then
                r=PASS
                pass=$((pass + 1))
            else
                r=FAIL
                fail=$((fail + 1))
            fi
            e=$(date +%s.%N)
            printf '%-4s %-16s np%-3s %6.2fs  %s\n' $r "$name" "$np" "$(awk "BEGIN{print $e - $s}")" \
                "$(grep -h 'passed' "$tmp/out" | tail -1)"
            if [ $r = FAIL ]; then
                sed 's/^/    | /' "$tmp/out" | head -20
                [ $keep = 1 ] || break 3
            fi
        done
    done
done <"$here/suite.txt"
t1=$(date +%s.%N)
printf '%d passed, %d failed, %.1f s total (%s)\n' $pass $fail "$(awk "BEGIN{print $t1 - $t0}")" "$impl"
[ $fail = 0 ]
