/* Binomial-tree reduction for commutative ops. Ranks are renumbered relative to the root; at
 * step j a rank whose bit j is set sends its partial result to the rank without that bit and
 * drops out, the others fold in what they receive. A partial result at relative rank v covers
 * relative ranks [v, v + 2^j), and the received one the range right after it, so operands are
 * always combined as (lower ranks) op (higher ranks): with the root at 0 the result is the
 * rank-order reduction, bracketed as a tree. */
#include <stdlib.h>
#include <string.h>

#include "collectives/algorithms.h"
#include "core/datatype.h"
#include "core/op.h"
#include "p2p/p2p.h"

int mp_reduce_binomial(const void *sendbuf, void *recvbuf, size_t n, MPI_Datatype base, MPI_Op op, int root,
                       struct mp_comm *comm)
{
    const int size = comm->size;
    const int vrank = (comm->rank - root + size) % size;
    const size_t bytes = mp_dtype_bytes(mp_dtype_get(base), n);
    const void *acc = sendbuf == MPI_IN_PLACE ? recvbuf : sendbuf;
    char *scratch = NULL; /* two buffers: the partial result and the next incoming operand */
    int rc = MPI_SUCCESS, turn = 0;

    int mask = 1;
    for (; mask < size; mask <<= 1) {
        if (vrank & mask) break;
        int child = vrank | mask;
        if (child >= size) continue;
        if (!scratch && !(scratch = malloc(2 * bytes))) return MPI_ERR_NO_MEM;
        char *incoming = scratch + (size_t)turn * bytes;
        rc = mp_recv(incoming, bytes, (child + root) % size, MP_TAG_REDUCE, comm, MP_COLL, NULL);
        if (rc != MPI_SUCCESS) goto out;
        /* incoming = acc op incoming keeps lower ranks on the left; it becomes the new acc. */
        mp_op_apply(op, base, acc, incoming, n);
        acc = incoming;
        turn ^= 1;
    }
    if (vrank == 0) {
        if (acc != recvbuf) memcpy(recvbuf, acc, bytes);
    } else {
        rc = mp_send(acc, bytes, (vrank - mask + root) % size, MP_TAG_REDUCE, comm, MP_COLL);
    }
out:
    free(scratch);
    return rc;
}
