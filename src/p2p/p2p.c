/* Requests in and out of the engine: creating them, waiting for them, and the blocking calls the
 * collectives use. */
#include <stdlib.h>
#include <string.h>

#include "core/datatype.h"
#include "core/hang.h"
#include "p2p/idle.h"
#include "p2p/matchq.h"
#include "p2p/p2p.h"

static struct mp_request *new_request(void *buf, size_t bytes, int peer, int tag, struct mp_comm *comm,
                                      enum mp_class cls, uint8_t kind)
{
    struct mp_request *r = mp_req_alloc();
    if (MP_UNLIKELY(!r)) return NULL;
    r->kind = kind;
    r->cls = (uint8_t)cls;
    r->buf = buf;
    r->bytes = bytes;
    r->peer = peer;
    r->tag = tag;
    r->comm = comm;
    if (peer >= 0) r->world_peer = mp_comm_world_rank(comm, peer);
    return r;
}

int mp_isend(const void *buf, size_t bytes, int peer, int tag, struct mp_comm *comm, enum mp_class cls,
             enum mp_send_mode mode, struct mp_request **req)
{
    struct mp_request *r = new_request((void *)buf, bytes, peer, tag, comm, cls, MP_REQ_SEND);
    if (MP_UNLIKELY(!r)) return MPI_ERR_NO_MEM;
    r->mode = (uint8_t)mode;
    mp_send_start(r);
    *req = r;
    return MPI_SUCCESS;
}

int mp_irecv(void *buf, size_t bytes, int peer, int tag, struct mp_comm *comm, enum mp_class cls,
             struct mp_request **req)
{
    struct mp_request *r = new_request(buf, bytes, peer, tag, comm, cls, MP_REQ_RECV);
    if (MP_UNLIKELY(!r)) return MPI_ERR_NO_MEM;
    mp_recv_start(r);
    *req = r;
    return MPI_SUCCESS;
}

int mp_imrecv(void *buf, size_t bytes, struct mp_dtype *layout, size_t count, struct mp_unexp *msg,
              struct mp_request **req)
{
    struct mp_request *r = new_request(buf, bytes, msg->src, msg->tag, msg->comm, MP_PT2PT, MP_REQ_RECV);
    if (MP_UNLIKELY(!r)) return MPI_ERR_NO_MEM;
    if (layout) mp_req_set_layout(r, layout, count);
    mp_recv_matched(r, msg);
    *req = r;
    return MPI_SUCCESS;
}

void mp_req_set_layout(struct mp_request *r, struct mp_dtype *dt, size_t count)
{
    mp_dtype_retain_desc(dt);
    r->layout = dt;
    r->bytes = mp_dtype_packed_size(dt, count);
}

int mp_isend_typed(const void *buf, size_t count, struct mp_dtype *dt, int peer, int tag, struct mp_comm *comm,
                   enum mp_class cls, enum mp_send_mode mode, struct mp_request **req)
{
    struct mp_request *r = new_request((void *)buf, 0, peer, tag, comm, cls, MP_REQ_SEND);
    if (MP_UNLIKELY(!r)) return MPI_ERR_NO_MEM;
    r->mode = (uint8_t)mode;
    mp_req_set_layout(r, dt, count);
    mp_send_start(r);
    *req = r;
    return MPI_SUCCESS;
}

int mp_irecv_typed(void *buf, size_t count, struct mp_dtype *dt, int peer, int tag, struct mp_comm *comm,
                   enum mp_class cls, struct mp_request **req)
{
    struct mp_request *r = new_request(buf, 0, peer, tag, comm, cls, MP_REQ_RECV);
    if (MP_UNLIKELY(!r)) return MPI_ERR_NO_MEM;
    mp_req_set_layout(r, dt, count);
    mp_recv_start(r);
    *req = r;
    return MPI_SUCCESS;
}

int mp_isendrecv(const void *sbuf, size_t sbytes, struct mp_dtype *slayout, size_t scount, int dest, int stag,
                 void *rbuf, size_t rbytes, struct mp_dtype *rlayout, size_t rcount, int source, int rtag, void *bounce,
                 struct mp_comm *comm, struct mp_request **req)
{
    void *into = bounce ? bounce : rbuf;
    struct mp_request *p = new_request(rbuf, rbytes, source, rtag, comm, MP_PT2PT, MP_REQ_RECV);
    struct mp_request *rr = new_request(into, rbytes, source, rtag, comm, MP_PT2PT, MP_REQ_RECV);
    struct mp_request *sr = new_request((void *)sbuf, sbytes, dest, stag, comm, MP_PT2PT, MP_REQ_SEND);
    if (MP_UNLIKELY(!p || !rr || !sr)) {
        if (p) mp_req_release(p);
        if (rr) mp_req_release(rr);
        if (sr) mp_req_release(sr);
        return MPI_ERR_NO_MEM;
    }
    /* the parent never enters the engine: its engine fields count the halves and keep the bounce
     * buffer */
    p->state = MP_RS_ACTIVE;
    p->pending = 2;
    p->remote_addr = (uint64_t)(uintptr_t)bounce;
    /* With a bounce buffer (the replace variant) the message lands there packed and is unpacked
     * into rbuf through the parent's layout at the end. */
    if (slayout) mp_req_set_layout(sr, slayout, scount);
    if (rlayout) mp_req_set_layout(bounce ? p : rr, rlayout, rcount);
    rr->parent = sr->parent = p;
    rr->user_freed = sr->user_freed = 1;
    *req = p;
    mp_recv_start(rr);
    mp_send_start(sr);
    return MPI_SUCCESS;
}

void mp_req_detached_done(struct mp_request *r)
{
    struct mp_request *p = r->parent;
    if (p) {
        if (r->kind == MP_REQ_RECV) {
            p->st_source = r->st_source;
            p->st_tag = r->st_tag;
            p->st_bytes = r->st_bytes;
            p->msg_len = r->msg_len;
            if (r->st_error != MPI_SUCCESS) p->st_error = r->st_error;
        } else if (r->st_error != MPI_SUCCESS && p->st_error == MPI_SUCCESS) {
            p->st_error = r->st_error;
        }
        if (--p->pending == 0) {
            void *bounce = (void *)(uintptr_t)p->remote_addr;
            if (bounce) {
                if (p->layout)
                    mp_dtype_unpack(p->layout, p->buf, 0, bounce, p->st_bytes);
                else if (p->st_bytes)
                    memcpy(p->buf, bounce, p->st_bytes);
                free(bounce);
            }
            p->state = MP_RS_DONE;
            if (p->user_freed) mp_req_detached_done(p);
        }
    }
    mp_req_release(r);
}

struct mp_request *mp_prequest_create(void *buf, size_t bytes, int peer, int tag, struct mp_comm *comm,
                                      enum mp_send_mode mode, int is_send)
{
    struct mp_request *r =
        new_request(buf, bytes, peer, tag, comm, MP_PT2PT, (uint8_t)(is_send ? MP_REQ_SEND : MP_REQ_RECV));
    if (r) {
        r->mode = (uint8_t)mode;
        r->persistent = 1;
        r->state = MP_RS_IDLE;
    }
    return r;
}

void mp_wait_done(struct mp_request *r)
{
    struct mp_idle idle;
    mp_idle_reset(&idle);
    mp_hang_waits_for(r);
    while (r->state != MP_RS_DONE) {
        if (mp_progress())
            mp_idle_reset(&idle);
        else if (r->state != MP_RS_DONE)
            mp_idle_wait(&idle);
    }
}

int mp_req_finish(struct mp_request *r, MPI_Status *status)
{
    mp_req_status(r, status);
    int err = r->st_error;
    if (r->persistent) {
        r->state = MP_RS_IDLE;
        r->cancelled = 0;
    } else {
        mp_req_release(r);
    }
    return err;
}

int mp_wait(struct mp_request *r, MPI_Status *status)
{
    if (r->state != MP_RS_DONE) mp_wait_done(r);
    return mp_req_finish(r, status);
}

int mp_send(const void *buf, size_t bytes, int peer, int tag, struct mp_comm *comm, enum mp_class cls)
{
    if (peer >= 0 && mp_send_now(buf, bytes, peer, tag, comm, cls)) return MPI_SUCCESS;
    struct mp_request *r;
    int rc = mp_isend(buf, bytes, peer, tag, comm, cls, MP_SEND_STD, &r);
    return rc != MPI_SUCCESS ? rc : mp_wait(r, MPI_STATUS_IGNORE);
}

int mp_recv(void *buf, size_t bytes, int peer, int tag, struct mp_comm *comm, enum mp_class cls, MPI_Status *status)
{
    struct mp_request *r;
    int rc = mp_irecv(buf, bytes, peer, tag, comm, cls, &r);
    return rc != MPI_SUCCESS ? rc : mp_wait(r, status);
}

int mp_sendrecv(const void *sendbuf, size_t sendbytes, int dest, void *recvbuf, size_t recvbytes, int source, int tag,
                struct mp_comm *comm, enum mp_class cls)
{
    struct mp_request *rr, *sr;
    int rc = mp_irecv(recvbuf, recvbytes, source, tag, comm, cls, &rr);
    if (rc != MPI_SUCCESS) return rc;
    rc = mp_isend(sendbuf, sendbytes, dest, tag, comm, cls, MP_SEND_STD, &sr);
    if (rc != MPI_SUCCESS) {
        mp_wait(rr, MPI_STATUS_IGNORE);
        return rc;
    }
    int rc_send = mp_wait(sr, MPI_STATUS_IGNORE);
    int rc_recv = mp_wait(rr, MPI_STATUS_IGNORE);
    return rc_recv != MPI_SUCCESS ? rc_recv : rc_send;
}

int mp_probe(int peer, int tag, struct mp_comm *comm, MPI_Status *status)
{
    return mp_mprobe(peer, tag, comm, NULL, status);
}

int mp_mprobe(int peer, int tag, struct mp_comm *comm, struct mp_unexp **msg, MPI_Status *status)
{
    struct mp_idle idle;
    mp_idle_reset(&idle);
    int flag = 0;
    for (;;) {
        mp_improbe(peer, tag, comm, &flag, msg, status);
        if (flag) return MPI_SUCCESS;
        mp_idle_wait(&idle);
    }
}
