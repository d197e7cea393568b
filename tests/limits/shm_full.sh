#!/bin/sh
# /dev/shm too small for the job's rings, in a mount namespace of our own with a small tmpfs on
# /dev/shm (needs root, as the multi-host tests do): MPI_Init fails with MPI_ERR_NO_MEM and a
# message naming /dev/shm — also when each rank alone would fit but all together do not (no
# SIGBUS later) — and mpprun --doctor and the failed job's report name the problem.
#   shm_full.sh MPPRUN PROGRAM
mpprun=$1 prog=$2
unshare -m true || {
    echo "shm_full: unshare -m does not work here (needs root)" >&2
    exit 1
}
# in_small_shm SIZE COMMAND...: COMMAND with a tmpfs of SIZE on /dev/shm
in_small_shm() {
    size=$1
    shift
    unshare -m sh -c 'mount -t tmpfs -o size=$0 tmpfs /dev/shm && exec "$@"' "$size" "$@"
}
fail() {
    echo "shm_full: $1" >&2
    echo "$out" >&2
    exit 1
}
out=$(in_small_shm 64k "$mpprun" --doctor -n 4 2>&1)
rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q '^mpprun: doctor: shm *problem: /dev/shm has 64.0 KiB free, the 4 ranks of this host need .*fix: ' ||
    fail "mpprun --doctor with 64 KiB in /dev/shm: exit code $rc, expected 1 and a shm problem:"

out=$(in_small_shm 64k "$mpprun" -n 4 --timeout 100 "$prog" 2>&1)
rc=$?
[ $rc -eq 20 ] || fail "4 ranks with 64 KiB in /dev/shm: exit code $rc, expected 20 (MPI_ERR_NO_MEM):"
echo "$out" | grep -q 'MPI_Init: start-up failed' && echo "$out" | grep -q 'shm: /dev/shm has [0-9]* bytes free' ||
    fail "4 ranks with 64 KiB in /dev/shm: no message naming MPI_Init and /dev/shm:"
echo "$out" | grep -q '^mpprun: doctor: shm *problem:' || fail "the failed job's report has no shm problem:"

# Each rank's segment (257 KiB) fits in 600 KiB, four do not: the ranks that cannot reserve theirs fail.
out=$(in_small_shm 600k "$mpprun" -n 4 --timeout 100 "$prog" 2>&1)
rc=$?
[ $rc -ne 0 ] && [ $rc -ne 124 ] || fail "4 ranks with 600 KiB in /dev/shm: exit code $rc, expected an MPI error:"
echo "$out" | grep -q 'signal' && fail "4 ranks with 600 KiB in /dev/shm: a rank died by a signal:"
echo "$out" | grep -q 'shm: .*/dev/shm' || fail "4 ranks with 600 KiB in /dev/shm: no message naming /dev/shm:"

out=$(in_small_shm 64k env MSGPASS_SHM_RING_SIZE=4096 "$mpprun" -n 2 --timeout 100 "$prog" 2>&1)
rc=$?
[ $rc -eq 0 ] && echo "$out" | grep -q "passed, 0 failed" || fail "2 ranks with 4 KiB rings in 64 KiB: exit code $rc:"
echo "shm_full: a full /dev/shm gives MPI_ERR_NO_MEM naming /dev/shm; the fix it names works"
