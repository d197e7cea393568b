/* The point-to-point engine: starts sends and receives, matches arriving packets, and runs the
 * eager and rendezvous protocols.
 *
 * Eager (len <= transport eager_max): one packet carries the data; an unexpected one is copied
 * aside until a receive matches it. Synchronous sends use EAGER_SYNC and complete on the
 * receiver's ACK, sent when the message is matched.
 * Rendezvous (larger): RTS carries the length and the sender's buffer address. Once matched:
 *  - single copy, where the transport can reach the peer's memory (rma_ok) and the message is
 *    at least rma_min long: the receiver sends RMA_CTS with its buffer address and a split
 *    point, then copies [0, split) straight from the sender's buffer (get) and says FIN, while
 *    the sender copies [split, len) straight into the receive buffer (put) and says DONE — two
 *    copies run at once, one on each side;
 *  - otherwise the receiver answers CTS and the sender streams DATA fragments from the user
 *    buffer into the receive buffer.
 *
 * Non-contiguous datatypes (a request with a layout) move their packed stream through the same
 * protocols without an extra copy of the message: eager packets and fragments are gathered
 * straight from the user buffer as iovecs, or packed into one scratch packet when the blocks are
 * many and small; arriving payloads are unpacked straight into the receive buffer. Single copy
 * needs contiguous buffers on both sides, so such messages stream fragments instead.
 *
 * Each peer has an outbox: packets that could not go out at once (transport said AGAIN) wait
 * there in order, and a new message to that peer queues behind them, which keeps MPI's
 * non-overtaking order. */
#include <stdlib.h>
#include <string.h>

#include "core/datatype.h"
#include "core/log.h"
#include "core/error.h"
#include "p2p/matchq.h"
#include "p2p/p2p.h"
#include "p2p/tl_select.h"
#include "p2p/wire.h"

enum proto_state {
    P_NONE = 0,
    P_SEND_EAGER,    /* outbox: eager packet to send */
    P_SEND_RTS,      /* outbox: RTS to send */
    P_SEND_DATA,     /* outbox: DATA fragments to stream */
    P_WAIT_ACK,      /* sent EAGER_SYNC, waiting for ACK */
    P_WAIT_CTS,      /* sent RTS, waiting for CTS */
    P_RECV_POSTED,   /* in a posted queue */
    P_RECV_CTS,      /* outbox: matched an RTS, CTS to send */
    P_RECV_DATA,     /* CTS sent, DATA arriving */
    P_RECV_ACK,      /* outbox: matched an EAGER_SYNC, ACK to send */
    P_RECV_RMA_CTS,  /* outbox: matched an RTS for single copy, RMA_CTS to send, then get */
    P_RECV_RMA_FIN,  /* outbox: own part copied, FIN to send */
    P_SEND_RMA_DONE, /* outbox: own part copied, DONE to send */
    P_RMA_WAIT,      /* single copy: waiting for the peer's FIN or DONE */
    P_SEND_STREAM,   /* DATA handed to a streaming transport, which still reads the buffer */
    P_SEND_CTL,      /* outbox: a carrier of one CANCEL or CANCEL_OK packet (see mp_cancel) */
};

struct peer {
    struct mp_tl_ops *tl;
    int world;
    int busy; /* on the busy list */
    struct mp_request *out_head, *out_tail;
    struct peer *busy_next;
};

/* A matchable packet (EAGER, EAGER_SYNC, RTS) reduced to what matching and delivery need. */
struct msg_view {
    uint8_t type;
    uint64_t sreq;
    uint64_t addr;
    uint64_t key;
    size_t len;
    const void *data;
};

static struct {
    struct peer *peers;
    struct peer *busy;
    struct mp_matchq **ctx_mq;
    uint32_t ctx_cap;
    struct mp_unexp *early_head, *early_tail; /* packets for contexts not created here yet */
    unsigned rndv_sends;                      /* rendezvous sends of this process not complete yet */
    struct mp_tl_ops *net; /* tcp or ofi when some peer needs it; shm always runs (messages to self) */
    char *scratch;         /* one packet's payload, packed from a non-contiguous buffer */
    size_t scratch_len;
    int shm_peers; /* other ranks reached through shm */
} eng;

static inline uint64_t req_id(const struct mp_request *r)
{
    return (uint64_t)(uintptr_t)r;
}

static inline struct mp_request *req_of(uint64_t id)
{
    return (struct mp_request *)(uintptr_t)id;
}

static inline uint64_t load_u64(const void *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void complete(struct mp_request *r)
{
    r->proto = P_NONE;
    r->state = MP_RS_DONE;
    if (r->user_freed) mp_req_detached_done(r);
}

static void complete_proc_null(struct mp_request *r)
{
    r->st_source = MPI_PROC_NULL;
    r->st_tag = MPI_ANY_TAG;
    r->st_bytes = 0;
    complete(r);
}

/* A rendezvous send is over (sent or cancelled): its buffer is no longer exposed to the peer. */
static void rndv_send_end(struct mp_request *r)
{
    eng.rndv_sends--;
    if (r->rma_handle) {
        eng.peers[r->world_peer].tl->mem_release(r->rma_handle);
        r->rma_handle = NULL;
    }
}

/* A rendezvous send whose data has all gone out (fragments, or a transport's stream). */
static void rndv_send_done(struct mp_request *r)
{
    rndv_send_end(r);
    r->st_bytes = r->bytes;
    complete(r);
}

/* One of the events a single-copy rendezvous waits for (own copy and message sent, peer's FIN
 * or DONE) has happened. It never changes the request's protocol state short of completing it:
 * the peer's FIN or DONE may arrive while the request still waits in the outbox to send its own
 * DONE or FIN. */
static void rma_event(struct mp_request *r)
{
    if (--r->pending > 0) return;
    if (r->kind == MP_REQ_SEND) {
        rndv_send_end(r);
        r->st_bytes = r->bytes;
    } else {
        r->st_bytes = r->msg_len < r->bytes ? r->msg_len : r->bytes;
    }
    complete(r);
}

/* Where the receiver's share of a single-copy message ends: page-aligned, so both copies stream
 * whole pages. */
static size_t rma_split(size_t len, unsigned get_share)
{
    if (get_share >= 100) return len;
    size_t split = (size_t)((unsigned long long)len * get_share / 100) & ~(size_t)4095;
    return split < len ? split : len;
}

static inline void set_hdr(struct mp_wire_hdr *h, const struct mp_request *r, uint8_t type)
{
    h->ctx = r->comm->ctx + r->cls;
    h->src = r->comm->rank;
    h->tag = r->tag;
    h->type = type;
    h->pad[0] = h->pad[1] = h->pad[2] = 0;
}

static int send_ctl(struct peer *p, uint8_t type, const void *body, size_t len)
{
    struct mp_wire_hdr h = {.type = type};
    struct iovec iov = {(void *)body, len};
    return p->tl->send(p->world, &h, &iov, 1);
}

/* Most iovec entries a packet gathers from a non-contiguous buffer; more blocks than that are
 * packed into the scratch packet. */
#define GATHER_IOV (MP_TL_IOV_MAX - 1) /* one entry stays for a prefix */

static char *scratch(size_t len)
{
    if (MP_UNLIKELY(len > eng.scratch_len)) {
        free(eng.scratch);
        eng.scratch = malloc(len);
        if (!eng.scratch) {
            mp_log(MP_LOG_WARN, "out of memory for a %zu-byte packing buffer", len);
            abort();
        }
        eng.scratch_len = len;
    }
    return eng.scratch;
}

/* Describes bytes [off, off + *len) of r's packed stream in iov[pre..]: straight from the user
 * buffer when few blocks hold them (a fragment may then shrink to what the blocks cover, if that
 * is at least half), else packed into the scratch packet. Returns the iov entries in use. */
static int gather(struct mp_request *r, size_t off, size_t *len, int may_shrink, struct iovec *iov, int pre)
{
    size_t covered;
    int k = mp_dtype_iov(r->layout, r->buf, off, *len, iov + pre, GATHER_IOV, &covered);
    if (covered == *len || (may_shrink && covered >= *len / 2)) {
        *len = covered;
        return pre + k;
    }
    char *s = scratch(*len);
    mp_dtype_pack(r->layout, r->buf, off, s, *len);
    iov[pre] = (struct iovec){s, *len};
    return pre + 1;
}

static int send_eager_typed(struct peer *p, struct mp_request *r)
{
    struct mp_wire_hdr h;
    struct iovec iov[GATHER_IOV + 1];
    uint64_t id = req_id(r);
    int n = 0;
    set_hdr(&h, r, r->mode == MP_SEND_SYNC ? MP_MSG_EAGER_SYNC : MP_MSG_EAGER);
    if (r->mode == MP_SEND_SYNC) iov[n++] = (struct iovec){&id, sizeof id};
    size_t len = r->bytes;
    n = gather(r, 0, &len, 0, iov, n);
    return p->tl->send(p->world, &h, iov, n);
}

static int stream_typed(struct peer *p, struct mp_request *r)
{
    struct iovec iov[GATHER_IOV + 1];
    uint64_t id = r->remote;
    const size_t frag = p->tl->frag_max - sizeof id;
    struct mp_wire_hdr h = {.type = MP_MSG_DATA};
    iov[0] = (struct iovec){&id, sizeof id};
    while (r->done < r->bytes) {
        size_t chunk = r->bytes - r->done < frag ? r->bytes - r->done : frag;
        int n = gather(r, r->done, &chunk, 1, iov, 1);
        if (p->tl->send(p->world, &h, iov, n) != MP_TL_OK) return MP_TL_AGAIN;
        r->done += chunk;
    }
    return MP_TL_OK;
}

/* Sends what request `r` has to send to `p`. Returns MP_TL_OK when r needs nothing more from the
 * outbox (it may have completed and been released), MP_TL_AGAIN to retry later. */
static int out_step(struct peer *p, struct mp_request *r)
{
    struct mp_wire_hdr h;
    struct iovec iov[2];
    uint64_t id;
    switch (r->proto) {
    case P_SEND_EAGER:
        if (MP_UNLIKELY(r->layout)) {
            if (send_eager_typed(p, r) != MP_TL_OK) return MP_TL_AGAIN;
        } else if (r->mode == MP_SEND_SYNC) {
            id = req_id(r);
            set_hdr(&h, r, MP_MSG_EAGER_SYNC);
            iov[0] = (struct iovec){&id, sizeof id};
            iov[1] = (struct iovec){r->buf, r->bytes};
            if (p->tl->send(p->world, &h, iov, 2) != MP_TL_OK) return MP_TL_AGAIN;
        } else {
            set_hdr(&h, r, MP_MSG_EAGER);
            iov[0] = (struct iovec){r->buf, r->bytes};
            if (p->tl->send(p->world, &h, iov, 1) != MP_TL_OK) return MP_TL_AGAIN;
        }
        if (r->mode == MP_SEND_SYNC) {
            r->proto = P_WAIT_ACK;
        } else {
            r->st_bytes = r->bytes;
            complete(r);
        }
        return MP_TL_OK;
    case P_SEND_RTS: {
        /* No address for a non-contiguous buffer: the receiver cannot copy from it directly. */
        struct mp_wire_rts rts = {req_id(r), r->bytes, r->layout ? 0 : (uint64_t)(uintptr_t)r->buf, 0};
        if (p->tl->mem_expose && rts.addr && r->bytes >= p->tl->rma_min &&
            p->tl->mem_expose(r->buf, r->bytes, &rts.key, &rts.addr, &r->rma_handle) != MPI_SUCCESS)
            rts.addr = 0; /* the receiver asks for fragments instead */
        set_hdr(&h, r, MP_MSG_RTS);
        iov[0] = (struct iovec){&rts, sizeof rts};
        if (p->tl->send(p->world, &h, iov, 1) != MP_TL_OK) {
            /* Exposed again (key and address with it) when the RTS is retried; meanwhile the
             * registration may be reused or evicted like any unused one. */
            if (r->rma_handle) {
                p->tl->mem_release(r->rma_handle);
                r->rma_handle = NULL;
            }
            return MP_TL_AGAIN;
        }
        r->proto = P_WAIT_CTS;
        return MP_TL_OK;
    }
    case P_SEND_DATA: {
        if (MP_UNLIKELY(r->layout)) {
            if (stream_typed(p, r) != MP_TL_OK) return MP_TL_AGAIN;
        } else {
            const size_t frag = p->tl->frag_max - sizeof id;
            id = r->remote;
            h = (struct mp_wire_hdr){.type = MP_MSG_DATA};
            iov[0] = (struct iovec){&id, sizeof id};
            if (p->tl->send_stream && !r->fragments) {
                int rc = p->tl->send_stream(p->world, &h, iov, 1, r->buf, r->bytes, r);
                if (rc == MP_TL_AGAIN) return MP_TL_AGAIN;
                if (rc == MP_TL_QUEUED) {
                    r->proto = P_SEND_STREAM;
                    return MP_TL_OK;
                }
                r->done = r->bytes;
            }
            while (r->done < r->bytes) {
                size_t chunk = r->bytes - r->done < frag ? r->bytes - r->done : frag;
                iov[1] = (struct iovec){(char *)r->buf + r->done, chunk};
                if (p->tl->send(p->world, &h, iov, 2) != MP_TL_OK) return MP_TL_AGAIN;
                r->done += chunk;
            }
        }
        rndv_send_done(r);
        return MP_TL_OK;
    }
    case P_RECV_CTS: {
        struct mp_wire_cts cts = {r->remote, req_id(r), r->layout ? MP_CTS_FRAGMENTS : 0};
        if (send_ctl(p, MP_MSG_CTS, &cts, sizeof cts) != MP_TL_OK) return MP_TL_AGAIN;
        r->proto = P_RECV_DATA;
        return MP_TL_OK;
    }
    case P_RECV_ACK:
        id = r->remote;
        if (send_ctl(p, MP_MSG_ACK, &id, sizeof id) != MP_TL_OK) return MP_TL_AGAIN;
        complete(r);
        return MP_TL_OK;
    case P_RECV_RMA_CTS: {
        size_t len = r->msg_len < r->bytes ? r->msg_len : r->bytes;
        /* The sender copies a share only when it has nothing to send itself: when both sides
         * are sending (bidirectional traffic), each core is already busy copying what it
         * receives, and handing it more work only adds a round of messages. */
        size_t split = rma_split(len, eng.rndv_sends ? 100 : p->tl->rma_get_share);
        struct mp_wire_rma_cts cts = {r->remote, req_id(r), (uint64_t)(uintptr_t)r->buf, split, len};
        if (send_ctl(p, MP_MSG_RMA_CTS, &cts, sizeof cts) != MP_TL_OK) return MP_TL_AGAIN;
        r->pending = split < len ? 2 : 1;
        if (split) {
            int rc = p->tl->get(p->world, r->buf, r->remote_addr, r->remote_key, split);
            if (rc != MPI_SUCCESS) r->st_error = rc;
        }
        r->proto = P_RECV_RMA_FIN;
    }
        /* FIN follows at once when the transport takes it */
        __attribute__((fallthrough));
    case P_RECV_RMA_FIN:
        id = r->remote;
        if (send_ctl(p, MP_MSG_FIN, &id, sizeof id) != MP_TL_OK) return MP_TL_AGAIN;
        r->proto = P_RMA_WAIT;
        rma_event(r);
        return MP_TL_OK;
    case P_SEND_RMA_DONE:
        id = r->remote;
        if (send_ctl(p, MP_MSG_DONE, &id, sizeof id) != MP_TL_OK) return MP_TL_AGAIN;
        r->proto = P_RMA_WAIT;
        rma_event(r);
        return MP_TL_OK;
    case P_SEND_CTL:
        id = r->remote;
        if (r->mode == MP_MSG_CANCEL)
            set_hdr(&h, r, MP_MSG_CANCEL);
        else
            h = (struct mp_wire_hdr){.type = r->mode};
        iov[0] = (struct iovec){&id, sizeof id};
        if (p->tl->send(p->world, &h, iov, 1) != MP_TL_OK) return MP_TL_AGAIN;
        mp_req_release(r);
        return MP_TL_OK;
    default: MP_WARN("internal: request in state %d found in the outbox", r->proto); return MP_TL_OK;
    }
}

/* Sends now when the peer's outbox is empty, else queues behind what is there. */
static void send_or_queue(struct peer *p, struct mp_request *r)
{
    if (MP_LIKELY(!p->out_head) && out_step(p, r) == MP_TL_OK) return;
    r->next = NULL;
    if (p->out_tail)
        p->out_tail->next = r;
    else
        p->out_head = r;
    p->out_tail = r;
    if (!p->busy) {
        p->busy = 1;
        p->busy_next = eng.busy;
        eng.busy = p;
    }
}

static int drain_outboxes(void)
{
    int events = 0;
    struct peer **link = &eng.busy;
    while (*link) {
        struct peer *p = *link;
        while (p->out_head) {
            struct mp_request *r = p->out_head, *next = r->next;
            if (out_step(p, r) != MP_TL_OK) break;
            p->out_head = next;
            events++;
        }
        if (!p->out_head) {
            p->out_tail = NULL;
            p->busy = 0;
            *link = p->busy_next;
        } else {
            link = &p->busy_next;
        }
    }
    return events;
}

int mp_send_now(const void *buf, size_t bytes, int peer, int tag, struct mp_comm *comm, enum mp_class cls)
{
    struct peer *p = &eng.peers[mp_comm_world_rank(comm, peer)];
    if (bytes > p->tl->eager_max || p->out_head) return 0;
    struct mp_wire_hdr h = {.ctx = comm->ctx + cls, .src = comm->rank, .tag = tag, .type = MP_MSG_EAGER};
    struct iovec iov = {(void *)buf, bytes};
    return p->tl->send(p->world, &h, &iov, 1) == MP_TL_OK;
}

void mp_send_start(struct mp_request *r)
{
    r->state = MP_RS_ACTIVE;
    r->done = 0;
    r->st_error = MPI_SUCCESS;
    if (MP_UNLIKELY(r->peer == MPI_PROC_NULL)) {
        complete_proc_null(r);
        return;
    }
    struct peer *p = &eng.peers[r->world_peer];
    r->proto = r->bytes <= p->tl->eager_max ? P_SEND_EAGER : P_SEND_RTS;
    eng.rndv_sends += r->proto == P_SEND_RTS;
    send_or_queue(p, r);
}

/* Hands a matched message to receive `r`. */
static void deliver(struct mp_request *r, const struct msg_view *v)
{
    if (v->type == MP_MSG_RTS) {
        struct peer *p = &eng.peers[r->world_peer];
        r->remote = v->sreq;
        r->remote_addr = v->addr;
        r->remote_key = v->key;
        r->msg_len = v->len;
        r->done = 0;
        if (v->len > r->bytes) r->st_error = MPI_ERR_TRUNCATE;
        r->proto = p->tl->get && v->len >= p->tl->rma_min && v->addr && !r->layout && p->tl->rma_ok(r->world_peer)
                       ? P_RECV_RMA_CTS
                       : P_RECV_CTS;
        send_or_queue(p, r);
        return;
    }
    size_t n = v->len;
    if (MP_UNLIKELY(n > r->bytes)) {
        n = r->bytes;
        r->st_error = MPI_ERR_TRUNCATE;
    }
    if (MP_UNLIKELY(r->layout))
        mp_dtype_unpack(r->layout, r->buf, 0, v->data, n);
    else if (n)
        memcpy(r->buf, v->data, n);
    r->msg_len = v->len;
    r->st_bytes = n;
    if (v->type == MP_MSG_EAGER_SYNC) {
        r->remote = v->sreq;
        r->proto = P_RECV_ACK;
        send_or_queue(&eng.peers[r->world_peer], r);
        return;
    }
    complete(r);
}

static struct mp_unexp *unexp_from_view(const struct mp_wire_hdr *h, int world_peer, const struct msg_view *v)
{
    size_t copy = v->type == MP_MSG_RTS ? 0 : v->len;
    struct mp_unexp *e = malloc(sizeof *e + copy);
    if (!e) {
        mp_log(MP_LOG_WARN, "out of memory buffering a %zu-byte unexpected message from rank %d", v->len, world_peer);
        abort();
    }
    e->ctx = h->ctx;
    e->src = h->src;
    e->tag = h->tag;
    e->world_peer = world_peer;
    e->type = v->type;
    e->len = v->len;
    e->sreq = v->sreq;
    e->addr = v->addr;
    e->key = v->key;
    e->data = copy ? (void *)(e + 1) : NULL;
    if (copy) memcpy(e->data, v->data, copy);
    return e;
}

static inline struct mp_matchq *mq_of_ctx(uint32_t ctx)
{
    return ctx < eng.ctx_cap ? eng.ctx_mq[ctx] : NULL;
}

static void on_matchable(int world_peer, const struct mp_wire_hdr *h, const void *payload, size_t len)
{
    struct msg_view v = {.type = h->type, .data = payload, .len = len};
    if (h->type == MP_MSG_EAGER_SYNC) {
        v.sreq = load_u64(payload);
        v.data = (const char *)payload + sizeof(uint64_t);
        v.len = len - sizeof(uint64_t);
    } else if (h->type == MP_MSG_RTS) {
        struct mp_wire_rts rts;
        memcpy(&rts, payload, sizeof rts);
        v.sreq = rts.sreq;
        v.addr = rts.addr;
        v.key = rts.key;
        v.len = (size_t)rts.len;
    }
    struct mp_matchq *mq = mq_of_ctx(h->ctx);
    if (MP_UNLIKELY(!mq)) {
        struct mp_unexp *e = unexp_from_view(h, world_peer, &v);
        e->all_next = NULL;
        if (eng.early_tail)
            eng.early_tail->all_next = e;
        else
            eng.early_head = e;
        eng.early_tail = e;
        return;
    }
    if (MP_UNLIKELY(h->src < 0 || h->src >= mq->size)) {
        MP_WARN("dropped a packet from rank %d with invalid source %d for context %u", world_peer, h->src, h->ctx);
        return;
    }
    struct mp_request *r = mp_matchq_take_posted(mq, h->src, h->tag);
    if (r) {
        r->st_source = h->src;
        r->st_tag = h->tag;
        r->world_peer = world_peer;
        deliver(r, &v);
    } else {
        mp_matchq_add_unexp(mq, unexp_from_view(h, world_peer, &v));
    }
}

/* `n` more bytes of the message arrived for receive `r` (what exceeds its buffer was dropped). */
static void data_arrived(struct mp_request *r, size_t n)
{
    r->done += n;
    if (r->done >= r->msg_len) {
        r->st_bytes = r->msg_len < r->bytes ? r->msg_len : r->bytes;
        complete(r);
    }
}

static void on_data(const void *payload, size_t len)
{
    struct mp_request *r = req_of(load_u64(payload));
    const char *data = (const char *)payload + sizeof(uint64_t);
    size_t n = len - sizeof(uint64_t);
    if (r->done < r->bytes) {
        size_t room = r->bytes - r->done;
        if (MP_UNLIKELY(r->layout))
            mp_dtype_unpack(r->layout, r->buf, r->done, data, n < room ? n : room);
        else
            memcpy((char *)r->buf + r->done, data, n < room ? n : room);
    }
    data_arrived(r, n);
}

/* Streaming transports read DATA straight into the receive buffer. */
static int place_data(int world_peer, const void *hdr, const void *prefix, size_t len, void **dest, size_t *room)
{
    (void)world_peer;
    (void)len;
    if (((const struct mp_wire_hdr *)hdr)->type != MP_MSG_DATA) return 0;
    struct mp_request *r = req_of(load_u64(prefix));
    if (r->layout) return 0; /* unpacked fragment by fragment (the sender was told, in the CTS) */
    *dest = (char *)r->buf + r->done;
    *room = r->done < r->bytes ? r->bytes - r->done : 0;
    return 1;
}

static void placed_data(int world_peer, const void *hdr, const void *prefix, size_t len)
{
    (void)world_peer;
    (void)hdr;
    data_arrived(req_of(load_u64(prefix)), len - sizeof(uint64_t));
}

static void stream_sent(void *ctx)
{
    rndv_send_done(ctx);
}

/* A transport lost a peer. Under MPI_ERRORS_ARE_FATAL (the default) this ends the job naming the
 * peer; under MPI_ERRORS_RETURN it is only logged, and operations with that peer do not
 * complete. */
static void peer_lost(int world_peer, const char *why)
{
    mp_error(NULL, MPI_ERR_OTHER, "MPI progress", "lost contact with rank %d: %s", world_peer, why);
    mp_log(MP_LOG_WARN, "lost contact with rank %d: %s", world_peer, why);
}

/* The receiver matched our RTS for single copy: copy our share straight into its buffer now,
 * while it copies its own share, then say DONE. */
static void on_rma_cts(int world_peer, const void *payload)
{
    struct mp_wire_rma_cts cts;
    memcpy(&cts, payload, sizeof cts);
    struct mp_request *s = req_of(cts.sreq);
    struct peer *p = &eng.peers[world_peer];
    s->remote = cts.rreq;
    if (cts.split >= cts.len) {
        s->pending = 1;
        s->proto = P_RMA_WAIT;
        return;
    }
    s->pending = 2;
    int rc =
        p->tl->put(world_peer, cts.addr + cts.split, (const char *)s->buf + cts.split, (size_t)(cts.len - cts.split));
    if (rc != MPI_SUCCESS) s->st_error = rc;
    s->proto = P_SEND_RMA_DONE;
    send_or_queue(p, s);
}

/* Cancellation. A receive can be withdrawn while it waits in a posted queue, a send while its
 * first packet waits in the outbox. A synchronous or rendezvous send whose first packet is out
 * can still be withdrawn while the receiver holds it unmatched: the sender asks (CANCEL, after
 * the packet on the same ordered channel), and the receiver answers CANCEL_OK only when it
 * found and dropped the message; otherwise it has matched it and the send completes normally.
 * A plain eager send is complete once out, so there is nothing left to cancel. */

static void complete_cancelled(struct mp_request *r)
{
    r->cancelled = 1;
    r->st_bytes = 0;
    complete(r);
}

/* A carrier for packet `type` (CANCEL or CANCEL_OK) about sender request `sreq`, for
 * send_or_queue; a CANCEL carries the context and source of `about` in its header. NULL when out
 * of memory: the cancellation then fails and the send completes normally. */
static struct mp_request *cancel_packet(uint8_t type, uint64_t sreq, const struct mp_request *about)
{
    struct mp_request *c = mp_req_alloc();
    if (!c) {
        MP_WARN("no memory for a cancellation packet; the send completes normally");
        return NULL;
    }
    c->proto = P_SEND_CTL;
    c->mode = type;
    c->remote = sreq;
    if (about) {
        c->comm = about->comm;
        c->cls = about->cls;
        c->tag = about->tag;
    }
    return c;
}

static void on_cancel(int world_peer, const struct mp_wire_hdr *h, uint64_t sreq)
{
    struct mp_matchq *mq = mq_of_ctx(h->ctx);
    if (!mq || h->src < 0 || h->src >= mq->size) return;
    /* the answer is ready before the message is dropped: a dropped message must be answered */
    struct mp_request *ok = cancel_packet(MP_MSG_CANCEL_OK, sreq, NULL);
    if (!ok) return;
    struct mp_unexp *e = mp_matchq_take_unexp_by_sender(mq, h->src, sreq);
    if (!e) {
        mp_req_release(ok);
        return;
    }
    free(e);
    send_or_queue(&eng.peers[world_peer], ok);
}

static void on_cancel_ok(struct mp_request *s)
{
    if (s->proto == P_WAIT_CTS)
        rndv_send_end(s);
    else if (s->proto != P_WAIT_ACK) {
        MP_WARN("internal: cancellation confirmed for a send in state %d", s->proto);
        return;
    }
    complete_cancelled(s);
}

/* Takes `r` out of its peer's outbox; 0 when it is not there. */
static int outbox_remove(struct peer *p, struct mp_request *r)
{
    struct mp_request *prev = NULL;
    for (struct mp_request *q = p->out_head; q; prev = q, q = q->next) {
        if (q != r) continue;
        if (prev)
            prev->next = r->next;
        else
            p->out_head = r->next;
        if (p->out_tail == r) p->out_tail = prev;
        return 1;
    }
    return 0;
}

void mp_cancel(struct mp_request *r)
{
    if (r->state != MP_RS_ACTIVE) return;
    if (r->kind == MP_REQ_RECV) {
        if (r->proto != P_RECV_POSTED) return;
        mp_matchq_remove_posted(r->cls == MP_COLL ? r->comm->mq_coll : r->comm->mq, r);
        complete_cancelled(r);
        return;
    }
    struct peer *p = &eng.peers[r->world_peer];
    switch (r->proto) {
    case P_SEND_EAGER:
    case P_SEND_RTS:
        if (!outbox_remove(p, r)) return;
        if (r->proto == P_SEND_RTS) rndv_send_end(r);
        complete_cancelled(r);
        return;
    case P_WAIT_ACK:
    case P_WAIT_CTS: {
        struct mp_request *c = cancel_packet(MP_MSG_CANCEL, req_id(r), r);
        if (c) send_or_queue(p, c);
        return;
    }
    default: return;
    }
}

static void on_recv(int world_peer, const void *hdr, const void *payload, size_t len)
{
    const struct mp_wire_hdr *h = hdr;
    switch (h->type) {
    case MP_MSG_EAGER:
    case MP_MSG_EAGER_SYNC:
    case MP_MSG_RTS: on_matchable(world_peer, h, payload, len); break;
    case MP_MSG_ACK: complete(req_of(load_u64(payload))); break;
    case MP_MSG_CTS: {
        struct mp_wire_cts cts;
        memcpy(&cts, payload, sizeof cts);
        struct mp_request *s = req_of(cts.sreq);
        s->remote = cts.rreq;
        s->done = 0;
        s->fragments = (cts.flags & MP_CTS_FRAGMENTS) != 0;
        s->proto = P_SEND_DATA;
        send_or_queue(&eng.peers[world_peer], s);
        break;
    }
    case MP_MSG_DATA: on_data(payload, len); break;
    case MP_MSG_RMA_CTS: on_rma_cts(world_peer, payload); break;
    case MP_MSG_FIN:
    case MP_MSG_DONE: rma_event(req_of(load_u64(payload))); break;
    case MP_MSG_CANCEL: on_cancel(world_peer, h, load_u64(payload)); break;
    case MP_MSG_CANCEL_OK: on_cancel_ok(req_of(load_u64(payload))); break;
    default: MP_WARN("dropped a packet of unknown type %u from rank %d", h->type, world_peer);
    }
}

void mp_recv_start(struct mp_request *r)
{
    r->state = MP_RS_ACTIVE;
    r->st_error = MPI_SUCCESS;
    if (MP_UNLIKELY(r->peer == MPI_PROC_NULL)) {
        complete_proc_null(r);
        return;
    }
    struct mp_matchq *mq = r->cls == MP_COLL ? r->comm->mq_coll : r->comm->mq;
    struct mp_unexp *e = mq->all.head ? mp_matchq_find_unexp(mq, r->peer, r->tag, 1) : NULL;
    if (!e) {
        r->proto = P_RECV_POSTED;
        mp_matchq_post(mq, r);
        return;
    }
    mp_recv_matched(r, e);
}

void mp_recv_matched(struct mp_request *r, struct mp_unexp *e)
{
    r->state = MP_RS_ACTIVE;
    r->st_error = MPI_SUCCESS;
    r->st_source = e->src;
    r->st_tag = e->tag;
    r->world_peer = e->world_peer;
    struct msg_view v = {
        .type = e->type, .sreq = e->sreq, .addr = e->addr, .key = e->key, .len = e->len, .data = e->data};
    deliver(r, &v);
    free(e);
}

/* Work above the engine that must advance whenever it does (nonblocking collectives), run by
 * every progress pass once registered; not re-entered from its own sends. */
static int (*progress_hook)(void);
static int in_hook;

void mp_progress_set_hook(int (*hook)(void))
{
    progress_hook = hook;
}

int mp_progress(void)
{
    int events = mp_tl_shm.progress();
    if (eng.net) events += eng.net->progress();
    if (eng.busy) events += drain_outboxes();
    if (MP_UNLIKELY(progress_hook != NULL) && !in_hook) {
        in_hook = 1;
        events += progress_hook();
        in_hook = 0;
    }
    return events;
}

int mp_iprobe(int peer, int tag, struct mp_comm *comm, int *flag, MPI_Status *status)
{
    return mp_improbe(peer, tag, comm, flag, NULL, status);
}

int mp_improbe(int peer, int tag, struct mp_comm *comm, int *flag, struct mp_unexp **msg, MPI_Status *status)
{
    if (peer == MPI_PROC_NULL) {
        *flag = 1;
        if (status != MPI_STATUS_IGNORE) {
            status->MPI_SOURCE = MPI_PROC_NULL;
            status->MPI_TAG = MPI_ANY_TAG;
            status->MPI_ERROR = MPI_SUCCESS;
            status->mp_count = 0;
            status->mp_cancelled = 0;
        }
        return MPI_SUCCESS;
    }
    mp_progress();
    struct mp_unexp *e = mp_matchq_find_unexp(comm->mq, peer, tag, msg != NULL);
    *flag = e != NULL;
    if (e && msg) {
        e->comm = comm;
        *msg = e;
    }
    if (e && status != MPI_STATUS_IGNORE) {
        status->MPI_SOURCE = e->src;
        status->MPI_TAG = e->tag;
        status->MPI_ERROR = MPI_SUCCESS;
        status->mp_count = (long long)e->len;
        status->mp_cancelled = 0;
    }
    return MPI_SUCCESS;
}

static int ensure_ctx_capacity(uint32_t ctx)
{
    if (ctx < eng.ctx_cap) return 0;
    uint32_t cap = eng.ctx_cap ? eng.ctx_cap : 64;
    while (cap <= ctx) cap *= 2;
    struct mp_matchq **t = realloc(eng.ctx_mq, cap * sizeof *t);
    if (!t) return -1;
    memset(t + eng.ctx_cap, 0, (cap - eng.ctx_cap) * sizeof *t);
    eng.ctx_mq = t;
    eng.ctx_cap = cap;
    return 0;
}

/* Moves packets that arrived before their context existed here into its unexpected queue. */
static void adopt_early(struct mp_matchq *mq)
{
    struct mp_unexp **link = &eng.early_head, *last = NULL;
    while (*link) {
        struct mp_unexp *e = *link;
        if (e->ctx != mq->ctx) {
            last = e;
            link = &e->all_next;
            continue;
        }
        *link = e->all_next;
        if (e->src < 0 || e->src >= mq->size) {
            MP_WARN("dropped a packet from rank %d with invalid source %d for context %u", e->world_peer, e->src,
                    e->ctx);
            free(e);
            continue;
        }
        mp_matchq_add_unexp(mq, e);
    }
    eng.early_tail = last;
}

int mp_p2p_comm_attach(struct mp_comm *c)
{
    if (ensure_ctx_capacity(c->ctx + 1) != 0) return MPI_ERR_NO_MEM;
    c->mq = mp_matchq_create(c->ctx, c->size);
    c->mq_coll = mp_matchq_create(c->ctx + 1, c->size);
    if (!c->mq || !c->mq_coll) {
        mp_matchq_destroy(c->mq);
        mp_matchq_destroy(c->mq_coll);
        c->mq = c->mq_coll = NULL;
        return MPI_ERR_NO_MEM;
    }
    eng.ctx_mq[c->ctx] = c->mq;
    eng.ctx_mq[c->ctx + 1] = c->mq_coll;
    if (eng.early_head) {
        adopt_early(c->mq);
        adopt_early(c->mq_coll);
    }
    return MPI_SUCCESS;
}

void mp_p2p_comm_detach(struct mp_comm *c)
{
    if (c->mq) eng.ctx_mq[c->ctx] = NULL;
    if (c->mq_coll) eng.ctx_mq[c->ctx + 1] = NULL;
    mp_matchq_destroy(c->mq);
    mp_matchq_destroy(c->mq_coll);
    c->mq = c->mq_coll = NULL;
}

int mp_p2p_wait_fd(int *all)
{
    *all = eng.shm_peers == 0;
    return eng.net && eng.net->wait_fd ? eng.net->wait_fd() : -1;
}

int mp_p2p_init(const int *host_of)
{
    static const struct mp_tl_upcalls up = {
        .recv = on_recv, .place = place_data, .placed = placed_data, .sent = stream_sent, .lost = peer_lost};
    int n = mp_g.world_size;
    eng.peers = calloc((size_t)n, sizeof *eng.peers);
    if (!eng.peers) return MPI_ERR_NO_MEM;
    struct mp_tl_plan plan;
    int rc = mp_tl_plan(host_of, n, mp_g.world_rank, &plan);
    struct mp_tl_peers peers = {mp_g.world_rank, n, plan.shm_host_of, mp_g.jobid, plan.nhosts};
    if (rc == MPI_SUCCESS) rc = mp_tl_shm.init(&peers, &up);
    peers.host_of = host_of;
    if (rc == MPI_SUCCESS && plan.net) {
        rc = plan.net->init(&peers, &up);
        eng.net = plan.net;
    }
    struct mp_tl_ops **tl_of = malloc(sizeof *tl_of * (size_t)n);
    for (int r = 0; rc == MPI_SUCCESS && r < n; r++) {
        eng.peers[r].world = r;
        eng.peers[r].tl = mp_tl_choose(&plan, host_of, mp_g.world_rank, r);
        eng.shm_peers += r != mp_g.world_rank && eng.peers[r].tl == &mp_tl_shm;
        if (tl_of) tl_of[r] = eng.peers[r].tl;
    }
    if (rc == MPI_SUCCESS && tl_of) mp_tl_log_choice(tl_of, n);
    free(tl_of);
    mp_tl_plan_free(&plan);
    return rc;
}

void mp_p2p_finalize(void)
{
    if (eng.net) eng.net->finalize();
    mp_tl_shm.finalize();
    while (eng.early_head) {
        struct mp_unexp *e = eng.early_head;
        eng.early_head = e->all_next;
        free(e);
    }
    free(eng.ctx_mq);
    free(eng.peers);
    free(eng.scratch);
    memset(&eng, 0, sizeof eng);
}
