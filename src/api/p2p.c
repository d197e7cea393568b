/* MPI bindings: blocking and nonblocking point-to-point and probes. */
#include <stdlib.h>

#include "api/api.h"
#include "api/complete.h"
#include "api/p2p_args.h"
#include "p2p/matchq.h"
#include "p2p/p2p.h"

static inline int send_common(const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm,
                              enum mp_send_mode mode, const char *call)
{
    MP_CHECK_INIT(call);
    MP_GET_COMM(c, comm, call);
    struct mp_p2p_msg m;
    int rc = mp_check_p2p_args(call, c, buf, count, type, dest, tag, MP_ARG_SEND, &m);
    if (MP_UNLIKELY(rc)) return rc;
    if (MP_LIKELY(!m.layout) && mode != MP_SEND_SYNC && dest >= 0 && mp_send_now(m.at, m.bytes, dest, tag, c, MP_PT2PT))
        return MPI_SUCCESS;
    struct mp_request *r;
    rc = mp_api_isend(buf, count, &m, dest, tag, c, mode, &r);
    if (MP_UNLIKELY(rc)) return mp_error(c, rc, call, "cannot start the send");
    if (r->state != MP_RS_DONE) mp_wait_done(r);
    return mp_api_finish(r, MPI_STATUS_IGNORE, call);
}

static inline int isend_common(const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm,
                               MPI_Request *request, enum mp_send_mode mode, const char *call)
{
    MP_CHECK_INIT(call);
    MP_GET_COMM(c, comm, call);
    MP_CHECK_REQ_ARG(c, request, call);
    struct mp_p2p_msg m;
    int rc = mp_check_p2p_args(call, c, buf, count, type, dest, tag, MP_ARG_SEND, &m);
    if (MP_UNLIKELY(rc)) return rc;
    rc = mp_api_isend(buf, count, &m, dest, tag, c, mode, request);
    if (MP_UNLIKELY(rc)) return mp_error(c, rc, call, "cannot start the send");
    (*request)->count = count;
    (*request)->dtype = type;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Send)
int PMPI_Send(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm)
{
    return send_common(buf, count, datatype, dest, tag, comm, MP_SEND_STD, "MPI_Send");
}

MP_WEAK_ALIAS(Ssend)
int PMPI_Ssend(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm)
{
    return send_common(buf, count, datatype, dest, tag, comm, MP_SEND_SYNC, "MPI_Ssend");
}

MP_WEAK_ALIAS(Rsend)
int PMPI_Rsend(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm)
{
    return send_common(buf, count, datatype, dest, tag, comm, MP_SEND_READY, "MPI_Rsend");
}

MP_WEAK_ALIAS(Isend)
int PMPI_Isend(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm,
               MPI_Request *request)
{
    return isend_common(buf, count, datatype, dest, tag, comm, request, MP_SEND_STD, "MPI_Isend");
}

MP_WEAK_ALIAS(Issend)
int PMPI_Issend(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm,
                MPI_Request *request)
{
    return isend_common(buf, count, datatype, dest, tag, comm, request, MP_SEND_SYNC, "MPI_Issend");
}

MP_WEAK_ALIAS(Irsend)
int PMPI_Irsend(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm,
                MPI_Request *request)
{
    return isend_common(buf, count, datatype, dest, tag, comm, request, MP_SEND_READY, "MPI_Irsend");
}

MP_WEAK_ALIAS(Recv)
int PMPI_Recv(void *buf, int count, MPI_Datatype datatype, int source, int tag, MPI_Comm comm, MPI_Status *status)
{
    MP_CHECK_INIT("MPI_Recv");
    MP_GET_COMM(c, comm, "MPI_Recv");
    struct mp_p2p_msg m;
    int rc = mp_check_p2p_args("MPI_Recv", c, buf, count, datatype, source, tag, MP_ARG_RECV, &m);
    if (MP_UNLIKELY(rc)) return rc;
    struct mp_request *r;
    rc = mp_api_irecv(buf, count, &m, source, tag, c, &r);
    if (MP_UNLIKELY(rc)) return mp_error(c, rc, "MPI_Recv", "cannot start the receive");
    if (r->state != MP_RS_DONE) mp_wait_done(r);
    return mp_api_finish(r, status, "MPI_Recv");
}

MP_WEAK_ALIAS(Irecv)
int PMPI_Irecv(void *buf, int count, MPI_Datatype datatype, int source, int tag, MPI_Comm comm, MPI_Request *request)
{
    MP_CHECK_INIT("MPI_Irecv");
    MP_GET_COMM(c, comm, "MPI_Irecv");
    MP_CHECK_REQ_ARG(c, request, "MPI_Irecv");
    struct mp_p2p_msg m;
    int rc = mp_check_p2p_args("MPI_Irecv", c, buf, count, datatype, source, tag, MP_ARG_RECV, &m);
    if (MP_UNLIKELY(rc)) return rc;
    rc = mp_api_irecv(buf, count, &m, source, tag, c, request);
    if (MP_UNLIKELY(rc)) return mp_error(c, rc, "MPI_Irecv", "cannot start the receive");
    (*request)->count = count;
    (*request)->dtype = datatype;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Sendrecv)
int PMPI_Sendrecv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, int dest, int sendtag, void *recvbuf,
                  int recvcount, MPI_Datatype recvtype, int source, int recvtag, MPI_Comm comm, MPI_Status *status)
{
    MP_CHECK_INIT("MPI_Sendrecv");
    MP_GET_COMM(c, comm, "MPI_Sendrecv");
    struct mp_p2p_msg sm, rm;
    int rc = mp_check_p2p_args("MPI_Sendrecv", c, sendbuf, sendcount, sendtype, dest, sendtag, MP_ARG_SEND, &sm);
    if (MP_UNLIKELY(rc)) return rc;
    rc = mp_check_p2p_args("MPI_Sendrecv", c, recvbuf, recvcount, recvtype, source, recvtag, MP_ARG_RECV, &rm);
    if (MP_UNLIKELY(rc)) return rc;
    struct mp_request *rr, *sr;
    rc = mp_api_irecv(recvbuf, recvcount, &rm, source, recvtag, c, &rr);
    if (MP_UNLIKELY(rc)) return mp_error(c, rc, "MPI_Sendrecv", "cannot start the receive");
    rc = mp_api_isend(sendbuf, sendcount, &sm, dest, sendtag, c, MP_SEND_STD, &sr);
    if (MP_UNLIKELY(rc)) return mp_error(c, rc, "MPI_Sendrecv", "cannot start the send");
    if (sr->state != MP_RS_DONE) mp_wait_done(sr);
    int rc_send = mp_api_finish(sr, MPI_STATUS_IGNORE, "MPI_Sendrecv");
    if (rr->state != MP_RS_DONE) mp_wait_done(rr);
    int rc_recv = mp_api_finish(rr, status, "MPI_Sendrecv");
    return rc_recv ? rc_recv : rc_send;
}

MP_WEAK_ALIAS(Sendrecv_replace)
int PMPI_Sendrecv_replace(void *buf, int count, MPI_Datatype datatype, int dest, int sendtag, int source, int recvtag,
                          MPI_Comm comm, MPI_Status *status)
{
    MP_CHECK_INIT("MPI_Sendrecv_replace");
    MP_GET_COMM(c, comm, "MPI_Sendrecv_replace");
    struct mp_p2p_msg m;
    int rc = mp_check_p2p_args("MPI_Sendrecv_replace", c, buf, count, datatype, dest, sendtag, MP_ARG_SEND, &m);
    if (MP_UNLIKELY(rc)) return rc;
    rc = mp_check_p2p_args("MPI_Sendrecv_replace", c, buf, count, datatype, source, recvtag, MP_ARG_RECV, &m);
    if (MP_UNLIKELY(rc)) return rc;
    size_t bytes = m.bytes;
    void *tmp = bytes ? malloc(bytes) : NULL;
    if (bytes && !tmp)
        return mp_error(c, MPI_ERR_NO_MEM, "MPI_Sendrecv_replace", "no memory for a %zu-byte bounce buffer", bytes);
    /* The message arrives packed into tmp and is unpacked once the send is done with buf. */
    struct mp_request *rr, *sr;
    rc = mp_irecv(tmp, bytes, source, recvtag, c, MP_PT2PT, &rr);
    if (rc == MPI_SUCCESS) rc = mp_api_isend(buf, count, &m, dest, sendtag, c, MP_SEND_STD, &sr);
    if (MP_UNLIKELY(rc)) {
        free(tmp);
        return mp_error(c, rc, "MPI_Sendrecv_replace", "cannot start the exchange");
    }
    if (sr->state != MP_RS_DONE) mp_wait_done(sr);
    int rc_send = mp_api_finish(sr, MPI_STATUS_IGNORE, "MPI_Sendrecv_replace");
    if (rr->state != MP_RS_DONE) mp_wait_done(rr);
    size_t got = rr->st_bytes;
    int rc_recv = mp_api_finish(rr, status, "MPI_Sendrecv_replace");
    mp_dtype_unpack(mp_dtype_get(datatype), buf, 0, tmp, got);
    free(tmp);
    return rc_recv ? rc_recv : rc_send;
}

static int probe_args(const char *call, struct mp_comm *c, int source, int tag)
{
    if (MP_UNLIKELY((source < 0 || source >= c->size) && source != MPI_ANY_SOURCE && source != MPI_PROC_NULL))
        return mp_error(c, MPI_ERR_RANK, call, "rank %d is not in %s of size %d (argument source)", source, c->name,
                        c->size);
    if (MP_UNLIKELY(tag < 0 && tag != MPI_ANY_TAG))
        return mp_error(c, MPI_ERR_TAG, call, "invalid tag %d (argument tag)", tag);
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Iprobe)
int PMPI_Iprobe(int source, int tag, MPI_Comm comm, int *flag, MPI_Status *status)
{
    MP_CHECK_INIT("MPI_Iprobe");
    MP_GET_COMM(c, comm, "MPI_Iprobe");
    int rc = probe_args("MPI_Iprobe", c, source, tag);
    if (rc) return rc;
    if (!flag) return mp_error(c, MPI_ERR_ARG, "MPI_Iprobe", "NULL flag pointer (argument flag)");
    return mp_iprobe(source, tag, c, flag, status);
}

MP_WEAK_ALIAS(Probe)
int PMPI_Probe(int source, int tag, MPI_Comm comm, MPI_Status *status)
{
    MP_CHECK_INIT("MPI_Probe");
    MP_GET_COMM(c, comm, "MPI_Probe");
    int rc = probe_args("MPI_Probe", c, source, tag);
    if (rc) return rc;
    return mp_probe(source, tag, c, status);
}

/* ---- matched probes ---- */

/* A matched probe of MPI_PROC_NULL finds the "no process" message at once. */
static int mprobe_proc_null(MPI_Message *message, MPI_Status *status)
{
    *message = MPI_MESSAGE_NO_PROC;
    int flag;
    return mp_iprobe(MPI_PROC_NULL, MPI_ANY_TAG, NULL, &flag, status);
}

MP_WEAK_ALIAS(Improbe)
int PMPI_Improbe(int source, int tag, MPI_Comm comm, int *flag, MPI_Message *message, MPI_Status *status)
{
    MP_CHECK_INIT("MPI_Improbe");
    MP_GET_COMM(c, comm, "MPI_Improbe");
    int rc = probe_args("MPI_Improbe", c, source, tag);
    if (rc) return rc;
    if (!flag || !message)
        return mp_error(c, MPI_ERR_ARG, "MPI_Improbe", "NULL %s pointer (argument %s)", flag ? "message" : "flag",
                        flag ? "message" : "flag");
    if (source == MPI_PROC_NULL) {
        *flag = 1;
        return mprobe_proc_null(message, status);
    }
    struct mp_unexp *e = NULL;
    rc = mp_improbe(source, tag, c, flag, &e, status);
    *message = *flag ? e : MPI_MESSAGE_NULL;
    return rc;
}

MP_WEAK_ALIAS(Mprobe)
int PMPI_Mprobe(int source, int tag, MPI_Comm comm, MPI_Message *message, MPI_Status *status)
{
    MP_CHECK_INIT("MPI_Mprobe");
    MP_GET_COMM(c, comm, "MPI_Mprobe");
    int rc = probe_args("MPI_Mprobe", c, source, tag);
    if (rc) return rc;
    if (!message) return mp_error(c, MPI_ERR_ARG, "MPI_Mprobe", "NULL message pointer (argument message)");
    if (source == MPI_PROC_NULL) return mprobe_proc_null(message, status);
    return mp_mprobe(source, tag, c, message, status);
}

/* Starts the receive of *message into (buf, count, type) and sets *message to MPI_MESSAGE_NULL. */
static int imrecv_common(void *buf, int count, MPI_Datatype type, MPI_Message *message, struct mp_request **req,
                         const char *call)
{
    MP_CHECK_INIT(call);
    if (!message) return mp_error(NULL, MPI_ERR_ARG, call, "NULL message pointer (argument message)");
    if (*message == MPI_MESSAGE_NULL)
        return mp_error(NULL, MPI_ERR_REQUEST, call, "MPI_MESSAGE_NULL (argument message)");
    struct mp_unexp *msg = *message;
    struct mp_comm *c = msg == MPI_MESSAGE_NO_PROC ? mp_comm_get(MPI_COMM_WORLD) : msg->comm;
    struct mp_p2p_msg m;
    int rc = mp_check_p2p_args(call, c, buf, count, type, MPI_ANY_SOURCE, MPI_ANY_TAG, MP_ARG_RECV, &m);
    if (rc) return rc;
    if (msg == MPI_MESSAGE_NO_PROC)
        rc = mp_api_irecv(buf, count, &m, MPI_PROC_NULL, MPI_ANY_TAG, c, req);
    else
        rc = mp_imrecv(m.layout ? buf : m.at, m.bytes, m.layout, (size_t)count, msg, req);
    if (MP_UNLIKELY(rc)) return mp_error(c, rc, call, "cannot start the receive");
    *message = MPI_MESSAGE_NULL;
    (*req)->count = count;
    (*req)->dtype = type;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Mrecv)
int PMPI_Mrecv(void *buf, int count, MPI_Datatype datatype, MPI_Message *message, MPI_Status *status)
{
    struct mp_request *r;
    int rc = imrecv_common(buf, count, datatype, message, &r, "MPI_Mrecv");
    if (rc) return rc;
    if (r->state != MP_RS_DONE) mp_wait_done(r);
    return mp_api_finish(r, status, "MPI_Mrecv");
}

MP_WEAK_ALIAS(Imrecv)
int PMPI_Imrecv(void *buf, int count, MPI_Datatype datatype, MPI_Message *message, MPI_Request *request)
{
    MP_CHECK_INIT("MPI_Imrecv");
    if (!request) return mp_error(NULL, MPI_ERR_ARG, "MPI_Imrecv", "NULL request pointer (argument request)");
    return imrecv_common(buf, count, datatype, message, request, "MPI_Imrecv");
}

/* ---- nonblocking send-receive (MPI-4.0) ---- */

MP_WEAK_ALIAS(Isendrecv)
int PMPI_Isendrecv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, int dest, int sendtag, void *recvbuf,
                   int recvcount, MPI_Datatype recvtype, int source, int recvtag, MPI_Comm comm, MPI_Request *request)
{
    MP_CHECK_INIT("MPI_Isendrecv");
    MP_GET_COMM(c, comm, "MPI_Isendrecv");
    MP_CHECK_REQ_ARG(c, request, "MPI_Isendrecv");
    struct mp_p2p_msg sm, rm;
    int rc = mp_check_p2p_args("MPI_Isendrecv", c, sendbuf, sendcount, sendtype, dest, sendtag, MP_ARG_SEND, &sm);
    if (rc) return rc;
    rc = mp_check_p2p_args("MPI_Isendrecv", c, recvbuf, recvcount, recvtype, source, recvtag, MP_ARG_RECV, &rm);
    if (rc) return rc;
    rc = mp_isendrecv(sm.layout ? sendbuf : sm.at, sm.bytes, sm.layout, (size_t)sendcount, dest, sendtag,
                      rm.layout ? recvbuf : rm.at, rm.bytes, rm.layout, (size_t)recvcount, source, recvtag, NULL, c,
                      request);
    if (rc) return mp_error(c, rc, "MPI_Isendrecv", "cannot start the exchange");
    (*request)->count = recvcount;
    (*request)->dtype = recvtype;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Isendrecv_replace)
int PMPI_Isendrecv_replace(void *buf, int count, MPI_Datatype datatype, int dest, int sendtag, int source, int recvtag,
                           MPI_Comm comm, MPI_Request *request)
{
    MP_CHECK_INIT("MPI_Isendrecv_replace");
    MP_GET_COMM(c, comm, "MPI_Isendrecv_replace");
    MP_CHECK_REQ_ARG(c, request, "MPI_Isendrecv_replace");
    struct mp_p2p_msg m;
    int rc = mp_check_p2p_args("MPI_Isendrecv_replace", c, buf, count, datatype, dest, sendtag, MP_ARG_SEND, &m);
    if (rc) return rc;
    rc = mp_check_p2p_args("MPI_Isendrecv_replace", c, buf, count, datatype, source, recvtag, MP_ARG_RECV, &m);
    if (rc) return rc;
    void *tmp = malloc(m.bytes ? m.bytes : 1);
    if (!tmp)
        return mp_error(c, MPI_ERR_NO_MEM, "MPI_Isendrecv_replace", "no memory for a %zu-byte bounce buffer", m.bytes);
    void *at = m.layout ? buf : m.at;
    rc = mp_isendrecv(at, m.bytes, m.layout, (size_t)count, dest, sendtag, at, m.bytes, m.layout, (size_t)count, source,
                      recvtag, tmp, c, request);
    if (rc) {
        free(tmp);
        return mp_error(c, rc, "MPI_Isendrecv_replace", "cannot start the exchange");
    }
    (*request)->count = count;
    (*request)->dtype = datatype;
    return MPI_SUCCESS;
}
