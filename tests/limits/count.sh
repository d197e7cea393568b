#!/bin/sh
# Counts whose bytes overflow: count_overflow checks the error classes itself; here, that the
# refusals carry the large-count advice, and that under MPI_ERRORS_ARE_FATAL such a send ends the
# job with MPI_ERR_COUNT's code and a message naming the call.   count.sh MPPRUN COUNT_OVERFLOW
mpprun=$1 prog=$2
out=$(MSGPASS_LOG=debug "$mpprun" -n 2 --timeout 100 "$prog" 2>&1)
rc=$?
hints=$(echo "$out" | grep -c 'MPI_\(Send\|Irecv\|Pack\|Pack_size\): .*large counts: describe the data with a bigger datatype')
if [ $rc -ne 0 ] || ! echo "$out" | grep -q "passed, 0 failed" || [ "$hints" -lt 12 ]; then
    echo "count: exit code $rc, $hints refusals with the large-count advice (expected >= 12 from 2 ranks):" >&2
    echo "$out" >&2
    exit 1
fi
out=$("$mpprun" -n 1 --timeout 100 "$prog" fatal 2>&1)
rc=$?
if [ $rc -ne 2 ] || ! echo "$out" | grep -q 'rank 0: MPI_Send: 16 elements of 1152921504606846976 bytes .*(argument count); large counts'; then
    echo "count: fatal MPI_Send of an overflowing count: exit code $rc (expected 2, MPI_ERR_COUNT):" >&2
    echo "$out" >&2
    exit 1
fi
echo "count: overflowing counts refused with MPI_ERR_COUNT and the large-count advice"
