/* MPI bindings: the reductions (Reduce, Allreduce, Reduce_scatter(_block), Scan, Exscan) and
 * their nonblocking forms. */
#include "api/coll_args.h"
#include "collectives/coll.h"

#define REQ(nb, request) ((nb) ? (request) : NULL)

/* count, datatype and op, then the buffers of a reduction whose input may be MPI_IN_PLACE (the
 * data then being in recvbuf); `rcount` elements are written to recvbuf. */
static int reduction(struct mp_comm *c, const char *call, const void *sendbuf, const void *recvbuf, int count,
                     int rcount, MPI_Datatype datatype, MPI_Op op)
{
    MP_TRY(mp_check_count_type(c, call, count, datatype, ""));
    MP_TRY(mp_check_op(c, call, op, datatype));
    if (sendbuf != MPI_IN_PLACE) {
        MP_TRY(mp_check_buf(c, call, sendbuf, count, datatype, "sendbuf"));
        MP_TRY(mp_check_alias(c, call, sendbuf, recvbuf, count, datatype));
    }
    return mp_check_buf(c, call, recvbuf, sendbuf == MPI_IN_PLACE ? count : rcount, datatype, "recvbuf");
}

static int reduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op, int root,
                  MPI_Comm comm, int nb, MPI_Request *request, const char *call)
{
    MP_CHECK_INIT(call);
    MP_GET_INTRACOMM(c, comm, call);
    if (nb) MP_TRY(mp_check_request(c, call, request));
    MP_TRY(mp_check_root(c, call, root));
    if (c->rank == root) {
        MP_TRY(reduction(c, call, sendbuf, recvbuf, count, count, datatype, op));
    } else {
        MP_TRY(mp_check_count_type(c, call, count, datatype, ""));
        MP_TRY(mp_check_op(c, call, op, datatype));
        if (MP_UNLIKELY(sendbuf == MPI_IN_PLACE))
            return mp_error(c, MPI_ERR_BUFFER, call, "MPI_IN_PLACE is allowed only at the root (argument sendbuf)");
        MP_TRY(mp_check_buf(c, call, sendbuf, count, datatype, "sendbuf"));
    }
    MP_RUN_COLL(c, call, mp_coll_reduce(sendbuf, recvbuf, count, datatype, op, root, c, REQ(nb, request)));
}

MP_WEAK_ALIAS(Reduce)
int PMPI_Reduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op, int root,
                MPI_Comm comm)
{
    return reduce(sendbuf, recvbuf, count, datatype, op, root, comm, 0, NULL, "MPI_Reduce");
}

MP_WEAK_ALIAS(Ireduce)
int PMPI_Ireduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op, int root,
                 MPI_Comm comm, MPI_Request *request)
{
    return reduce(sendbuf, recvbuf, count, datatype, op, root, comm, 1, request, "MPI_Ireduce");
}

/* Allreduce, Scan and Exscan share their arguments. */
enum { ALLREDUCE, SCAN, EXSCAN };

static int allreduce_like(int kind, const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op,
                          MPI_Comm comm, int nb, MPI_Request *request, const char *call)
{
    MP_CHECK_INIT(call);
    MP_GET_INTRACOMM(c, comm, call);
    if (nb) MP_TRY(mp_check_request(c, call, request));
    MP_TRY(reduction(c, call, sendbuf, recvbuf, count, count, datatype, op));
    struct mp_request **req = REQ(nb, request);
    if (kind == ALLREDUCE) MP_RUN_COLL(c, call, mp_coll_allreduce(sendbuf, recvbuf, count, datatype, op, c, req));
    MP_RUN_COLL(c, call, mp_coll_scan(sendbuf, recvbuf, count, datatype, op, kind == EXSCAN, c, req));
}

MP_WEAK_ALIAS(Allreduce)
int PMPI_Allreduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op, MPI_Comm comm)
{
    return allreduce_like(ALLREDUCE, sendbuf, recvbuf, count, datatype, op, comm, 0, NULL, "MPI_Allreduce");
}

MP_WEAK_ALIAS(Iallreduce)
int PMPI_Iallreduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op, MPI_Comm comm,
                    MPI_Request *request)
{
    return allreduce_like(ALLREDUCE, sendbuf, recvbuf, count, datatype, op, comm, 1, request, "MPI_Iallreduce");
}

MP_WEAK_ALIAS(Scan)
int PMPI_Scan(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op, MPI_Comm comm)
{
    return allreduce_like(SCAN, sendbuf, recvbuf, count, datatype, op, comm, 0, NULL, "MPI_Scan");
}

MP_WEAK_ALIAS(Iscan)
int PMPI_Iscan(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op, MPI_Comm comm,
               MPI_Request *request)
{
    return allreduce_like(SCAN, sendbuf, recvbuf, count, datatype, op, comm, 1, request, "MPI_Iscan");
}

MP_WEAK_ALIAS(Exscan)
int PMPI_Exscan(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op, MPI_Comm comm)
{
    return allreduce_like(EXSCAN, sendbuf, recvbuf, count, datatype, op, comm, 0, NULL, "MPI_Exscan");
}

MP_WEAK_ALIAS(Iexscan)
int PMPI_Iexscan(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op, MPI_Comm comm,
                 MPI_Request *request)
{
    return allreduce_like(EXSCAN, sendbuf, recvbuf, count, datatype, op, comm, 1, request, "MPI_Iexscan");
}

/* recvcounts NULL: the _block form with recvcount elements per rank. */
static int reduce_scatter(const void *sendbuf, void *recvbuf, const int recvcounts[], int recvcount,
                          MPI_Datatype datatype, MPI_Op op, MPI_Comm comm, int nb, MPI_Request *request,
                          const char *call)
{
    MP_CHECK_INIT(call);
    MP_GET_INTRACOMM(c, comm, call);
    if (nb) MP_TRY(mp_check_request(c, call, request));
    long long total = (long long)recvcount * c->size;
    if (!recvcounts) {
        MP_TRY(mp_check_count_type(c, call, recvcount, datatype, "recv"));
    } else {
        MP_TRY(mp_check_counts(c, call, recvcounts, "recvcounts", NULL, NULL));
        total = 0;
        for (int i = 0; i < c->size; i++) total += recvcounts[i];
        recvcount = recvcounts[c->rank];
    }
    if (MP_UNLIKELY(total > 0x7fffffff))
        return mp_error(c, MPI_ERR_COUNT, call, "the counts add up to %lld elements, more than an int holds", total);
    MP_TRY(reduction(c, call, sendbuf, recvbuf, (int)total, recvcount, datatype, op));
    MP_RUN_COLL(c, call,
                mp_coll_reduce_scatter(sendbuf, recvbuf, recvcounts, recvcount, datatype, op, c, REQ(nb, request)));
}

MP_WEAK_ALIAS(Reduce_scatter)
int PMPI_Reduce_scatter(const void *sendbuf, void *recvbuf, const int recvcounts[], MPI_Datatype datatype, MPI_Op op,
                        MPI_Comm comm)
{
    return reduce_scatter(sendbuf, recvbuf, recvcounts, 0, datatype, op, comm, 0, NULL, "MPI_Reduce_scatter");
}

MP_WEAK_ALIAS(Ireduce_scatter)
int PMPI_Ireduce_scatter(const void *sendbuf, void *recvbuf, const int recvcounts[], MPI_Datatype datatype, MPI_Op op,
                         MPI_Comm comm, MPI_Request *request)
{
    return reduce_scatter(sendbuf, recvbuf, recvcounts, 0, datatype, op, comm, 1, request, "MPI_Ireduce_scatter");
}

MP_WEAK_ALIAS(Reduce_scatter_block)
int PMPI_Reduce_scatter_block(const void *sendbuf, void *recvbuf, int recvcount, MPI_Datatype datatype, MPI_Op op,
                              MPI_Comm comm)
{
    return reduce_scatter(sendbuf, recvbuf, NULL, recvcount, datatype, op, comm, 0, NULL, "MPI_Reduce_scatter_block");
}

MP_WEAK_ALIAS(Ireduce_scatter_block)
int PMPI_Ireduce_scatter_block(const void *sendbuf, void *recvbuf, int recvcount, MPI_Datatype datatype, MPI_Op op,
                               MPI_Comm comm, MPI_Request *request)
{
    return reduce_scatter(sendbuf, recvbuf, NULL, recvcount, datatype, op, comm, 1, request,
                          "MPI_Ireduce_scatter_block");
}
