#!/bin/sh
# Out of file descriptors: 8 ranks talking to every other over tcp, each allowed 12 descriptors.
# The job must end with an MPI error whose messages say to raise ulimit -n — not hang (mpprun's
# --timeout would give 124) and not crash — and the same job with enough descriptors passes.
#   fd_limit.sh MPPRUN PROGRAM
mpprun=$1 prog=$2
run() {
    MSGPASS_TRANSPORTS=tcp "$mpprun" -n 8 --timeout 100 sh -c 'ulimit -n $0 && exec "$1"' "$1" "$prog" 2>&1
}
out=$(run 12)
rc=$?
if [ $rc -eq 0 ] || [ $rc -eq 124 ] || [ $rc -gt 128 ] || ! echo "$out" | grep -q 'raise ulimit -n' ||
    ! echo "$out" | grep -q '^mpprun: rank [0-9]* (.*) aborted the job with code'; then
    echo "fd_limit: 12 descriptors per rank: exit code $rc, expected an MPI error telling to raise ulimit -n:" >&2
    echo "$out" >&2
    exit 1
fi
out=$(run 256)
rc=$?
if [ $rc -ne 0 ] || ! echo "$out" | grep -q "passed, 0 failed"; then
    echo "fd_limit: 256 descriptors per rank: exit code $rc:" >&2
    echo "$out" >&2
    exit 1
fi
echo "fd_limit: out of descriptors ends the job with an MPI error naming ulimit -n"
