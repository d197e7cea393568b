/* Collective operations over the point-to-point engine's hidden collective context. Each
 * returns an MPI error class. Buffers hold `count` elements of a contiguous datatype. */
#ifndef MP_COLL_H
#define MP_COLL_H

#include "core/comm.h"

int mp_barrier(struct mp_comm *comm);
int mp_bcast(void *buf, int count, MPI_Datatype type, int root, struct mp_comm *comm);
int mp_reduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype type, MPI_Op op, int root,
              struct mp_comm *comm);
int mp_allreduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype type, MPI_Op op, struct mp_comm *comm);
/* Every rank contributes `bytes` bytes; recvbuf receives size * bytes in rank order. */
int mp_allgather_bytes(const void *sendbuf, void *recvbuf, size_t bytes, struct mp_comm *comm);

#endif
