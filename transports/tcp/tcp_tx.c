/* Send path. A packet goes out with one sendmsg() straight from the caller's buffers when nothing
 * waits before it; whatever the socket did not take is queued behind: copied for ordinary
 * packets (the caller may reuse its buffers at once), referenced in place for streams (the
 * engine keeps the user buffer until the sent upcall). progress() writes the queue out when the
 * socket has room (EPOLLOUT is armed exactly while the queue is not empty). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "core/log.h"
#include "transports/tcp/tcp.h"

#define TCP_IOV_MAX (MP_TL_IOV_MAX + 1) /* the frame header, then the caller's entries */

static inline struct tcp_txe *entry(struct tcp_txq *q, unsigned i)
{
    return &q->e[(q->head + i) % TCP_TXQ_MAX];
}

/* Frames up to this size are gathered into one buffer and go out with send(): the kernel then
 * takes a single buffer instead of importing an iovec array, which is measurable at the latency
 * of a small message. */
#define TCP_FLAT_MAX 256

static ssize_t send_iov(int fd, struct iovec *v, int cnt)
{
    char flat[TCP_FLAT_MAX];
    size_t len = 0;
    for (int i = 0; i < cnt && len <= sizeof flat; i++) len += v[i].iov_len;
    ssize_t n;
    if (len <= sizeof flat) {
        size_t at = 0;
        for (int i = 0; i < cnt; i++) {
            if (v[i].iov_len) memcpy(flat + at, v[i].iov_base, v[i].iov_len); /* a 0-byte base may be NULL */
            at += v[i].iov_len;
        }
        do n = send(fd, flat, len, MSG_NOSIGNAL | MSG_DONTWAIT);
        while (n < 0 && errno == EINTR);
    } else {
        struct msghdr m = {.msg_iov = v, .msg_iovlen = (size_t)cnt};
        do n = sendmsg(fd, &m, MSG_NOSIGNAL | MSG_DONTWAIT);
        while (n < 0 && errno == EINTR);
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
    return n;
}

/* Room for `n` more copied bytes at the end of the copy buffer, moving the bytes still queued to
 * its front when that makes room. */
static char *copy_room(struct tcp_txq *q, size_t n)
{
    if (!q->buf) {
        q->buf = malloc(tcp.tx_cap);
        if (!q->buf) return NULL;
        q->cap = tcp.tx_cap;
    }
    if (!q->count) q->used_from = q->used_to = 0;
    if (q->cap - q->used_to < n && q->used_from) {
        memmove(q->buf, q->buf + q->used_from, q->used_to - q->used_from);
        for (unsigned i = 0; i < q->count; i++)
            if (!entry(q, i)->ext) entry(q, i)->off -= q->used_from;
        q->used_to -= q->used_from;
        q->used_from = 0;
    }
    return q->cap - q->used_to >= n ? q->buf + q->used_to : NULL;
}

static void push(struct tcp_txq *q, const char *ext, size_t off, size_t len, void *ctx)
{
    *entry(q, q->count++) = (struct tcp_txe){ext, off, len, ctx};
}

static size_t iov_total(const struct iovec *v, int cnt)
{
    size_t n = 0;
    for (int i = 0; i < cnt; i++) n += v[i].iov_len;
    return n;
}

/* Queues a copy of v[] minus its first `skip` bytes; the caller made sure it fits. */
static void queue_copy(struct tcp_txq *q, char *dst, const struct iovec *v, int cnt, size_t skip)
{
    size_t off = (size_t)(dst - q->buf), n = 0;
    for (int i = 0; i < cnt; i++) {
        size_t l = v[i].iov_len;
        const char *b = v[i].iov_base;
        if (skip >= l) {
            skip -= l;
            continue;
        }
        memcpy(dst + n, b + skip, l - skip);
        n += l - skip;
        skip = 0;
    }
    push(q, NULL, off, n, NULL);
    q->used_to += n;
}

static void arm(struct tcp_peer *p)
{
    if (p->state == P_READY) mp_tcp_conn_events(p->conn, (p->eof ? 0 : EPOLLIN) | (p->tx.count ? EPOLLOUT : 0));
}

/* Nothing more goes to a lost peer: its packets are dropped (the loss is reported on its own). */
static int unreachable(int peer)
{
    struct tcp_peer *p = &tcp.peers[peer];
    if (p->state == P_IDLE) mp_tcp_open(peer);
    return p->state == P_LOST;
}

/* v[0] = the frame header for hdr + iov[] + `extra` more bytes, then iov[]. Returns the count. */
static int build(struct mp_tcp_frame *fr, struct iovec *v, const void *hdr, const struct iovec *iov, int iovcnt,
                 size_t extra)
{
    fr->len = iov_total(iov, iovcnt) + extra;
    memcpy(fr->hdr, hdr, MP_TL_HDR_SIZE);
    v[0] = (struct iovec){fr, sizeof *fr};
    memcpy(v + 1, iov, sizeof *iov * (size_t)iovcnt);
    return iovcnt + 1;
}

/* Writes v[] at once when nothing waits before it. Returns 1 when the packet needs nothing more
 * (written whole, or dropped for a lost peer), else 0 with *sent of its bytes written. */
static int write_now(int peer, struct iovec *v, int cnt, size_t total, size_t *sent)
{
    struct tcp_peer *p = &tcp.peers[peer];
    *sent = 0;
    if (MP_LIKELY(p->state == P_READY && !p->tx.count)) {
        ssize_t n = send_iov(p->conn->fd, v, cnt);
        if (MP_LIKELY(n == (ssize_t)total)) return 1;
        if (n < 0) {
            mp_tcp_fail(peer, "sending to rank %d failed: %s", peer, strerror(errno));
            return 1;
        }
        *sent = (size_t)n;
        return 0;
    }
    return unreachable(peer);
}

int mp_tcp_send(int peer, const void *hdr, const struct iovec *iov, int iovcnt)
{
    struct mp_tcp_frame fr;
    struct iovec v[TCP_IOV_MAX];
    int cnt = build(&fr, v, hdr, iov, iovcnt, 0);
    size_t total = sizeof fr + fr.len, sent;
    if (MP_LIKELY(write_now(peer, v, cnt, total, &sent))) return MP_TL_OK;
    struct tcp_peer *p = &tcp.peers[peer];
    struct tcp_txq *q = &p->tx;
    char *dst = q->count < TCP_TXQ_MAX ? copy_room(q, total - sent) : NULL;
    if (!dst) {
        if (sent) MP_WARN("tcp: internal: a partly written packet to rank %d does not fit the queue", peer);
        return MP_TL_AGAIN;
    }
    queue_copy(q, dst, v, cnt, sent);
    arm(p);
    return MP_TL_OK;
}

int mp_tcp_send_stream(int peer, const void *hdr, const struct iovec *iov, int iovcnt, const void *buf, size_t len,
                       void *ctx)
{
    struct mp_tcp_frame fr;
    struct iovec v[TCP_IOV_MAX];
    int cnt = build(&fr, v, hdr, iov, iovcnt, len);
    size_t head = sizeof fr + fr.len - len, sent;
    v[cnt] = (struct iovec){(void *)buf, len};
    if (write_now(peer, v, cnt + 1, head + len, &sent)) return MP_TL_OK;
    struct tcp_peer *p = &tcp.peers[peer];
    struct tcp_txq *q = &p->tx;
    char *dst = q->count + 2 <= TCP_TXQ_MAX ? copy_room(q, head) : NULL;
    if (!dst) {
        if (sent) MP_WARN("tcp: internal: a partly written stream to rank %d does not fit the queue", peer);
        return MP_TL_AGAIN;
    }
    if (sent < head) queue_copy(q, dst, v, cnt, sent);
    size_t skip = sent > head ? sent - head : 0;
    push(q, (const char *)buf + skip, 0, len - skip, ctx);
    arm(p);
    return MP_TL_QUEUED;
}

int mp_tcp_flush(int peer)
{
    struct tcp_peer *p = &tcp.peers[peer];
    struct tcp_txq *q = &p->tx;
    int handed = 0;
    while (q->count && p->state == P_READY) {
        struct iovec v[TCP_IOV_MAX];
        int k = 0;
        size_t offered = 0;
        for (unsigned i = 0; i < q->count && k < TCP_IOV_MAX; i++, k++) {
            struct tcp_txe *e = entry(q, i);
            const char *base = e->ext ? e->ext : q->buf + e->off;
            size_t skip = i ? 0 : q->done;
            v[k] = (struct iovec){(void *)(base + skip), e->len - skip};
            offered += e->len - skip;
        }
        ssize_t n = send_iov(p->conn->fd, v, k);
        if (n < 0) {
            mp_tcp_fail(peer, "sending to rank %d failed: %s", peer, strerror(errno));
            break;
        }
        if (n == 0) break;
        int full = (size_t)n < offered; /* the socket took less: another try now would get EAGAIN */
        size_t left = (size_t)n;
        while (left) {
            struct tcp_txe *e = entry(q, 0);
            size_t rem = e->len - q->done;
            if (left < rem) {
                q->done += left;
                break;
            }
            left -= rem;
            void *ctx = e->ctx;
            q->done = 0;
            if (!e->ext) q->used_from = e->off + e->len;
            q->head = (q->head + 1) % TCP_TXQ_MAX;
            q->count--;
            if (ctx) {
                tcp.up.sent(ctx);
                handed++;
            }
        }
        if (full) break;
    }
    arm(p);
    return handed;
}

void mp_tcp_queue_bye(int peer)
{
    struct tcp_peer *p = &tcp.peers[peer];
    struct mp_tcp_frame fr = {.len = MP_TCP_BYE};
    struct iovec v = {&fr, sizeof fr};
    char *dst = p->tx.count < TCP_TXQ_MAX ? copy_room(&p->tx, sizeof fr) : NULL;
    if (dst) queue_copy(&p->tx, dst, &v, 1, 0);
    arm(p);
}

void mp_tcp_txq_free(struct tcp_txq *q)
{
    free(q->buf);
    memset(q, 0, sizeof *q);
}
