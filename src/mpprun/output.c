/* Stdio forwarding: each rank's stdout/stderr to mpprun's own in whole lines, stdin to rank 0.
 *
 * mpprun is single-threaded and writes a batch of complete lines with one writev, so lines of
 * different ranks never mix. A line longer than MPPRUN_OUTBUF goes out in pieces; while one is
 * in flight that stream "owns" the destination and other ranks' lines wait (in their buffers,
 * then in their pipes) until the line ends. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "mpprun.h"

#define IOV_BATCH 512

void mpprun_stream_init(struct mpprun_stream *s, int fd, int dest, int rank, char *buf)
{
    memset(s, 0, sizeof *s);
    s->fd = fd;
    s->dest = dest;
    s->rank = rank;
    s->buf = buf;
    s->cap = MPPRUN_OUTBUF;
}

/* Writes all of iov to dest; gives up quietly on a broken destination. */
static void write_iov(struct mpprun_job *job, int dest, struct iovec *iov, int cnt)
{
    while (cnt > 0 && !job->dest_broken[dest]) {
        ssize_t n = writev(dest, iov, cnt);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) { /* someone made our stdout non-blocking: wait for room */
                struct pollfd p = {.fd = dest, .events = POLLOUT};
                poll(&p, 1, 100);
                continue;
            }
            job->dest_broken[dest] = 1;
            return;
        }
        size_t done = (size_t)n;
        while (cnt > 0 && done >= iov->iov_len) {
            done -= iov->iov_len;
            iov++;
            cnt--;
        }
        if (cnt > 0) {
            iov->iov_base = (char *)iov->iov_base + done;
            iov->iov_len -= done;
        }
    }
}

/* Forwards buf[0..len) of stream s, with "[rank] " before each line start when tagging. */
static void emit(struct mpprun_job *job, struct mpprun_stream *s, const char *buf, size_t len, int add_newline)
{
    struct iovec iov[IOV_BATCH + 1];
    char prefix[24];
    static char newline[] = "\n";
    int plen = snprintf(prefix, sizeof prefix, "[%d] ", s->rank);
    int cnt = 0;
    size_t pos = 0;
    int at_start = !s->midline;
    while (pos < len) {
        if (cnt >= IOV_BATCH - 1) {
            write_iov(job, s->dest, iov, cnt);
            cnt = 0;
        }
        if (job->tag_output && at_start) iov[cnt++] = (struct iovec){.iov_base = prefix, .iov_len = (size_t)plen};
        if (!job->tag_output) { /* no prefixes: one piece */
            iov[cnt++] = (struct iovec){.iov_base = (char *)buf + pos, .iov_len = len - pos};
            pos = len;
            break;
        }
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - buf) + 1 : len;
        iov[cnt++] = (struct iovec){.iov_base = (char *)buf + pos, .iov_len = end - pos};
        pos = end;
        at_start = nl != NULL;
    }
    if (add_newline) iov[cnt++] = (struct iovec){.iov_base = newline, .iov_len = 1};
    if (cnt) write_iov(job, s->dest, iov, cnt);
}

/* Forwards what can go now; returns 1 when it released ownership of its destination. */
static int stream_flush(struct mpprun_job *job, struct mpprun_stream *s)
{
    struct mpprun_stream **owner = &job->owner[s->dest];
    if (*owner && *owner != s) return 0;
    int released = 0;
    if (s->len == 0) {
        if (s->eof && *owner == s) { /* the rank ended mid-line */
            if (job->tag_output) emit(job, s, "", 0, 1);
            s->midline = 0;
            *owner = NULL;
            released = 1;
        }
        return released;
    }
    char *nl = memrchr(s->buf, '\n', s->len);
    if (nl) {
        size_t n = (size_t)(nl - s->buf) + 1;
        emit(job, s, s->buf, n, 0);
        s->midline = 0;
        if (*owner == s) {
            *owner = NULL;
            released = 1;
        }
        memmove(s->buf, s->buf + n, s->len - n);
        s->len -= n;
    }
    if (s->len >= MPPRUN_OUTBUF || (s->eof && s->len > 0)) {
        /* A piece of a line that does not fit, or what was left at EOF. With --tag-output
         * the last piece gets a '\n' so that the next rank's line starts on a line of its own. */
        emit(job, s, s->buf, s->len, s->eof && job->tag_output);
        s->len = 0;
        if (s->eof) {
            s->midline = 0;
            if (*owner == s) {
                *owner = NULL;
                released = 1;
            }
        } else {
            s->midline = 1;
            *owner = s;
        }
    }
    return released;
}

void mpprun_flush_all(struct mpprun_job *job)
{
    int again = 1;
    while (again) {
        again = 0;
        for (int i = 0; i < job->n; i++) {
            again |= stream_flush(job, &job->ranks[i].out);
            again |= stream_flush(job, &job->ranks[i].err);
        }
    }
}

size_t mpprun_stream_read(struct mpprun_job *job, struct mpprun_stream *s)
{
    size_t got = 0;
    while (s->fd >= 0 && s->len < s->cap) {
        ssize_t n = read(s->fd, s->buf + s->len, s->cap - s->len);
        if (n > 0) {
            s->len += (size_t)n;
            got += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) break;
        /* EOF (or an error, treated the same) */
        close(s->fd);
        s->fd = -1;
        s->eof = 1;
    }
    if (stream_flush(job, s)) mpprun_flush_all(job);
    return got;
}

int mpprun_stream_push(struct mpprun_job *job, struct mpprun_stream *s, const void *data, size_t len)
{
    if (s->eof) return 0; /* the proxy said it ended: nothing more belongs to it */
    if (s->len + len > s->cap) {
        size_t cap = s->cap;
        while (cap < s->len + len) cap *= 2;
        char *b = s->own_buf ? realloc(s->buf, cap) : malloc(cap);
        if (!b) return -1;
        if (!s->own_buf) memcpy(b, s->buf, s->len);
        s->buf = b;
        s->cap = cap;
        s->own_buf = 1;
    }
    memcpy(s->buf + s->len, data, len);
    s->len += len;
    if (stream_flush(job, s)) mpprun_flush_all(job);
    return 0;
}

void mpprun_stream_end(struct mpprun_job *job, struct mpprun_stream *s)
{
    s->eof = 1;
    if (stream_flush(job, s)) mpprun_flush_all(job);
}

void mpprun_streams_free(struct mpprun_job *job)
{
    for (int i = 0; i < job->n; i++) {
        struct mpprun_stream *ss[2] = {&job->ranks[i].out, &job->ranks[i].err};
        for (int k = 0; k < 2; k++)
            if (ss[k]->own_buf) free(ss[k]->buf);
    }
}

static void force_eof(struct mpprun_stream *s)
{
    if (s->fd >= 0) close(s->fd);
    s->fd = -1;
    s->eof = 1;
}

void mpprun_drain_all(struct mpprun_job *job)
{
    for (;;) {
        int progress = 0;
        for (int i = 0; i < job->n; i++) {
            struct mpprun_stream *ss[2] = {&job->ranks[i].out, &job->ranks[i].err};
            for (int k = 0; k < 2; k++) {
                struct mpprun_stream *s = ss[k];
                if (s->fd < 0 || s->len >= s->cap) continue;
                if (mpprun_stream_read(job, s) > 0 || s->fd < 0) progress = 1;
            }
        }
        mpprun_flush_all(job);
        if (progress) continue;
        /* Nothing more to read now. A pipe still open is held by a child of a rank that
         * outlived it; if such a stream owns a destination mid-line, end it so the others go on. */
        int forced = 0;
        for (int d = 1; d <= 2; d++) {
            if (job->owner[d] && (job->owner[d]->fd >= 0 || !job->owner[d]->eof)) {
                force_eof(job->owner[d]);
                forced = 1;
            }
        }
        if (!forced) break;
    }
    for (int i = 0; i < job->n; i++) {
        force_eof(&job->ranks[i].out);
        force_eof(&job->ranks[i].err);
    }
    mpprun_flush_all(job);
}

void mpprun_stdin_close(struct mpprun_job *job)
{
    if (job->stdin_pipe >= 0) close(job->stdin_pipe);
    job->stdin_pipe = -1;
    job->stdin_open = 0;
    job->in_len = 0;
}

void mpprun_stdin_read(struct mpprun_job *job)
{
    ssize_t n;
    do n = read(STDIN_FILENO, job->in_buf + job->in_len, MPPRUN_INBUF - job->in_len);
    while (n < 0 && errno == EINTR);
    if (n > 0) {
        if (job->stdin_host >= 0) /* rank 0 is remote: straight on to its proxy */
            mpprun_remote_stdin(job, job->in_buf, (size_t)n);
        else
            job->in_len += (size_t)n;
        return;
    }
    if (n < 0 && errno == EAGAIN) return;
    job->stdin_open = 0; /* EOF or error: rank 0 sees EOF once the buffer is written */
    if (job->stdin_host >= 0)
        mpprun_remote_stdin(job, NULL, 0);
    else if (job->in_len == 0)
        mpprun_stdin_close(job);
}

void mpprun_stdin_write(struct mpprun_job *job)
{
    while (job->in_len > 0) {
        ssize_t n = write(job->stdin_pipe, job->in_buf, job->in_len);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) return;
        if (n < 0) { /* EPIPE: rank 0 closed its stdin or ended; stop forwarding */
            mpprun_stdin_close(job);
            return;
        }
        memmove(job->in_buf, job->in_buf + n, job->in_len - (size_t)n);
        job->in_len -= (size_t)n;
    }
    if (!job->stdin_open) mpprun_stdin_close(job);
}
