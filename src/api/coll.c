/* MPI bindings: Barrier, Bcast, Gather(v), Scatter(v) and their nonblocking forms. Each pair
 * shares one checking function; `nb` says whether `request` is the nonblocking call's. */
#include "api/coll_args.h"
#include "collectives/coll.h"

#define REQ(nb, request) ((nb) ? (request) : NULL)

static int barrier(MPI_Comm comm, int nb, MPI_Request *request, const char *call)
{
    MP_CHECK_INIT(call);
    MP_GET_INTRACOMM(c, comm, call);
    if (nb) MP_TRY(mp_check_request(c, call, request));
    MP_RUN_COLL(c, call, mp_coll_barrier(c, REQ(nb, request)));
}

MP_WEAK_ALIAS(Barrier)
int PMPI_Barrier(MPI_Comm comm)
{
    return barrier(comm, 0, NULL, "MPI_Barrier");
}

MP_WEAK_ALIAS(Ibarrier)
int PMPI_Ibarrier(MPI_Comm comm, MPI_Request *request)
{
    return barrier(comm, 1, request, "MPI_Ibarrier");
}

static int bcast(void *buffer, int count, MPI_Datatype datatype, int root, MPI_Comm comm, int nb, MPI_Request *request,
                 const char *call)
{
    MP_CHECK_INIT(call);
    MP_GET_INTRACOMM(c, comm, call);
    if (nb) MP_TRY(mp_check_request(c, call, request));
    MP_TRY(mp_check_count_type(c, call, count, datatype, ""));
    MP_TRY(mp_check_root(c, call, root));
    MP_TRY(mp_check_buf(c, call, buffer, count, datatype, "buffer"));
    MP_RUN_COLL(c, call, mp_coll_bcast(buffer, count, datatype, root, c, REQ(nb, request)));
}

MP_WEAK_ALIAS(Bcast)
int PMPI_Bcast(void *buffer, int count, MPI_Datatype datatype, int root, MPI_Comm comm)
{
    return bcast(buffer, count, datatype, root, comm, 0, NULL, "MPI_Bcast");
}

MP_WEAK_ALIAS(Ibcast)
int PMPI_Ibcast(void *buffer, int count, MPI_Datatype datatype, int root, MPI_Comm comm, MPI_Request *request)
{
    return bcast(buffer, count, datatype, root, comm, 1, request, "MPI_Ibcast");
}

/* The root's side of a rooted collective with one block per rank; `own` is the root's own data
 * side (the send side of a gather, the receive side of a scatter), which may be MPI_IN_PLACE. */
static int rooted_block(struct mp_comm *c, const char *call, const void *own, int ocount, MPI_Datatype otype,
                        const char *own_arg, const char *own_side, const void *all, int acount, MPI_Datatype atype,
                        const char *all_arg, const char *all_side)
{
    MP_TRY(mp_check_count_type(c, call, acount, atype, all_side));
    MP_TRY(mp_check_buf(c, call, all, acount, atype, all_arg));
    if (own == MPI_IN_PLACE) return MPI_SUCCESS;
    MP_TRY(mp_check_count_type(c, call, ocount, otype, own_side));
    MP_TRY(mp_check_buf(c, call, own, ocount, otype, own_arg));
    MP_TRY(mp_check_alias(c, call, own, all, acount, atype));
    return *own_side == 's' ? mp_check_match(c, call, ocount, otype, acount, atype)
                            : mp_check_match(c, call, acount, atype, ocount, otype);
}

/* A non-root's side of a rooted collective: its own block, never MPI_IN_PLACE. */
static int leaf_block(struct mp_comm *c, const char *call, const void *own, int count, MPI_Datatype type,
                      const char *arg, const char *side)
{
    MP_TRY(mp_check_count_type(c, call, count, type, side));
    if (MP_UNLIKELY(own == MPI_IN_PLACE))
        return mp_error(c, MPI_ERR_BUFFER, call, "MPI_IN_PLACE is allowed only at the root (argument %s)", arg);
    return mp_check_buf(c, call, own, count, type, arg);
}

/* The root's side of Gatherv/Scatterv: the per-rank counts and displacements of the rooted
 * buffer, and the root's own block (`own`, possibly MPI_IN_PLACE), which must match its entry. */
static int rooted_v(struct mp_comm *c, const char *call, const int *counts, const char *counts_arg, const int *displs,
                    MPI_Datatype type, const char *side, const void *own, int ocount, MPI_Datatype otype,
                    const char *own_arg, const char *own_side)
{
    MP_TRY(mp_check_counts(c, call, counts, counts_arg, displs, "displs"));
    MP_TRY(mp_check_count_type(c, call, 0, type, side));
    if (own == MPI_IN_PLACE) return MPI_SUCCESS;
    MP_TRY(mp_check_count_type(c, call, ocount, otype, own_side));
    MP_TRY(mp_check_buf(c, call, own, ocount, otype, own_arg));
    return mp_check_match(c, call, ocount, otype, counts[c->rank], type);
}

static int gather(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, int recvcount,
                  MPI_Datatype recvtype, int root, MPI_Comm comm, int nb, MPI_Request *request, const char *call)
{
    MP_CHECK_INIT(call);
    MP_GET_INTRACOMM(c, comm, call);
    if (nb) MP_TRY(mp_check_request(c, call, request));
    MP_TRY(mp_check_root(c, call, root));
    if (c->rank == root)
        MP_TRY(rooted_block(c, call, sendbuf, sendcount, sendtype, "sendbuf", "send", recvbuf, recvcount, recvtype,
                            "recvbuf", "recv"));
    else
        MP_TRY(leaf_block(c, call, sendbuf, sendcount, sendtype, "sendbuf", "send"));
    MP_RUN_COLL(c, call,
                mp_coll_gather(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, root, c, REQ(nb, request)));
}

MP_WEAK_ALIAS(Gather)
int PMPI_Gather(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, int recvcount,
                MPI_Datatype recvtype, int root, MPI_Comm comm)
{
    return gather(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, root, comm, 0, NULL, "MPI_Gather");
}

MP_WEAK_ALIAS(Igather)
int PMPI_Igather(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, int recvcount,
                 MPI_Datatype recvtype, int root, MPI_Comm comm, MPI_Request *request)
{
    return gather(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, root, comm, 1, request, "MPI_Igather");
}

static int gatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, const int recvcounts[],
                   const int displs[], MPI_Datatype recvtype, int root, MPI_Comm comm, int nb, MPI_Request *request,
                   const char *call)
{
    MP_CHECK_INIT(call);
    MP_GET_INTRACOMM(c, comm, call);
    if (nb) MP_TRY(mp_check_request(c, call, request));
    MP_TRY(mp_check_root(c, call, root));
    if (c->rank == root) {
        MP_TRY(rooted_v(c, call, recvcounts, "recvcounts", displs, recvtype, "recv", sendbuf, sendcount, sendtype,
                        "sendbuf", "send"));
    } else {
        MP_TRY(leaf_block(c, call, sendbuf, sendcount, sendtype, "sendbuf", "send"));
    }
    MP_RUN_COLL(c, call,
                mp_coll_gatherv(sendbuf, sendcount, sendtype, recvbuf, recvcounts, displs, recvtype, root, c,
                                REQ(nb, request)));
}

MP_WEAK_ALIAS(Gatherv)
int PMPI_Gatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, const int recvcounts[],
                 const int displs[], MPI_Datatype recvtype, int root, MPI_Comm comm)
{
    return gatherv(sendbuf, sendcount, sendtype, recvbuf, recvcounts, displs, recvtype, root, comm, 0, NULL,
                   "MPI_Gatherv");
}

MP_WEAK_ALIAS(Igatherv)
int PMPI_Igatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, const int recvcounts[],
                  const int displs[], MPI_Datatype recvtype, int root, MPI_Comm comm, MPI_Request *request)
{
    return gatherv(sendbuf, sendcount, sendtype, recvbuf, recvcounts, displs, recvtype, root, comm, 1, request,
                   "MPI_Igatherv");
}

static int scatter(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, int recvcount,
                   MPI_Datatype recvtype, int root, MPI_Comm comm, int nb, MPI_Request *request, const char *call)
{
    MP_CHECK_INIT(call);
    MP_GET_INTRACOMM(c, comm, call);
    if (nb) MP_TRY(mp_check_request(c, call, request));
    MP_TRY(mp_check_root(c, call, root));
    if (c->rank == root)
        MP_TRY(rooted_block(c, call, recvbuf, recvcount, recvtype, "recvbuf", "recv", sendbuf, sendcount, sendtype,
                            "sendbuf", "send"));
    else
        MP_TRY(leaf_block(c, call, recvbuf, recvcount, recvtype, "recvbuf", "recv"));
    MP_RUN_COLL(c, call,
                mp_coll_scatter(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, root, c, REQ(nb, request)));
}

MP_WEAK_ALIAS(Scatter)
int PMPI_Scatter(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, int recvcount,
                 MPI_Datatype recvtype, int root, MPI_Comm comm)
{
    return scatter(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, root, comm, 0, NULL, "MPI_Scatter");
}

MP_WEAK_ALIAS(Iscatter)
int PMPI_Iscatter(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, int recvcount,
                  MPI_Datatype recvtype, int root, MPI_Comm comm, MPI_Request *request)
{
    return scatter(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, root, comm, 1, request, "MPI_Iscatter");
}

static int scatterv(const void *sendbuf, const int sendcounts[], const int displs[], MPI_Datatype sendtype,
                    void *recvbuf, int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm, int nb,
                    MPI_Request *request, const char *call)
{
    MP_CHECK_INIT(call);
    MP_GET_INTRACOMM(c, comm, call);
    if (nb) MP_TRY(mp_check_request(c, call, request));
    MP_TRY(mp_check_root(c, call, root));
    if (c->rank == root) {
        MP_TRY(rooted_v(c, call, sendcounts, "sendcounts", displs, sendtype, "send", recvbuf, recvcount, recvtype,
                        "recvbuf", "recv"));
    } else {
        MP_TRY(leaf_block(c, call, recvbuf, recvcount, recvtype, "recvbuf", "recv"));
    }
    MP_RUN_COLL(c, call,
                mp_coll_scatterv(sendbuf, sendcounts, displs, sendtype, recvbuf, recvcount, recvtype, root, c,
                                 REQ(nb, request)));
}

MP_WEAK_ALIAS(Scatterv)
int PMPI_Scatterv(const void *sendbuf, const int sendcounts[], const int displs[], MPI_Datatype sendtype, void *recvbuf,
                  int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm)
{
    return scatterv(sendbuf, sendcounts, displs, sendtype, recvbuf, recvcount, recvtype, root, comm, 0, NULL,
                    "MPI_Scatterv");
}

MP_WEAK_ALIAS(Iscatterv)
int PMPI_Iscatterv(const void *sendbuf, const int sendcounts[], const int displs[], MPI_Datatype sendtype,
                   void *recvbuf, int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm, MPI_Request *request)
{
    return scatterv(sendbuf, sendcounts, displs, sendtype, recvbuf, recvcount, recvtype, root, comm, 1, request,
                    "MPI_Iscatterv");
}
