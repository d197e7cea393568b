/* The bootstrap server: job-wide key-value store, fence, abort and finalize notices, spoken over
 * one socket per rank (line protocol in docs/bootstrap.md). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mpprun.h"

#define KVS_BUCKETS 4096

struct kv_entry {
    struct kv_entry *next;
    char *val;
    char key[];
};

struct mpprun_kvs {
    struct kv_entry *bucket[KVS_BUCKETS];
};

static uint32_t hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

struct mpprun_kvs *mpprun_kvs_new(void)
{
    return calloc(1, sizeof(struct mpprun_kvs));
}

void mpprun_kvs_free(struct mpprun_kvs *kvs)
{
    if (!kvs) return;
    for (int i = 0; i < KVS_BUCKETS; i++) {
        for (struct kv_entry *e = kvs->bucket[i], *next; e; e = next) {
            next = e->next;
            free(e->val);
            free(e);
        }
    }
    free(kvs);
}

static struct kv_entry *kvs_find(struct mpprun_kvs *kvs, const char *key)
{
    for (struct kv_entry *e = kvs->bucket[hash(key) % KVS_BUCKETS]; e; e = e->next)
        if (!strcmp(e->key, key)) return e;
    return NULL;
}

static int kvs_put(struct mpprun_kvs *kvs, const char *key, const char *val)
{
    char *v = strdup(val);
    if (!v) return -1;
    struct kv_entry *e = kvs_find(kvs, key);
    if (e) {
        free(e->val);
        e->val = v;
        return 0;
    }
    size_t klen = strlen(key);
    e = malloc(sizeof *e + klen + 1);
    if (!e) {
        free(v);
        return -1;
    }
    memcpy(e->key, key, klen + 1);
    e->val = v;
    struct kv_entry **b = &kvs->bucket[hash(key) % KVS_BUCKETS];
    e->next = *b;
    *b = e;
    return 0;
}

void mpprun_boot_close(struct mpprun_rank *r)
{
    if (r->boot_fd >= 0) close(r->boot_fd);
    r->boot_fd = -1;
    r->boot_open = 0;
    r->boot_len = 0;
}

/* A rank broke the protocol: one line naming it, drop its connection, fail the job. */
static void protocol_error(struct mpprun_job *job, struct mpprun_rank *r, const char *why)
{
    if (r->in_fence) job->fence_count--;
    r->in_fence = 0;
    mpprun_boot_close(r);
    char where[320];
    mpprun_fail(job, 1, "mpprun: rank %d (%s) broke the bootstrap protocol (%s); connection dropped", r->rank,
                mpprun_rank_where(r, where, sizeof where), why);
}

/* Sends a reply without blocking: a rank that does not read its replies is broken. */
static void reply(struct mpprun_job *job, struct mpprun_rank *r, const char *text, size_t len)
{
    if (r->boot_open) {
        mpprun_remote_reply(job, r, text, len);
        return;
    }
    if (r->boot_fd < 0) return;
    ssize_t n;
    do n = send(r->boot_fd, text, len, MSG_DONTWAIT | MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n == (ssize_t)len) return;
    if (n < 0 && (errno == EPIPE || errno == ECONNRESET)) { /* the rank is gone; its exit tells why */
        mpprun_boot_close(r);
        return;
    }
    protocol_error(job, r, "does not read its replies");
}

/* A key or value: 1..max bytes of printable non-space ASCII. Returns its length or 0. */
static size_t token_len(const char *s, size_t max)
{
    size_t n = 0;
    while (s[n] > ' ' && s[n] < 127) {
        if (++n > max) return 0;
    }
    return n;
}

static void fence_arrive(struct mpprun_job *job, struct mpprun_rank *r)
{
    if (r->in_fence) {
        protocol_error(job, r, "FENCE while already in a fence");
        return;
    }
    r->in_fence = 1;
    if (++job->fence_count < job->n) return;
    job->fence_count = 0;
    for (int i = 0; i < job->n; i++) {
        struct mpprun_rank *q = &job->ranks[i];
        if (!q->in_fence) continue;
        q->in_fence = 0;
        reply(job, q, "FENCE_OK\n", 9);
    }
}

/* Serves one line (without its '\n', NUL-terminated, no NUL inside). */
static void serve_line(struct mpprun_job *job, struct mpprun_rank *r, char *line)
{
    size_t kl, vl;
    if (!strncmp(line, "PUT ", 4)) {
        char *key = line + 4;
        if (!(kl = token_len(key, MPPRUN_KEY_MAX)) || key[kl] != ' ') {
            protocol_error(job, r, "bad PUT");
            return;
        }
        char *val = key + kl + 1;
        if (!(vl = token_len(val, MPPRUN_VAL_MAX)) || val[vl] != '\0') {
            protocol_error(job, r, "bad PUT");
            return;
        }
        key[kl] = '\0';
        if (kvs_put(job->kvs, key, val)) {
            protocol_error(job, r, "mpprun out of memory");
            return;
        }
        r->did_put = 1;
    } else if (!strncmp(line, "GET ", 4)) {
        char *key = line + 4;
        if (!(kl = token_len(key, MPPRUN_KEY_MAX)) || key[kl] != '\0') {
            protocol_error(job, r, "bad GET");
            return;
        }
        struct kv_entry *e = kvs_find(job->kvs, key);
        if (!e) {
            reply(job, r, "NONE\n", 5);
            return;
        }
        char out[MPPRUN_VAL_MAX + 8];
        int n = snprintf(out, sizeof out, "VAL %s\n", e->val);
        reply(job, r, out, (size_t)n);
    } else if (!strcmp(line, "FENCE")) {
        fence_arrive(job, r);
    } else if (!strncmp(line, "ABORT ", 6)) {
        char *end;
        errno = 0;
        long code = strtol(line + 6, &end, 10);
        if (end == line + 6 || errno || code < INT_MIN || code > INT_MAX || (*end && *end != ' ')) {
            protocol_error(job, r, "bad ABORT");
            return;
        }
        const char *msg = *end ? end + 1 : "";
        char clean[MPPRUN_BOOT_LINE];
        size_t i = 0;
        for (; msg[i] && i < sizeof clean - 1; i++) clean[i] = isprint((unsigned char)msg[i]) ? msg[i] : '?';
        clean[i] = '\0';
        int ecode = (int)(code & 255);
        char where[320];
        r->aborted = 1;
        mpprun_fail_abort(job, ecode ? ecode : 1, "mpprun: rank %d (%s) aborted the job with code %ld%s%s", r->rank,
                          mpprun_rank_where(r, where, sizeof where), code, *clean ? ": " : "", clean);
    } else if (!strcmp(line, "FINI")) {
        r->did_fini = 1;
    } else {
        protocol_error(job, r, "unknown request");
    }
}

/* Serves every complete line in r->boot_buf and keeps the rest. Returns 0, or -1 when the
 * connection was dropped. */
static int serve_lines(struct mpprun_job *job, struct mpprun_rank *r)
{
    size_t start = 0;
    for (;;) {
        char *nl = memchr(r->boot_buf + start, '\n', r->boot_len - start);
        if (!nl) break;
        *nl = '\0';
        char *line = r->boot_buf + start;
        start = (size_t)(nl - r->boot_buf) + 1;
        if (strlen(line) != (size_t)(nl - line)) {
            protocol_error(job, r, "NUL byte in a line");
            return -1;
        }
        serve_line(job, r, line);
        if (r->boot_fd < 0 && !r->boot_open) return -1;
    }
    memmove(r->boot_buf, r->boot_buf + start, r->boot_len - start);
    r->boot_len -= start;
    if (r->boot_len == sizeof r->boot_buf) {
        protocol_error(job, r, "line longer than 1200 bytes");
        return -1;
    }
    return 0;
}

void mpprun_boot_eof(struct mpprun_job *job, struct mpprun_rank *r, const char *why)
{
    if (why)
        protocol_error(job, r, why);
    else if (r->boot_len) /* the rank closed or died mid-line; its exit status says which */
        protocol_error(job, r, "incomplete last line");
    else
        mpprun_boot_close(r);
}

void mpprun_boot_read(struct mpprun_job *job, struct mpprun_rank *r)
{
    while (r->boot_fd >= 0) {
        ssize_t n = read(r->boot_fd, r->boot_buf + r->boot_len, sizeof r->boot_buf - r->boot_len);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) return;
        if (n <= 0) {
            mpprun_boot_eof(job, r, NULL);
            return;
        }
        r->boot_len += (size_t)n;
        if (serve_lines(job, r) < 0) return;
    }
}

void mpprun_boot_feed(struct mpprun_job *job, struct mpprun_rank *r, const unsigned char *data, size_t len)
{
    while (len > 0 && r->boot_open) {
        size_t n = sizeof r->boot_buf - r->boot_len;
        if (n > len) n = len;
        memcpy(r->boot_buf + r->boot_len, data, n);
        r->boot_len += n;
        data += n;
        len -= n;
        if (serve_lines(job, r) < 0) return;
    }
}
