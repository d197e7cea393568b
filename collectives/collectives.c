/* Entry points of the collectives: turn (count, datatype) into bytes or reduction elements and
 * pick the algorithm. There is one algorithm per collective so far, so selection is trivial. */
#include "collectives/algorithms.h"
#include "collectives/coll.h"
#include "core/datatype.h"

int mp_barrier(struct mp_comm *comm)
{
    return mp_barrier_dissemination(comm);
}

/* Every member passes the same count, so a zero count means no member has anything to move. */
int mp_bcast(void *buf, int count, MPI_Datatype type, int root, struct mp_comm *comm)
{
    size_t bytes = mp_dtype_bytes(mp_dtype_get(type), (size_t)count);
    if (bytes == 0 || comm->size == 1) return MPI_SUCCESS;
    return mp_bcast_binomial(buf, bytes, root, comm);
}

int mp_reduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype type, MPI_Op op, int root,
              struct mp_comm *comm)
{
    const struct mp_dtype *dt = mp_dtype_get(type);
    size_t n = (size_t)count * dt->base_count;
    if (n == 0) return MPI_SUCCESS;
    return mp_reduce_binomial(sendbuf, recvbuf, n, dt->base, op, root, comm);
}

int mp_allreduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype type, MPI_Op op, struct mp_comm *comm)
{
    const struct mp_dtype *dt = mp_dtype_get(type);
    size_t n = (size_t)count * dt->base_count;
    if (n == 0) return MPI_SUCCESS;
    return mp_allreduce_reduce_bcast(sendbuf, recvbuf, n, dt->base, op, comm);
}

int mp_allgather_bytes(const void *sendbuf, void *recvbuf, size_t bytes, struct mp_comm *comm)
{
    return mp_allgather_ring(sendbuf, recvbuf, bytes, comm);
}
