/* Frames and byte queues for the mpprun <-> proxy connection. */
#include "wire.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

uint32_t mpprun_get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void mpprun_put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static int reserve(struct mpprun_wbuf *w, size_t more)
{
    if (w->head > 0 && w->head + w->len + more > w->cap) { /* reuse the consumed front first */
        memmove(w->buf, w->buf + w->head, w->len);
        w->head = 0;
    }
    if (w->len + more <= w->cap) return 0;
    size_t cap = w->cap ? w->cap : 4096;
    while (cap < w->len + more) cap *= 2;
    unsigned char *b = realloc(w->buf, cap);
    if (!b) return -1;
    w->buf = b;
    w->cap = cap;
    return 0;
}

int mpprun_wbuf_put(struct mpprun_wbuf *w, const void *data, size_t len)
{
    if (reserve(w, len) < 0) return -1;
    memcpy(w->buf + w->head + w->len, data, len);
    w->len += len;
    return 0;
}

int mpprun_wbuf_frame(struct mpprun_wbuf *w, int type, int flag, uint32_t rank, const void *p1, size_t l1,
                      const void *p2, size_t l2)
{
    if (l1 + l2 > MPPRUN_FRAME_MAX) return -1;
    unsigned char hdr[MPPRUN_FRAME_HDR] = {0};
    mpprun_put32(hdr, (uint32_t)(l1 + l2));
    hdr[4] = (unsigned char)type;
    hdr[5] = (unsigned char)flag;
    mpprun_put32(hdr + 8, rank);
    if (reserve(w, sizeof hdr + l1 + l2) < 0) return -1;
    mpprun_wbuf_put(w, hdr, sizeof hdr);
    if (l1) mpprun_wbuf_put(w, p1, l1);
    if (l2) mpprun_wbuf_put(w, p2, l2);
    return 0;
}

int mpprun_wbuf_text(struct mpprun_wbuf *w, int type, const char *text)
{
    return mpprun_wbuf_frame(w, type, 0, 0, text, strlen(text), NULL, 0);
}

int mpprun_wbuf_flush(struct mpprun_wbuf *w, int fd)
{
    while (w->len > 0) {
        ssize_t n = write(fd, w->buf + w->head, w->len);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) return 0;
        if (n <= 0) return -1;
        w->head += (size_t)n;
        w->len -= (size_t)n;
    }
    w->head = 0;
    return 0;
}

void mpprun_wbuf_free(struct mpprun_wbuf *w)
{
    free(w->buf);
    memset(w, 0, sizeof *w);
}

int mpprun_rbuf_fill(struct mpprun_rbuf *r, int fd)
{
    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->len);
        r->start = 0;
    }
    if (r->len == sizeof r->buf) return 0; /* a whole frame waits to be taken */
    for (;;) {
        ssize_t n = read(fd, r->buf + r->len, sizeof r->buf - r->len);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) return 0;
        if (n <= 0) return -1;
        r->len += (size_t)n;
        return 1;
    }
}

int mpprun_rbuf_next(struct mpprun_rbuf *r, struct mpprun_frame *f, const char **why)
{
    if (r->len < MPPRUN_FRAME_HDR) return 0;
    const unsigned char *h = r->buf + r->start;
    uint32_t len = mpprun_get32(h);
    if (len > MPPRUN_FRAME_MAX) {
        *why = "frame longer than 64 KiB";
        return -1;
    }
    if (h[6] || h[7]) {
        *why = "reserved header bytes not zero";
        return -1;
    }
    if (r->len < MPPRUN_FRAME_HDR + (size_t)len) return 0;
    f->type = h[4];
    f->flag = h[5];
    f->rank = mpprun_get32(h + 8);
    f->len = len;
    f->data = h + MPPRUN_FRAME_HDR;
    r->start += MPPRUN_FRAME_HDR + len;
    r->len -= MPPRUN_FRAME_HDR + len;
    return 1;
}

int mpprun_frame_text(const struct mpprun_frame *f, char *out, size_t outlen)
{
    if (f->len >= outlen || memchr(f->data, '\0', f->len)) return -1;
    memcpy(out, f->data, f->len);
    out[f->len] = '\0';
    return 0;
}
