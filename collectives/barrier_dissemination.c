/* Dissemination barrier (Hensgen, Finkel, Manber): in round k every rank signals rank + 2^k and
 * waits for rank - 2^k, so after ceil(log2 p) rounds each rank has heard, transitively, from all. */
#include "collectives/algorithms.h"
#include "p2p/p2p.h"

int mp_barrier_dissemination(struct mp_comm *comm)
{
    const int size = comm->size, rank = comm->rank;
    char token = 0;
    for (int dist = 1; dist < size; dist <<= 1) {
        int rc = mp_sendrecv(&token, 0, (rank + dist) % size, &token, 0, (rank - dist + size) % size, MP_TAG_BARRIER,
                             comm, MP_COLL);
        if (rc != MPI_SUCCESS) return rc;
    }
    return MPI_SUCCESS;
}
