/* Fuzz target: mpprun's bootstrap server (src/mpprun/kvs.c) reading what a rank — or, through a
 * proxy, anything on the network that got past the handshake — writes: PUT / GET / FENCE / ABORT /
 * FINI lines in pieces of fuzzed sizes, for two ranks. Every reply must be one well-formed line,
 * a broken line must drop the rank with a reason, and nothing may be read or written out of
 * bounds. The launcher functions kvs.c reports to are stand-ins here. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpprun/mpprun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int failures;

void mpprun_fail(struct mpprun_job *job, int code, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!strstr(msg, "broke the bootstrap protocol (") || code != 1) abort();
    job->failed = 1;
    failures++;
}

void mpprun_fail_abort(struct mpprun_job *job, int code, const char *fmt, ...)
{
    (void)fmt;
    if (code < 1 || code > 255) abort();
    job->failed = 1;
}

const char *mpprun_rank_where(const struct mpprun_rank *r, char *buf, size_t len)
{
    snprintf(buf, len, "rank %d", r->rank);
    return buf;
}

/* Replies of a remote rank go through its proxy: checked here instead. */
void mpprun_remote_reply(struct mpprun_job *job, struct mpprun_rank *r, const char *text, size_t len)
{
    (void)job;
    (void)r;
    if (len < 5 || len > MPPRUN_BOOT_LINE || text[len - 1] != '\n' || memchr(text, '\n', len - 1)) abort();
    if (strncmp(text, "VAL ", 4) && strncmp(text, "NONE\n", 5) && strncmp(text, "FENCE_OK\n", 9)) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct mpprun_rank ranks[2];
    struct mpprun_job job = {.n = 2, .size = 2, .ranks = ranks};
    job.kvs = mpprun_kvs_new();
    if (!job.kvs) return 0;
    for (int i = 0; i < 2; i++) {
        memset(&ranks[i], 0, sizeof ranks[i]);
        ranks[i].rank = i;
        ranks[i].boot_fd = -1;
        ranks[i].boot_open = 1;
    }
    failures = 0;
    size_t at = 0;
    while (at < size) {
        /* a piece for one rank: first byte picks the rank (low bit) and the length */
        struct mpprun_rank *r = &ranks[data[at] & 1];
        size_t piece = 1 + (data[at] >> 1) * 11u;
        at++;
        if (piece > size - at) piece = size - at;
        int was_open = r->boot_open;
        mpprun_boot_feed(&job, r, data + at, piece);
        if (r->boot_len > sizeof r->boot_buf) abort();
        if (was_open && !r->boot_open && !job.failed) abort(); /* dropped without a reason */
        at += piece;
    }
    for (int i = 0; i < 2; i++)
        if (ranks[i].boot_open) mpprun_boot_eof(&job, &ranks[i], NULL);
    if (job.fence_count < 0 || job.fence_count > 2) abort();
    mpprun_kvs_free(job.kvs);
    return 0;
}
