#!/bin/sh
# A rank that exits in the middle of a TCP job: the job fails (not exit code 124, a timeout) and
# the error names the rank.   peer_exit.sh MPPRUN PEER_EXIT
mpprun=$1 prog=$2
out=$(MSGPASS_TRANSPORTS=tcp "$mpprun" -n 2 --timeout 60 "$prog" 2>&1)
rc=$?
echo "$out"
if [ $rc -eq 0 ] || [ $rc -eq 124 ]; then
    echo "peer_exit: exit code $rc, expected a failure other than the timeout" >&2
    exit 1
fi
echo "$out" | grep -q "rank 1" || {
    echo "peer_exit: the error does not name rank 1" >&2
    exit 1
}
echo "peer_exit: failed with exit code $rc naming rank 1, as it should"
