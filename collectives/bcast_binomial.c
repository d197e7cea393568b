/* Binomial-tree broadcast: ranks are renumbered relative to the root; a rank receives from the
 * rank that differs in its lowest set bit, then forwards to rank + 2^j for each lower bit j. */
#include "collectives/algorithms.h"
#include "p2p/p2p.h"

int mp_bcast_binomial(void *buf, size_t bytes, int root, struct mp_comm *comm)
{
    const int size = comm->size;
    const int vrank = (comm->rank - root + size) % size;
    int mask = 1;
    while (mask < size) {
        if (vrank & mask) {
            int rc = mp_recv(buf, bytes, (vrank - mask + root) % size, MP_TAG_BCAST, comm, MP_COLL, NULL);
            if (rc != MPI_SUCCESS) return rc;
            break;
        }
        mask <<= 1;
    }
    /* Children get the data concurrently: a slow child does not hold up its siblings. */
    struct mp_request *reqs[sizeof(int) * 8];
    int n = 0, rc = MPI_SUCCESS;
    for (mask >>= 1; mask > 0; mask >>= 1) {
        if (vrank + mask >= size) continue;
        rc = mp_isend(buf, bytes, (vrank + mask + root) % size, MP_TAG_BCAST, comm, MP_COLL, MP_SEND_STD, &reqs[n]);
        if (rc != MPI_SUCCESS) break;
        n++;
    }
    for (int i = 0; i < n; i++) {
        int r = mp_wait(reqs[i], NULL);
        if (rc == MPI_SUCCESS) rc = r;
    }
    return rc;
}
