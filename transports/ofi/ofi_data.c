/* libfabric transport: the data path. Tiny packets go out with fi_inject (copied by the provider
 * at once); others are copied into a send buffer from a fixed pool and posted with fi_send, the
 * buffer returning to the pool on completion. Receives land in pre-posted buffers (a few large
 * multi-receive buffers where the provider has FI_MULTI_RECV, else one per packet) and are handed
 * to the engine straight from there, then the buffer is posted again. */
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rdma/fi_errno.h>

#include "boot/boot.h"
#include "core/log.h"
#include "core/params.h"
#include "mpi.h"
#include "transports/ofi/ofi.h"

#define OFI_DEFAULT_EAGER_MAX 16384u
#define OFI_DEFAULT_FRAG_MAX 65536u
#define OFI_SEND_BUFFERS 64
#define OFI_MULTI_RECV_BUFFERS 4
#define OFI_MULTI_RECV_PACKETS 32 /* packets of pkt_max one multi-receive buffer holds at least */
#define OFI_RECV_BUFFERS 128      /* without multi-receive */
#define OFI_CQ_BATCH 16
#define OFI_INJECT_MAX 256 /* we inject at most this much, from a stack buffer */

extern struct mp_tl_ops mp_tl_ofi;

/* Packets that arrived while a blocking get waited for its own completion: copied out (so their
 * receive buffers go back to the provider at once; a provider short of buffers might otherwise
 * stall the very read we wait for) and handed to the engine by the next progress pass, since
 * delivering them from inside the engine's get would re-enter it. */
struct deferred {
    struct deferred *next;
    size_t len;
    unsigned char pkt[];
};
static struct {
    int active; /* inside mp_ofi_poll_until */
    struct deferred *head, **tail;
} defer = {.tail = &defer.head};

static int post_rx(struct mp_ofi_rxbuf *b)
{
    b->released = 0;
    struct iovec iov = {b->buf, b->len};
    void *desc = mp_ofi.rx_desc;
    struct fi_msg msg = {.msg_iov = &iov, .desc = &desc, .iov_count = 1, .addr = FI_ADDR_UNSPEC, .context = &b->ctx};
    ssize_t rc;
    /* Posting can only fail for lack of provider resources, which progress frees. */
    while ((rc = fi_recvmsg(mp_ofi.ep, &msg, mp_ofi.multi_recv ? FI_MULTI_RECV : 0)) == -FI_EAGAIN)
        fi_cq_read(mp_ofi.cq, NULL, 0);
    return rc ? mp_ofi_fail("fi_recvmsg", (int)rc) : MPI_SUCCESS;
}

static int setup_limits(void)
{
    const struct fi_info *info = mp_ofi.info;
    size_t max_msg = info->ep_attr->max_msg_size;
    size_t frag = mp_env_size("MSGPASS_OFI_FRAG_MAX", OFI_DEFAULT_FRAG_MAX);
    size_t eager = mp_env_size("MSGPASS_OFI_EAGER_MAX", OFI_DEFAULT_EAGER_MAX);
    if (frag + MP_OFI_HDR + MP_TL_HDR_SIZE > max_msg) frag = max_msg - MP_OFI_HDR - MP_TL_HDR_SIZE;
    if (frag < 1024) {
        mp_log(MP_LOG_WARN, "ofi: provider messages of at most %zu bytes are too small", max_msg);
        return MPI_ERR_OTHER;
    }
    if (eager > frag) eager = frag;
    mp_tl_ofi.eager_max = eager;
    mp_tl_ofi.frag_max = frag;
    mp_ofi.pkt_max = frag + MP_OFI_HDR + MP_TL_HDR_SIZE;
    mp_ofi.inject_max = info->tx_attr->inject_size < OFI_INJECT_MAX ? info->tx_attr->inject_size : OFI_INJECT_MAX;
    mp_ofi.multi_recv = (info->caps & FI_MULTI_RECV) != 0;
    MP_INFO("ofi: eager up to %zu bytes, fragments of %zu, inject up to %zu, %s receive buffers", eager, frag,
            mp_ofi.inject_max, mp_ofi.multi_recv ? "multi-receive" : "per-packet");
    return MPI_SUCCESS;
}

static int setup_send_buffers(void)
{
    mp_ofi.nbounce = OFI_SEND_BUFFERS;
    mp_ofi.tx_area = aligned_alloc(64, (size_t)mp_ofi.nbounce * mp_ofi.pkt_max);
    mp_ofi.bounces = calloc((size_t)mp_ofi.nbounce, sizeof *mp_ofi.bounces);
    if (!mp_ofi.tx_area || !mp_ofi.bounces) return MPI_ERR_NO_MEM;
    int rc = mp_ofi_reg_local(mp_ofi.tx_area, (size_t)mp_ofi.nbounce * mp_ofi.pkt_max, &mp_ofi.tx_mr, &mp_ofi.tx_desc);
    if (rc != MPI_SUCCESS) return rc;
    for (int i = 0; i < mp_ofi.nbounce; i++) {
        struct mp_ofi_bounce *b = &mp_ofi.bounces[i];
        b->buf = mp_ofi.tx_area + (size_t)i * mp_ofi.pkt_max;
        b->next = mp_ofi.free_bounce;
        mp_ofi.free_bounce = b;
    }
    return MPI_SUCCESS;
}

static int setup_recv_buffers(void)
{
    size_t each = mp_ofi.multi_recv ? OFI_MULTI_RECV_PACKETS * mp_ofi.pkt_max : mp_ofi.pkt_max;
    mp_ofi.nrx = mp_ofi.multi_recv ? OFI_MULTI_RECV_BUFFERS : OFI_RECV_BUFFERS;
    mp_ofi.rx_area = aligned_alloc(64, (size_t)mp_ofi.nrx * each);
    mp_ofi.rxbufs = calloc((size_t)mp_ofi.nrx, sizeof *mp_ofi.rxbufs);
    mp_ofi.peers = calloc((size_t)mp_ofi.size, sizeof *mp_ofi.peers);
    if (!mp_ofi.rx_area || !mp_ofi.rxbufs || !mp_ofi.peers) return MPI_ERR_NO_MEM;
    int rc = mp_ofi_reg_local(mp_ofi.rx_area, (size_t)mp_ofi.nrx * each, &mp_ofi.rx_mr, &mp_ofi.rx_desc);
    if (rc != MPI_SUCCESS) return rc;
    if (mp_ofi.multi_recv) {
        /* A buffer is released once less than one whole packet fits in what is left of it. */
        size_t min_left = mp_ofi.pkt_max;
        rc = fi_setopt(&mp_ofi.ep->fid, FI_OPT_ENDPOINT, FI_OPT_MIN_MULTI_RECV, &min_left, sizeof min_left);
        if (rc) return mp_ofi_fail("fi_setopt(FI_OPT_MIN_MULTI_RECV)", rc);
    }
    for (int i = 0; i < mp_ofi.nrx; i++) {
        mp_ofi.rxbufs[i].buf = mp_ofi.rx_area + (size_t)i * each;
        mp_ofi.rxbufs[i].len = each;
        if ((rc = post_rx(&mp_ofi.rxbufs[i])) != MPI_SUCCESS) return rc;
    }
    return MPI_SUCCESS;
}

int mp_ofi_data_init(void)
{
    int rc = setup_limits();
    if (rc == MPI_SUCCESS) rc = setup_send_buffers();
    if (rc == MPI_SUCCESS) rc = setup_recv_buffers();
    if (rc == MPI_SUCCESS) rc = mp_ofi_rma_init();
    return rc;
}

void mp_ofi_data_finalize(void)
{
    mp_ofi_rma_finalize();
    while (defer.head) {
        struct deferred *d = defer.head;
        defer.head = d->next;
        free(d);
    }
    defer.tail = &defer.head;
    if (mp_ofi.tx_mr) fi_close(&mp_ofi.tx_mr->fid);
    if (mp_ofi.rx_mr) fi_close(&mp_ofi.rx_mr->fid);
    free(mp_ofi.tx_area);
    free(mp_ofi.bounces);
    free(mp_ofi.rx_area);
    free(mp_ofi.rxbufs);
    for (int r = 0; mp_ofi.peers && r < mp_ofi.size; r++)
        for (struct mp_ofi_held *h = mp_ofi.peers[r].held, *next; h; h = next) {
            next = h->next;
            free(h);
        }
    free(mp_ofi.peers);
}

/* A transfer that failed cannot be retried (its packet would be lost and the job hang): the
 * engine reports the peer lost; where the peer is unknown (-1) the job ends here. */
static void fatal(int peer, const char *call, int fi_rc, const char *detail)
{
    char msg[400];
    snprintf(msg, sizeof msg, "libfabric (%s): %s failed: %s%s%s", mp_ofi.info->fabric_attr->prov_name, call,
             fi_strerror(fi_rc < 0 ? -fi_rc : fi_rc), *detail ? ": " : "", detail);
    if (peer >= 0) {
        mp_ofi.up->lost(peer, msg);
        return;
    }
    char full[512];
    snprintf(full, sizeof full, "rank %d: %s", mp_ofi.rank, msg);
    mp_boot_abort(MPI_ERR_OTHER, full);
}

/* Lays the packet out at `out`: transport header, engine header, payload. */
static size_t gather(unsigned char *out, int peer, const void *hdr, const struct iovec *iov, int iovcnt)
{
    uint32_t th[2] = {(uint32_t)mp_ofi.rank, mp_ofi.peers[peer].tx_seq};
    memcpy(out, th, MP_OFI_HDR);
    memcpy(out + MP_OFI_HDR, hdr, MP_TL_HDR_SIZE);
    size_t len = MP_OFI_HDR + MP_TL_HDR_SIZE;
    for (int i = 0; i < iovcnt; i++) {
        memcpy(out + len, iov[i].iov_base, iov[i].iov_len);
        len += iov[i].iov_len;
    }
    return len;
}

int mp_ofi_send(int peer, const void *hdr, const struct iovec *iov, int iovcnt)
{
    size_t payload = 0;
    for (int i = 0; i < iovcnt; i++) payload += iov[i].iov_len;
    size_t len = MP_OFI_HDR + MP_TL_HDR_SIZE + payload;
    if (len <= mp_ofi.inject_max) {
        unsigned char pkt[OFI_INJECT_MAX];
        gather(pkt, peer, hdr, iov, iovcnt);
        ssize_t rc = fi_inject(mp_ofi.ep, pkt, len, mp_ofi.addr_of[peer]);
        if (rc == 0) {
            mp_ofi.peers[peer].tx_seq++;
            return MP_TL_OK;
        }
        if (rc == -FI_EAGAIN) return MP_TL_AGAIN;
        fatal(peer, "fi_inject", (int)rc, "");
        return MP_TL_AGAIN;
    }
    /* No progress here on AGAIN: it would deliver packets from inside the engine's send. */
    struct mp_ofi_bounce *b = mp_ofi.free_bounce;
    if (!b) return MP_TL_AGAIN;
    gather(b->buf, peer, hdr, iov, iovcnt);
    ssize_t rc = fi_send(mp_ofi.ep, b->buf, len, mp_ofi.tx_desc, mp_ofi.addr_of[peer], &b->ctx);
    if (rc == -FI_EAGAIN) return MP_TL_AGAIN;
    if (rc) {
        fatal(peer, "fi_send", (int)rc, "");
        return MP_TL_AGAIN;
    }
    mp_ofi.peers[peer].tx_seq++;
    mp_ofi.free_bounce = b->next;
    b->peer = peer;
    return MP_TL_OK;
}

static void deliver(int src, const unsigned char *pkt, size_t len)
{
    /* Packets sit wherever the provider put them in a multi-receive buffer, at any alignment; the
     * engine reads its header as a struct, so it gets an aligned copy. */
    uint64_t hdr[MP_TL_HDR_SIZE / sizeof(uint64_t)];
    memcpy(hdr, pkt + MP_OFI_HDR, MP_TL_HDR_SIZE);
    mp_ofi.up->recv(src, hdr, pkt + MP_OFI_HDR + MP_TL_HDR_SIZE, len - MP_OFI_HDR - MP_TL_HDR_SIZE);
}

static void repost_if_free(struct mp_ofi_rxbuf *rx)
{
    if (rx->released && rx->held == 0) post_rx(rx);
}

/* Keeps an early packet, in sequence order: where it lies in `rx`, or, with rx NULL, in memory
 * it owns (a deferred packet), freed once delivered. */
static void hold(struct mp_ofi_peer *p, uint32_t seq, const unsigned char *pkt, size_t len, struct mp_ofi_rxbuf *rx)
{
    struct mp_ofi_held *h = malloc(sizeof *h);
    if (!h) mp_boot_abort(MPI_ERR_NO_MEM, "libfabric transport: out of memory holding an early packet");
    *h = (struct mp_ofi_held){.seq = seq, .pkt = pkt, .len = len, .rx = rx};
    struct mp_ofi_held **at = &p->held;
    while (*at && (int32_t)((*at)->seq - seq) < 0) at = &(*at)->next;
    h->next = *at;
    *at = h;
    if (rx) rx->held++;
}

/* A packet from buffer `rx`, or with rx NULL an owned copy (freed here once delivered). */
static void on_packet(const unsigned char *pkt, size_t len, struct mp_ofi_rxbuf *rx)
{
    if (MP_UNLIKELY(defer.active)) {
        struct deferred *d = malloc(sizeof *d + len);
        if (!d) mp_boot_abort(MPI_ERR_NO_MEM, "libfabric transport: out of memory keeping a packet");
        d->next = NULL;
        d->len = len;
        memcpy(d->pkt, pkt, len);
        *defer.tail = d;
        defer.tail = &d->next;
        return;
    }
    uint32_t th[2];
    memcpy(th, pkt, MP_OFI_HDR);
    if (th[0] >= (uint32_t)mp_ofi.size) {
        mp_log(MP_LOG_WARN, "ofi: dropped a packet claiming to come from rank %u of %d", th[0], mp_ofi.size);
        if (!rx) free((void *)(pkt - offsetof(struct deferred, pkt)));
        return;
    }
    struct mp_ofi_peer *p = &mp_ofi.peers[th[0]];
    if (th[1] != p->rx_seq) {
        hold(p, th[1], pkt, len, rx);
        return;
    }
    deliver((int)th[0], pkt, len);
    if (!rx) free((void *)(pkt - offsetof(struct deferred, pkt)));
    p->rx_seq++;
    while (p->held && p->held->seq == p->rx_seq) {
        struct mp_ofi_held *h = p->held;
        p->held = h->next;
        deliver((int)th[0], h->pkt, h->len);
        p->rx_seq++;
        if (h->rx) {
            h->rx->held--;
            repost_if_free(h->rx);
        } else {
            free((void *)(h->pkt - offsetof(struct deferred, pkt)));
        }
        free(h);
    }
}

static void on_recv_entry(const struct fi_cq_data_entry *e)
{
    struct mp_ofi_rxbuf *rx = e->op_context;
    if ((e->flags & FI_RECV) && e->len >= MP_OFI_HDR + MP_TL_HDR_SIZE)
        on_packet(e->buf, e->len, rx);
    else if ((e->flags & FI_RECV) && e->len)
        mp_log(MP_LOG_WARN, "ofi: dropped a packet of %zu bytes, shorter than the headers", e->len);
    /* A multi-receive buffer is done when the provider says so; a single one after one packet. */
    if (!mp_ofi.multi_recv || (e->flags & FI_MULTI_RECV)) {
        rx->released = 1;
        repost_if_free(rx);
    }
}

/* Reports a failed operation; returns its context. A failed read names the peer it read from:
 * only one read is outstanding, the one mp_ofi_get waits for. */
static void *on_error(void)
{
    struct fi_cq_err_entry err = {0};
    if (fi_cq_readerr(mp_ofi.cq, &err, 0) < 1) return NULL;
    if (err.err == FI_ECANCELED) return err.op_context;
    char detail[256] = "";
    fi_cq_strerror(mp_ofi.cq, err.prov_errno, err.err_data, detail, sizeof detail);
    int peer = -1;
    const char *what = "a receive";
    if (err.flags & FI_READ) {
        peer = mp_ofi.read_peer;
        what = "a rendezvous read (fi_read)";
    } else if (err.flags & FI_SEND) {
        peer = ((struct mp_ofi_bounce *)err.op_context)->peer;
        what = "a send";
    }
    fatal(peer, what, err.err, detail);
    return err.op_context;
}

static void dispatch(const struct fi_cq_data_entry *e)
{
    if (e->flags & (FI_RECV | FI_MULTI_RECV)) {
        on_recv_entry(e);
    } else if (e->flags & FI_SEND) {
        struct mp_ofi_bounce *b = e->op_context;
        b->next = mp_ofi.free_bounce;
        mp_ofi.free_bounce = b;
    }
}

/* Spins this many empty polls, then yields between polls: the peer serving the read needs a core
 * too on an oversubscribed host. */
#define OFI_POLL_SPIN 64

int mp_ofi_poll_until(void *ctx)
{
    for (unsigned empty = 0;;) {
        struct fi_cq_data_entry entries[OFI_CQ_BATCH];
        ssize_t n = fi_cq_read(mp_ofi.cq, entries, OFI_CQ_BATCH);
        if (n == -FI_EAGAIN) {
            if (!ctx) return MPI_SUCCESS;
            if (++empty > OFI_POLL_SPIN) sched_yield();
            continue;
        }
        if (n == -FI_EAVAIL) {
            if (ctx && on_error() == ctx) return MPI_ERR_OTHER;
            continue;
        }
        if (n < 0) return mp_ofi_fail("fi_cq_read", (int)n);
        int found = 0;
        defer.active = 1;
        for (ssize_t i = 0; i < n; i++) {
            if (ctx && entries[i].op_context == ctx)
                found = 1;
            else
                dispatch(&entries[i]);
        }
        defer.active = 0;
        if (found || !ctx) return MPI_SUCCESS;
    }
}

int mp_ofi_progress(void)
{
    int events = 0;
    while (MP_UNLIKELY(defer.head != NULL)) {
        struct deferred *d = defer.head;
        defer.head = d->next;
        if (!defer.head) defer.tail = &defer.head;
        on_packet(d->pkt, d->len, NULL);
        events++;
    }
    struct fi_cq_data_entry entries[OFI_CQ_BATCH];
    ssize_t n = fi_cq_read(mp_ofi.cq, entries, OFI_CQ_BATCH);
    if (n == -FI_EAGAIN) return events;
    if (n == -FI_EAVAIL) {
        on_error();
        return events + 1;
    }
    if (n < 0) {
        mp_ofi_fail("fi_cq_read", (int)n);
        return events;
    }
    for (ssize_t i = 0; i < n; i++) dispatch(&entries[i]);
    return events + (int)n;
}
