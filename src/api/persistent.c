/* MPI bindings: persistent point-to-point requests. */
#include "api/api.h"
#include "api/p2p_args.h"
#include "p2p/bsend.h"
#include "p2p/p2p.h"

static int init_common(void *buf, int count, MPI_Datatype type, int peer, int tag, MPI_Comm comm, MPI_Request *request,
                       enum mp_send_mode mode, int is_send, const char *call)
{
    MP_CHECK_INIT(call);
    MP_GET_COMM(c, comm, call);
    MP_CHECK_REQ_ARG(c, request, call);
    struct mp_p2p_msg m;
    int rc = mp_check_p2p_args(call, c, buf, count, type, peer, tag, is_send ? MP_ARG_SEND : MP_ARG_RECV, &m);
    if (rc) return rc;
    struct mp_request *r = mp_prequest_create(m.layout ? buf : m.at, m.bytes, peer, tag, c, mode, is_send);
    if (!r) return mp_error(c, MPI_ERR_NO_MEM, call, "no memory for a request");
    if (m.layout) mp_req_set_layout(r, m.layout, (size_t)count);
    r->count = count;
    r->dtype = type;
    *request = r;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Send_init)
int PMPI_Send_init(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm,
                   MPI_Request *request)
{
    return init_common((void *)buf, count, datatype, dest, tag, comm, request, MP_SEND_STD, 1, "MPI_Send_init");
}

MP_WEAK_ALIAS(Ssend_init)
int PMPI_Ssend_init(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm,
                    MPI_Request *request)
{
    return init_common((void *)buf, count, datatype, dest, tag, comm, request, MP_SEND_SYNC, 1, "MPI_Ssend_init");
}

MP_WEAK_ALIAS(Rsend_init)
int PMPI_Rsend_init(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm,
                    MPI_Request *request)
{
    return init_common((void *)buf, count, datatype, dest, tag, comm, request, MP_SEND_READY, 1, "MPI_Rsend_init");
}

MP_WEAK_ALIAS(Bsend_init)
int PMPI_Bsend_init(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm,
                    MPI_Request *request)
{
    return init_common((void *)buf, count, datatype, dest, tag, comm, request, MP_SEND_BUFFERED, 1, "MPI_Bsend_init");
}

MP_WEAK_ALIAS(Recv_init)
int PMPI_Recv_init(void *buf, int count, MPI_Datatype datatype, int source, int tag, MPI_Comm comm,
                   MPI_Request *request)
{
    return init_common(buf, count, datatype, source, tag, comm, request, MP_SEND_STD, 0, "MPI_Recv_init");
}

static int start_one(MPI_Request r, const char *call)
{
    if (r == MPI_REQUEST_NULL || !r->persistent)
        return mp_error(NULL, MPI_ERR_REQUEST, call, "%s (argument request)",
                        r ? "not a persistent request" : "null request");
    if (r->state != MP_RS_IDLE)
        return mp_error(r->comm, MPI_ERR_REQUEST, call, "request is already active (argument request)");
    if (r->mode == MP_SEND_BUFFERED) return mp_bsend_start(r, call);
    if (r->kind == MP_REQ_SEND)
        mp_send_start(r);
    else
        mp_recv_start(r);
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Start)
int PMPI_Start(MPI_Request *request)
{
    MP_CHECK_INIT("MPI_Start");
    if (!request) return mp_error(NULL, MPI_ERR_ARG, "MPI_Start", "NULL request pointer (argument request)");
    return start_one(*request, "MPI_Start");
}

MP_WEAK_ALIAS(Startall)
int PMPI_Startall(int count, MPI_Request array_of_requests[])
{
    MP_CHECK_INIT("MPI_Startall");
    if (count < 0) return mp_error(NULL, MPI_ERR_COUNT, "MPI_Startall", "negative count %d (argument count)", count);
    if (count > 0 && !array_of_requests)
        return mp_error(NULL, MPI_ERR_ARG, "MPI_Startall", "NULL request array (argument array_of_requests)");
    for (int i = 0; i < count; i++) {
        int rc = start_one(array_of_requests[i], "MPI_Startall");
        if (rc) return rc;
    }
    return MPI_SUCCESS;
}
