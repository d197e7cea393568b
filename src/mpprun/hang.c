/* The hang report (--timeout, MSGPASS_HANG_TIMEOUT) and the last MPI call of each rank after a
 * failure, both read from the ranks' status blocks (core/hang_block.h): by mpprun for the ranks of
 * its host, by the proxies (MPF_HANG frames) for the others. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mpprun.h"

#define REPORT_WAIT 2.0 /* s the report waits for the proxies' answers */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void terminate(char *s, size_t len)
{
    s[len - 1] = '\0';
    for (char *c = s; *c; c++)
        if ((unsigned char)*c < ' ' || (unsigned char)*c >= 127) *c = '?';
}

void mpprun_hang_check(struct mpprun_hang *h)
{
    terminate(h->call, sizeof h->call);
    terminate(h->comm, sizeof h->comm);
    terminate(h->dtype, sizeof h->dtype);
    if (h->nlisted > MP_HANG_PENDING) h->nlisted = MP_HANG_PENDING;
    if (h->npending < h->nlisted) h->npending = h->nlisted;
    if (!(h->since >= 0 && h->since < 1e9)) h->since = 0;
    for (uint32_t i = 0; i < h->nlisted; i++) {
        terminate(h->pending[i].comm, sizeof h->pending[i].comm);
        terminate(h->pending[i].dtype, sizeof h->pending[i].dtype);
    }
}

/* A consistent copy of the block: the snapshot part is retried while the rank rewrites it. */
static int read_block(int fd, struct mp_hang_block *b)
{
    for (int tries = 0; tries < 50; tries++) {
        if (pread(fd, b, sizeof *b, 0) != (ssize_t)sizeof *b) return -1;
        uint32_t gen = b->snap_gen;
        if (gen & 1) {
            usleep(1000);
            continue;
        }
        uint32_t again;
        if (pread(fd, &again, sizeof again, offsetof(struct mp_hang_block, snap_gen)) != (ssize_t)sizeof again)
            return -1;
        if (again == gen) return 0;
    }
    return -1;
}

int mpprun_hang_read(const char *jobid, int rank, struct mpprun_hang *h)
{
    memset(h, 0, sizeof *h);
    h->rank = rank;
    char path[160];
    snprintf(path, sizeof path, "/dev/shm/msgpass-%s-hang-%d", jobid, rank);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return -1;
    struct mp_hang_block *b = malloc(sizeof *b);
    int rc = b ? read_block(fd, b) : -1;
    close(fd);
    if (rc < 0 || b->magic != MP_HANG_MAGIC || b->version != MP_HANG_VERSION || b->rank != rank) {
        free(b);
        return -1;
    }
    h->known = 1;
    h->started = b->started != 0;
    if (b->call >= 1 && b->call <= b->nnames && b->call <= MP_HANG_NAMES)
        memcpy(h->call, b->names[b->call - 1], sizeof h->call);
    double now = now_s();
    double snap = (double)b->snap_ns * 1e-9;
    if (b->snap_seq == b->seq && b->wait_seq == b->seq && b->wait_since_ns > 0 && now - snap < MP_HANG_FRESH_S) {
        h->blocked = 1;
        h->since = now - (double)b->wait_since_ns * 1e-9;
        memcpy(h->comm, b->comm_name, sizeof h->comm);
        if (b->args_seq == b->seq) {
            h->has_args = 1;
            h->peer = b->peer;
            h->tag = b->tag;
            h->count = b->count;
            memcpy(h->dtype, b->dtype_name, sizeof h->dtype);
        }
        h->npending = b->npending;
        h->nlisted = b->npending < MP_HANG_PENDING ? b->npending : MP_HANG_PENDING;
        memcpy(h->pending, b->pending, h->nlisted * sizeof *h->pending);
    }
    free(b);
    mpprun_hang_check(h);
    return 0;
}

static void fmt_peer(char *buf, size_t len, int peer)
{
    if (peer == MP_HANG_ANY_SOURCE)
        snprintf(buf, len, "MPI_ANY_SOURCE");
    else if (peer == MP_HANG_PROC_NULL)
        snprintf(buf, len, "MPI_PROC_NULL");
    else
        snprintf(buf, len, "%d", peer);
}

static void fmt_tag(char *buf, size_t len, int tag)
{
    if (tag == MP_HANG_ANY_TAG)
        snprintf(buf, len, "MPI_ANY_TAG");
    else
        snprintf(buf, len, "%d", tag);
}

static const struct mp_hang_req *waited_req(const struct mpprun_hang *h)
{
    for (uint32_t i = 0; i < h->nlisted; i++)
        if (h->pending[i].waited) return &h->pending[i];
    return NULL;
}

/* "MPI_Recv(source=3, tag=99, count=1 MPI_INT, comm=MPI_COMM_WORLD)": where a blocked rank waits. */
static void describe(const struct mpprun_hang *h, char *buf, size_t len)
{
    const struct mp_hang_req *w = waited_req(h);
    const char *comm = *h->comm ? h->comm : w ? w->comm : "";
    char peer[32], tag[32];
    if (h->has_args) {
        fmt_peer(peer, sizeof peer, h->peer);
        fmt_tag(tag, sizeof tag, h->tag);
        const char *role = w && w->kind == MP_HANG_SEND ? "dest" : w && w->kind == MP_HANG_RECV ? "source" : "peer";
        snprintf(buf, len, "%s(%s=%s, tag=%s, count=%d%s%s, comm=%s)", h->call, role, peer, tag, h->count,
                 *h->dtype ? " " : "", h->dtype, comm);
    } else if (w && w->kind != MP_HANG_COLL && !*h->comm) {
        fmt_peer(peer, sizeof peer, w->peer);
        fmt_tag(tag, sizeof tag, w->tag);
        snprintf(buf, len, "%s(%s request: %s=%s, tag=%s, %llu bytes, comm=%s)", h->call,
                 w->kind == MP_HANG_SEND ? "send" : "receive", w->kind == MP_HANG_SEND ? "dest" : "source", peer, tag,
                 (unsigned long long)w->bytes, w->comm);
    } else if (*comm) {
        snprintf(buf, len, "%s on %s", h->call, comm);
    } else {
        snprintf(buf, len, "%s", h->call);
    }
}

static int tag_matches(int want, int have)
{
    return want == MP_HANG_ANY_TAG || want == have;
}

/* Whether rank `q` lists a request that would match `w` (a blocked send or receive of rank `me`). */
static int has_partner(const struct mpprun_hang *q, int me, const struct mp_hang_req *w)
{
    for (uint32_t i = 0; i < q->nlisted; i++) {
        const struct mp_hang_req *p = &q->pending[i];
        if (p->ctx != w->ctx || p->state != 1) continue;
        if (w->kind == MP_HANG_RECV && p->kind == MP_HANG_SEND && p->world_peer == me && tag_matches(w->tag, p->tag))
            return 1;
        if (w->kind == MP_HANG_SEND && p->kind == MP_HANG_RECV && (p->world_peer == me || p->world_peer < 0) &&
            tag_matches(p->tag, w->tag))
            return 1;
    }
    return 0;
}

/* Why rank r's point-to-point wait does not end, when the other ranks' snapshots say. */
static void diagnose(const struct mpprun_job *job, const struct mpprun_hang *h, char *buf, size_t len)
{
    buf[0] = '\0';
    const struct mp_hang_req *w = waited_req(h);
    if (!w || (w->kind != MP_HANG_SEND && w->kind != MP_HANG_RECV)) return;
    int any = w->world_peer < 0, found = 0, unknown = 0;
    const struct mpprun_hang *peer = NULL;
    for (int i = 0; i < job->n; i++) {
        const struct mpprun_rank *q = &job->ranks[i];
        if (q->rank == h->rank || (!any && q->rank != w->world_peer)) continue;
        if (!q->hang || !q->hang->blocked || q->hang->npending > q->hang->nlisted) {
            unknown = 1;
            continue;
        }
        if (!any) peer = q->hang;
        found |= has_partner(q->hang, h->rank, w);
    }
    const char *what = w->kind == MP_HANG_RECV ? "send" : "receive";
    if (found) {
        snprintf(buf, len, " — a matching %s is posted but not yet matched", what);
    } else if (!unknown && peer) {
        char where[512];
        describe(peer, where, sizeof where);
        snprintf(buf, len, " — no matching %s posted; rank %d waits in %s", what, w->world_peer, where);
    } else if (!unknown) {
        snprintf(buf, len, " — no matching %s posted", what);
    }
}

/* "0-5,7" into buf from the ascending ranks */
static void rank_list(const int *ranks, int n, char *buf, size_t len)
{
    size_t pos = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && pos < len; i++) {
        int j = i;
        while (j + 1 < n && ranks[j + 1] == ranks[j] + 1) j++;
        int w = j > i ? snprintf(buf + pos, len - pos, "%s%d-%d", i ? "," : "", ranks[i], ranks[j])
                      : snprintf(buf + pos, len - pos, "%s%d", i ? "," : "", ranks[i]);
        if (w < 0) break;
        pos += (size_t)w;
        i = j;
    }
}

/* What a rank that is not blocked is doing. */
static void state_of(const struct mpprun_rank *r, char *buf, size_t len)
{
    const struct mpprun_hang *h = r->hang;
    if (!r->alive)
        snprintf(buf, len, "already ended");
    else if (r->in_fence)
        snprintf(buf, len, "MPI_Init (waiting for the other ranks to start)");
    else if (r->did_fini)
        snprintf(buf, len, "finished MPI_Finalize, not exited");
    else if (h && h->known && !h->started)
        snprintf(buf, len, "in MPI_Init (starting the transports)");
    else if (h && h->known && *h->call)
        snprintf(buf, len, "running outside MPI (last call %s)", h->call);
    else if (r->did_put)
        snprintf(buf, len, "running after MPI_Init");
    else
        snprintf(buf, len, "running, not in MPI_Init yet (or not an MPI program)");
}

/* Ranks with equal keys wait in the same place. */
static void rank_key(const struct mpprun_rank *r, char *key, size_t len)
{
    if (r->alive && r->hang && r->hang->blocked)
        describe(r->hang, key, len);
    else
        state_of(r, key, len);
}

struct group {
    char key[512];
    int n;
    int *ranks; /* ascending */
    double lo, hi;
};

static void print_group(const struct mpprun_job *job, const struct group *g)
{
    char list[320], dur[64] = "", why[1024] = "";
    const struct mpprun_rank *first = &job->ranks[g->ranks[0]];
    if (g->n == 1) {
        char where[320];
        snprintf(list, sizeof list, "%d (%s)", first->rank, mpprun_rank_where(first, where, sizeof where));
    } else {
        rank_list(g->ranks, g->n, list, sizeof list);
    }
    if (g->hi > 0 && g->hi - g->lo >= 0.1)
        snprintf(dur, sizeof dur, " for %.1f-%.1f s", g->lo, g->hi);
    else if (g->hi > 0)
        snprintf(dur, sizeof dur, " for %.1f s", g->hi);
    if (g->n == 1 && first->alive && first->hang && first->hang->blocked) diagnose(job, first->hang, why, sizeof why);
    fprintf(stderr, "mpprun:   %s %s: %s%s%s\n", g->n > 1 ? "ranks" : "rank", list, g->key, dur, why);
}

static void print_groups(struct mpprun_job *job)
{
    struct group *g = calloc((size_t)job->n, sizeof *g);
    int *of = malloc((size_t)job->n * sizeof *of); /* each rank's group */
    int *pool = malloc((size_t)job->n * sizeof *pool);
    if (!g || !of || !pool) {
        free(g);
        free(of);
        free(pool);
        return;
    }
    int ng = 0;
    for (int i = 0; i < job->n; i++) {
        const struct mpprun_rank *r = &job->ranks[i];
        char key[512];
        rank_key(r, key, sizeof key);
        int k = 0;
        while (k < ng && strcmp(g[k].key, key)) k++;
        if (k == ng) {
            snprintf(g[k].key, sizeof g[k].key, "%s", key);
            g[k].lo = 1e18;
            ng++;
        }
        of[i] = k;
        g[k].n++;
        double since = r->alive && r->hang && r->hang->blocked ? r->hang->since : -1;
        if (since >= 0 && since < g[k].lo) g[k].lo = since;
        if (since > g[k].hi) g[k].hi = since;
    }
    int off = 0;
    for (int k = 0; k < ng; k++) {
        g[k].ranks = pool + off;
        off += g[k].n;
        g[k].n = 0;
    }
    for (int i = 0; i < job->n; i++) g[of[i]].ranks[g[of[i]].n++] = job->ranks[i].rank;
    /* the largest group first; the others are the odd ones out */
    int big = 0;
    for (int k = 1; k < ng; k++)
        if (g[k].n > g[big].n) big = k;
    print_group(job, &g[big]);
    for (int k = 0; k < ng; k++)
        if (k != big) print_group(job, &g[k]);
    free(pool);
    free(of);
    free(g);
}

static const char *kind_name(int kind)
{
    return kind == MP_HANG_SEND ? "send to" : kind == MP_HANG_RECV ? "receive from" : "collective";
}

static void print_pending(const struct mpprun_job *job)
{
    int header = 0;
    for (int i = 0; i < job->n; i++) {
        const struct mpprun_rank *r = &job->ranks[i];
        const struct mpprun_hang *h = r->hang;
        if (!r->alive || !h || !h->blocked || !h->npending) continue;
        if (!header) fprintf(stderr, "mpprun: pending requests:\n");
        header = 1;
        for (uint32_t k = 0; k < h->nlisted; k++) {
            const struct mp_hang_req *q = &h->pending[k];
            char peer[32] = "", tag[32], count[96] = "";
            if (q->kind != MP_HANG_COLL) fmt_peer(peer, sizeof peer, q->peer);
            fmt_tag(tag, sizeof tag, q->tag);
            if (q->count >= 0) snprintf(count, sizeof count, " (%d %s)", q->count, q->dtype);
            fprintf(stderr, "mpprun:   rank %d: %s%s%s, tag %s, %llu bytes%s, %s, %s%s\n", r->rank, kind_name(q->kind),
                    *peer ? " " : "", peer, tag, (unsigned long long)q->bytes, count, q->comm,
                    q->state == 1 ? "active" : "complete, not yet waited for",
                    q->waited ? ", the call waits for it" : "");
        }
        if (h->npending > h->nlisted)
            fprintf(stderr, "mpprun:   rank %d: ... and %u more\n", r->rank, h->npending - h->nlisted);
    }
}

void mpprun_hang_store(struct mpprun_rank *r, const struct mpprun_hang *h)
{
    if (!r->hang && !(r->hang = malloc(sizeof *r->hang))) return;
    *r->hang = *h;
    r->hang->rank = r->rank;
    mpprun_hang_check(r->hang);
}

void mpprun_hang_local(struct mpprun_job *job, struct mpprun_rank *r)
{
    struct mpprun_hang h;
    if (mpprun_hang_read(job->jobid, r->rank, &h) == 0) mpprun_hang_store(r, &h);
}

void mpprun_timeout(struct mpprun_job *job)
{
    if (job->failed || job->ending || job->report_at > 0) return;
    for (int i = 0; i < job->n; i++) {
        struct mpprun_rank *r = &job->ranks[i];
        if (r->alive && job->hosts[r->host].state == HOST_LOCAL) mpprun_hang_local(job, r);
    }
    job->report_wait = mpprun_remote_query(job);
    job->report_at = mpprun_now() + REPORT_WAIT;
    if (!job->report_wait) mpprun_hang_report(job);
}

void mpprun_hang_report(struct mpprun_job *job)
{
    job->report_wait = 0;
    if (job->failed || job->ending) return;
    fprintf(stderr, "mpprun: --timeout %g s expired; where each rank is:\n", job->timeout);
    print_groups(job);
    print_pending(job);
    mpprun_fail(job, MPPRUN_EXIT_TIMEOUT, "mpprun: job timed out after %g s", job->timeout);
}

static void last_call(const struct mpprun_rank *r, char *buf, size_t len)
{
    int known = r->hang && r->hang->known && *r->hang->call;
    if (r->aborted && known && strcmp(r->hang->call, "MPI_Abort"))
        snprintf(buf, len, "%s (failed there: aborted the job)", r->hang->call); /* fatal error handler */
    else if (r->aborted && known)
        snprintf(buf, len, "MPI_Abort");
    else if (r->aborted) /* no status block (e.g. /dev/shm full): say so rather than guess */
        snprintf(buf, len, "unknown (aborted the job before its status block existed)");
    else if (r->did_fini)
        snprintf(buf, len, "MPI_Finalize (completed)");
    else if (known)
        snprintf(buf, len, "%s", r->hang->call);
    else if (r->did_put)
        snprintf(buf, len, "MPI_Init");
    else
        snprintf(buf, len, "none (did not reach MPI_Init)");
}

void mpprun_last_calls(const struct mpprun_job *job)
{
    int reached = 0;
    for (int i = 0; i < job->n; i++)
        reached |= job->ranks[i].did_put || (job->ranks[i].hang && job->ranks[i].hang->known);
    int *ranks = malloc((size_t)job->n * sizeof *ranks);
    char(*calls)[96] = malloc((size_t)job->n * sizeof *calls);
    char *list = malloc(16 * (size_t)job->n + 16);
    if (!reached || !ranks || !calls || !list) { /* a program that never called MPI has nothing to say */
        free(ranks);
        free(calls);
        free(list);
        return;
    }
    for (int i = 0; i < job->n; i++) last_call(&job->ranks[i], calls[i], sizeof calls[i]);
    for (int i = 0; i < job->n; i++) {
        if (!calls[i][0]) continue;
        int n = 0;
        for (int j = i; j < job->n; j++)
            if (j == i || (calls[j][0] && !strcmp(calls[j], calls[i]))) {
                ranks[n++] = j;
                if (j > i) calls[j][0] = '\0';
            }
        rank_list(ranks, n, list, 16 * (size_t)job->n + 16);
        fprintf(stderr, "  %s %s: last MPI call %s\n", n > 1 ? "ranks" : "rank", list, calls[i]);
    }
    free(ranks);
    free(calls);
    free(list);
}
