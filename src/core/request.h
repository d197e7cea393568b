/* Requests: what a nonblocking operation is waiting for. Taken from a free-list pool, so
 * starting an operation never calls malloc once the pool is warm. */
#ifndef MP_REQUEST_H
#define MP_REQUEST_H

#include "core/mp.h"

struct mp_comm;
struct mp_dtype;

/* MP_REQ_COLL: a nonblocking collective; `buf` is its schedule (collectives/sched.h). */
enum mp_req_kind { MP_REQ_SEND = 1, MP_REQ_RECV = 2, MP_REQ_COLL = 3 };

enum mp_req_state {
    MP_RS_IDLE = 0,   /* persistent request not started */
    MP_RS_ACTIVE = 1, /* started, not complete */
    MP_RS_DONE = 2,   /* complete, status valid */
};

struct mp_request {
    uint8_t kind;
    uint8_t state;
    uint8_t persistent;
    uint8_t user_freed; /* MPI_Request_free on an active request: release on completion */
    uint8_t mode;       /* enum mp_send_mode for sends */
    uint8_t cls;        /* enum mp_class */
    uint8_t proto;      /* protocol in flight (engine private) */
    uint8_t cancelled;  /* completed by MPI_Cancel */
    uint8_t fragments;  /* send: the receiver asked for fragments (it unpacks), not a stream */
    int peer;           /* rank in comm, MPI_ANY_SOURCE or MPI_PROC_NULL */
    int tag;
    int world_peer;
    struct mp_comm *comm;
    void *buf;
    struct mp_dtype *layout;        /* buf's datatype when not contiguous (a reference held), else NULL */
    size_t bytes;                   /* send length / receive capacity (packed bytes) */
    size_t done;                    /* bytes moved so far (fragmented protocols) */
    size_t msg_len;                 /* receive: length of the matched message (may exceed `bytes`) */
    uint64_t post_seq;              /* order of posting, so the earliest matching receive wins */
    uint64_t remote;                /* peer's request id in rendezvous and synchronous protocols */
    uint64_t remote_addr;           /* peer's buffer in single-copy rendezvous */
    uint64_t remote_key;            /* the transport's key for it */
    void *rma_handle;               /* send: this buffer as exposed to the peer's get (mem_expose) */
    uint32_t pending;               /* single-copy rendezvous: events still awaited before completion */
    struct mp_request *next, *prev; /* queue links (posted queue or send queue) */
    struct mp_request *parent;      /* MPI_Isendrecv: the request this one is half of */
    /* MPI-level description, kept for persistent restarts and Get_count */
    int count;
    MPI_Datatype dtype;
    /* status */
    int st_source;
    int st_tag;
    int st_error;
    size_t st_bytes;
};

struct mp_request *mp_req_alloc(void);
void mp_req_release(struct mp_request *r);
void mp_req_pool_finalize(void);
/* Calls fn for every request started and not yet finished (slow: walks the whole pool). */
void mp_req_each(void (*fn)(const struct mp_request *, void *), void *arg);

static inline void mp_req_status(const struct mp_request *r, MPI_Status *st)
{
    if (st != MPI_STATUS_IGNORE) {
        st->MPI_SOURCE = r->st_source;
        st->MPI_TAG = r->st_tag;
        st->MPI_ERROR = r->st_error;
        st->mp_cancelled = r->cancelled;
        st->mp_count = (long long)r->st_bytes;
    }
}

#endif
