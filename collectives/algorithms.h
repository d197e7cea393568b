/* The collective algorithms, one per file, and the tags they use in the hidden collective
 * context. Each returns an MPI error class. Buffers are contiguous; reductions work on `n`
 * elements of the predefined type `base`. */
#ifndef MP_COLL_ALGORITHMS_H
#define MP_COLL_ALGORITHMS_H

#include "core/comm.h"

/* One tag per collective kind. Collectives on a communicator are called in the same order by
 * every member and each peer's messages arrive in order, so one tag per kind is enough to keep
 * consecutive operations apart. */
enum mp_coll_tag {
    MP_TAG_BARRIER = 1,
    MP_TAG_BCAST = 2,
    MP_TAG_REDUCE = 3,
    MP_TAG_ALLGATHER = 4,
};

int mp_barrier_dissemination(struct mp_comm *comm);
int mp_bcast_binomial(void *buf, size_t bytes, int root, struct mp_comm *comm);
/* For commutative ops. sendbuf may be MPI_IN_PLACE on any rank: the contribution is then in
 * recvbuf (only the root's recvbuf is written). */
int mp_reduce_binomial(const void *sendbuf, void *recvbuf, size_t n, MPI_Datatype base, MPI_Op op, int root,
                       struct mp_comm *comm);
int mp_allreduce_reduce_bcast(const void *sendbuf, void *recvbuf, size_t n, MPI_Datatype base, MPI_Op op,
                              struct mp_comm *comm);
int mp_allgather_ring(const void *sendbuf, void *recvbuf, size_t bytes, struct mp_comm *comm);

#endif
