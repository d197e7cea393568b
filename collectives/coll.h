/* Collective operations over the point-to-point engine's hidden collective context. Each returns
 * an MPI error class. Arguments are those of the MPI call, already checked. With req NULL the
 * call blocks until done; otherwise it starts the operation and *req completes when it is done
 * (the nonblocking MPI calls). */
#ifndef MP_COLL_H
#define MP_COLL_H

#include "collectives/sched.h"
#include "core/comm.h"
#include "core/request.h"

enum mp_coll_kind {
    MP_COLL_BARRIER,
    MP_COLL_BCAST,
    MP_COLL_REDUCE,
    MP_COLL_ALLREDUCE,
    MP_COLL_ALLGATHER,
    MP_COLL_ALLGATHERV,
    MP_COLL_ALLTOALL,
    MP_COLL_ALLTOALLV,
    MP_COLL_ALLTOALLW,
    MP_COLL_GATHER,
    MP_COLL_GATHERV,
    MP_COLL_SCATTER,
    MP_COLL_SCATTERV,
    MP_COLL_REDUCE_SCATTER,
    MP_COLL_REDUCE_SCATTER_BLOCK,
    MP_COLL_SCAN,
    MP_COLL_EXSCAN,
    MP_COLL_NKINDS
};

int mp_coll_barrier(struct mp_comm *c, struct mp_request **req);
int mp_coll_bcast(void *buf, int count, MPI_Datatype type, int root, struct mp_comm *c, struct mp_request **req);
int mp_coll_reduce(const void *sbuf, void *rbuf, int count, MPI_Datatype type, MPI_Op op, int root, struct mp_comm *c,
                   struct mp_request **req);
int mp_coll_allreduce(const void *sbuf, void *rbuf, int count, MPI_Datatype type, MPI_Op op, struct mp_comm *c,
                      struct mp_request **req);
int mp_coll_allgather(const void *sbuf, int scount, MPI_Datatype stype, void *rbuf, int rcount, MPI_Datatype rtype,
                      struct mp_comm *c, struct mp_request **req);
int mp_coll_allgatherv(const void *sbuf, int scount, MPI_Datatype stype, void *rbuf, const int rcounts[],
                       const int displs[], MPI_Datatype rtype, struct mp_comm *c, struct mp_request **req);
int mp_coll_alltoall(const void *sbuf, int scount, MPI_Datatype stype, void *rbuf, int rcount, MPI_Datatype rtype,
                     struct mp_comm *c, struct mp_request **req);
/* Alltoallv when stypes/rtypes hold one type each (stypes[0], rtypes[0]) and displacements count
 * elements; alltoallw when they hold one type per peer and displacements count bytes. */
int mp_coll_alltoallvw(const void *sbuf, const int scounts[], const int sdispls[], const MPI_Datatype stypes[],
                       void *rbuf, const int rcounts[], const int rdispls[], const MPI_Datatype rtypes[], int w,
                       struct mp_comm *c, struct mp_request **req);
int mp_coll_gather(const void *sbuf, int scount, MPI_Datatype stype, void *rbuf, int rcount, MPI_Datatype rtype,
                   int root, struct mp_comm *c, struct mp_request **req);
int mp_coll_gatherv(const void *sbuf, int scount, MPI_Datatype stype, void *rbuf, const int rcounts[],
                    const int displs[], MPI_Datatype rtype, int root, struct mp_comm *c, struct mp_request **req);
int mp_coll_scatter(const void *sbuf, int scount, MPI_Datatype stype, void *rbuf, int rcount, MPI_Datatype rtype,
                    int root, struct mp_comm *c, struct mp_request **req);
int mp_coll_scatterv(const void *sbuf, const int scounts[], const int displs[], MPI_Datatype stype, void *rbuf,
                     int rcount, MPI_Datatype rtype, int root, struct mp_comm *c, struct mp_request **req);
/* rcounts NULL: Reduce_scatter_block with rcount elements per rank. */
int mp_coll_reduce_scatter(const void *sbuf, void *rbuf, const int rcounts[], int rcount, MPI_Datatype type, MPI_Op op,
                           struct mp_comm *c, struct mp_request **req);
int mp_coll_scan(const void *sbuf, void *rbuf, int count, MPI_Datatype type, MPI_Op op, int exclusive,
                 struct mp_comm *c, struct mp_request **req);

/* A nonblocking allreduce of `count` uint64_t with MPI_BAND whose schedule then calls
 * then(s, arg): library-internal agreements that finish in progress (MPI_Comm_idup). `then` may
 * call mp_coll_band_again on s to run one more such allreduce (same tag) before the request
 * completes. */
int mp_coll_iband(const uint64_t *in, uint64_t *out, size_t count, struct mp_comm *c, mp_sched_fn *then, void *arg,
                  struct mp_request **req);
void mp_coll_band_again(struct mp_sched *s, const uint64_t *in, uint64_t *out, size_t count, mp_sched_fn *then,
                        void *arg);

/* Advances every nonblocking collective in flight; returns the number of steps taken. */
int mp_coll_progress(void);

/* Shorthands used inside the library (communicator creation, init). */
static inline int mp_barrier(struct mp_comm *c)
{
    return mp_coll_barrier(c, NULL);
}
static inline int mp_bcast(void *buf, int count, MPI_Datatype type, int root, struct mp_comm *c)
{
    return mp_coll_bcast(buf, count, type, root, c, NULL);
}
static inline int mp_allreduce(const void *sbuf, void *rbuf, int count, MPI_Datatype type, MPI_Op op, struct mp_comm *c)
{
    return mp_coll_allreduce(sbuf, rbuf, count, type, op, c, NULL);
}
/* Every rank contributes `bytes` bytes; rbuf receives size * bytes in rank order. */
int mp_allgather_bytes(const void *sbuf, void *rbuf, size_t bytes, struct mp_comm *c);

#endif
