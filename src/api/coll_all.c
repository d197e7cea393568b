/* MPI bindings: Allgather(v), Alltoall(v,w) and their nonblocking forms. */
#include "api/coll_args.h"
#include "collectives/coll.h"

#define REQ(nb, request) ((nb) ? (request) : NULL)

/* The send side of an all-to-all style call, unless it is MPI_IN_PLACE. */
static int send_side(struct mp_comm *c, const char *call, const void *sendbuf, int sendcount, MPI_Datatype sendtype)
{
    if (sendbuf == MPI_IN_PLACE) return MPI_SUCCESS;
    MP_TRY(mp_check_count_type(c, call, sendcount, sendtype, "send"));
    return mp_check_buf(c, call, sendbuf, sendcount, sendtype, "sendbuf");
}

/* Allgather and Alltoall take the same arguments: one block per rank of recvcount recvtypes. */
static int all_blocks(int to_all, const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                      int recvcount, MPI_Datatype recvtype, MPI_Comm comm, int nb, MPI_Request *request,
                      const char *call)
{
    MP_CHECK_INIT(call);
    MP_GET_INTRACOMM(c, comm, call);
    if (nb) MP_TRY(mp_check_request(c, call, request));
    MP_TRY(mp_check_count_type(c, call, recvcount, recvtype, "recv"));
    MP_TRY(mp_check_buf(c, call, recvbuf, recvcount, recvtype, "recvbuf"));
    MP_TRY(send_side(c, call, sendbuf, sendcount, sendtype));
    if (sendbuf != MPI_IN_PLACE) {
        MP_TRY(mp_check_alias(c, call, sendbuf, recvbuf, recvcount, recvtype));
        MP_TRY(mp_check_match(c, call, sendcount, sendtype, recvcount, recvtype));
    }
    struct mp_request **req = REQ(nb, request);
    if (to_all)
        MP_RUN_COLL(c, call, mp_coll_alltoall(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, c, req));
    MP_RUN_COLL(c, call, mp_coll_allgather(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, c, req));
}

MP_WEAK_ALIAS(Allgather)
int PMPI_Allgather(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, int recvcount,
                   MPI_Datatype recvtype, MPI_Comm comm)
{
    return all_blocks(0, sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, comm, 0, NULL, "MPI_Allgather");
}

MP_WEAK_ALIAS(Iallgather)
int PMPI_Iallgather(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, int recvcount,
                    MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *request)
{
    return all_blocks(0, sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, comm, 1, request,
                      "MPI_Iallgather");
}

static int allgatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, const int recvcounts[],
                      const int displs[], MPI_Datatype recvtype, MPI_Comm comm, int nb, MPI_Request *request,
                      const char *call)
{
    MP_CHECK_INIT(call);
    MP_GET_INTRACOMM(c, comm, call);
    if (nb) MP_TRY(mp_check_request(c, call, request));
    MP_TRY(mp_check_counts(c, call, recvcounts, "recvcounts", displs, "displs"));
    MP_TRY(mp_check_count_type(c, call, 0, recvtype, "recv"));
    MP_TRY(send_side(c, call, sendbuf, sendcount, sendtype));
    if (sendbuf != MPI_IN_PLACE) MP_TRY(mp_check_match(c, call, sendcount, sendtype, recvcounts[c->rank], recvtype));
    MP_RUN_COLL(
        c, call,
        mp_coll_allgatherv(sendbuf, sendcount, sendtype, recvbuf, recvcounts, displs, recvtype, c, REQ(nb, request)));
}

MP_WEAK_ALIAS(Allgatherv)
int PMPI_Allgatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, const int recvcounts[],
                    const int displs[], MPI_Datatype recvtype, MPI_Comm comm)
{
    return allgatherv(sendbuf, sendcount, sendtype, recvbuf, recvcounts, displs, recvtype, comm, 0, NULL,
                      "MPI_Allgatherv");
}

MP_WEAK_ALIAS(Iallgatherv)
int PMPI_Iallgatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, const int recvcounts[],
                     const int displs[], MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *request)
{
    return allgatherv(sendbuf, sendcount, sendtype, recvbuf, recvcounts, displs, recvtype, comm, 1, request,
                      "MPI_Iallgatherv");
}

MP_WEAK_ALIAS(Alltoall)
int PMPI_Alltoall(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, int recvcount,
                  MPI_Datatype recvtype, MPI_Comm comm)
{
    return all_blocks(1, sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, comm, 0, NULL, "MPI_Alltoall");
}

MP_WEAK_ALIAS(Ialltoall)
int PMPI_Ialltoall(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, int recvcount,
                   MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *request)
{
    return all_blocks(1, sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, comm, 1, request, "MPI_Ialltoall");
}

/* Alltoallv (w = 0: one type each side, types[0]) and Alltoallw (one type per peer). */
static int alltoallvw(const void *sendbuf, const int sendcounts[], const int sdispls[], const MPI_Datatype stypes[],
                      void *recvbuf, const int recvcounts[], const int rdispls[], const MPI_Datatype rtypes[], int w,
                      MPI_Comm comm, int nb, MPI_Request *request, const char *call)
{
    MP_CHECK_INIT(call);
    MP_GET_INTRACOMM(c, comm, call);
    if (nb) MP_TRY(mp_check_request(c, call, request));
    MP_TRY(mp_check_counts(c, call, recvcounts, "recvcounts", rdispls, "rdispls"));
    if (w)
        MP_TRY(mp_check_types(c, call, rtypes, "recvtypes"));
    else
        MP_TRY(mp_check_count_type(c, call, 0, rtypes[0], "recv"));
    if (sendbuf == MPI_IN_PLACE)
        MP_RUN_COLL(c, call,
                    mp_coll_alltoallvw(sendbuf, NULL, NULL, NULL, recvbuf, recvcounts, rdispls, rtypes, w, c,
                                       REQ(nb, request)));
    MP_TRY(mp_check_counts(c, call, sendcounts, "sendcounts", sdispls, "sdispls"));
    if (w)
        MP_TRY(mp_check_types(c, call, stypes, "sendtypes"));
    else
        MP_TRY(mp_check_count_type(c, call, 0, stypes[0], "send"));
    MP_TRY(mp_check_match(c, call, sendcounts[c->rank], stypes[w ? c->rank : 0], recvcounts[c->rank],
                          rtypes[w ? c->rank : 0]));
    MP_RUN_COLL(c, call,
                mp_coll_alltoallvw(sendbuf, sendcounts, sdispls, stypes, recvbuf, recvcounts, rdispls, rtypes, w, c,
                                   REQ(nb, request)));
}

MP_WEAK_ALIAS(Alltoallv)
int PMPI_Alltoallv(const void *sendbuf, const int sendcounts[], const int sdispls[], MPI_Datatype sendtype,
                   void *recvbuf, const int recvcounts[], const int rdispls[], MPI_Datatype recvtype, MPI_Comm comm)
{
    return alltoallvw(sendbuf, sendcounts, sdispls, &sendtype, recvbuf, recvcounts, rdispls, &recvtype, 0, comm, 0,
                      NULL, "MPI_Alltoallv");
}

MP_WEAK_ALIAS(Ialltoallv)
int PMPI_Ialltoallv(const void *sendbuf, const int sendcounts[], const int sdispls[], MPI_Datatype sendtype,
                    void *recvbuf, const int recvcounts[], const int rdispls[], MPI_Datatype recvtype, MPI_Comm comm,
                    MPI_Request *request)
{
    return alltoallvw(sendbuf, sendcounts, sdispls, &sendtype, recvbuf, recvcounts, rdispls, &recvtype, 0, comm, 1,
                      request, "MPI_Ialltoallv");
}

MP_WEAK_ALIAS(Alltoallw)
int PMPI_Alltoallw(const void *sendbuf, const int sendcounts[], const int sdispls[], const MPI_Datatype sendtypes[],
                   void *recvbuf, const int recvcounts[], const int rdispls[], const MPI_Datatype recvtypes[],
                   MPI_Comm comm)
{
    return alltoallvw(sendbuf, sendcounts, sdispls, sendtypes, recvbuf, recvcounts, rdispls, recvtypes, 1, comm, 0,
                      NULL, "MPI_Alltoallw");
}

MP_WEAK_ALIAS(Ialltoallw)
int PMPI_Ialltoallw(const void *sendbuf, const int sendcounts[], const int sdispls[], const MPI_Datatype sendtypes[],
                    void *recvbuf, const int recvcounts[], const int rdispls[], const MPI_Datatype recvtypes[],
                    MPI_Comm comm, MPI_Request *request)
{
    return alltoallvw(sendbuf, sendcounts, sdispls, sendtypes, recvbuf, recvcounts, rdispls, recvtypes, 1, comm, 1,
                      request, "MPI_Ialltoallw");
}
