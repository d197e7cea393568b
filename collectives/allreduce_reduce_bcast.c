/* Allreduce as a reduction to rank 0 followed by a broadcast: two tree passes, simple and correct
 * for every size and op; every rank ends with bit-identical results. */
#include "collectives/algorithms.h"
#include "core/datatype.h"

int mp_allreduce_reduce_bcast(const void *sendbuf, void *recvbuf, size_t n, MPI_Datatype base, MPI_Op op,
                              struct mp_comm *comm)
{
    int rc = mp_reduce_binomial(sendbuf, recvbuf, n, base, op, 0, comm);
    if (rc != MPI_SUCCESS) return rc;
    return mp_bcast_binomial(recvbuf, mp_dtype_bytes(mp_dtype_get(base), n), 0, comm);
}
