/* Ring allgather: in step s every rank passes the block it received in step s - 1 (its own at
 * first) to its right neighbour, so after size - 1 steps every block has gone round. Bandwidth
 * optimal, latency linear in size. */
#include <string.h>

#include "collectives/algorithms.h"
#include "p2p/p2p.h"

int mp_allgather_ring(const void *sendbuf, void *recvbuf, size_t bytes, struct mp_comm *comm)
{
    const int size = comm->size, rank = comm->rank;
    char *out = recvbuf;
    if (sendbuf != MPI_IN_PLACE) memmove(out + (size_t)rank * bytes, sendbuf, bytes);
    const int right = (rank + 1) % size, left = (rank - 1 + size) % size;
    for (int s = 0; s < size - 1; s++) {
        int send_block = (rank - s + size) % size;
        int recv_block = (rank - s - 1 + size) % size;
        int rc = mp_sendrecv(out + (size_t)send_block * bytes, bytes, right, out + (size_t)recv_block * bytes, bytes,
                             left, MP_TAG_ALLGATHER, comm, MP_COLL);
        if (rc != MPI_SUCCESS) return rc;
    }
    return MPI_SUCCESS;
}
