#include "collectives/sched.h"

#include <stdlib.h>
#include <string.h>

#include "collectives/coll.h"
#include "core/datatype.h"
#include "p2p/idle.h"
#include "p2p/p2p.h"

/* Schedules are recycled, step arrays and all, so a warm collective does not call malloc. */
static struct mp_sched *free_scheds;
/* Nonblocking schedules in flight, advanced by mp_coll_progress. */
static struct mp_sched *running;

/* Each collective on a communicator gets the next tag of that communicator, so messages of
 * several collectives in flight at once (nonblocking ones) never match each other. Tags from 2^30
 * up in the collective context belong to communicator creation (src/core/comm.c). */
#define COLL_TAG_MASK ((1u << 30) - 1)

static int next_tag(struct mp_comm *comm)
{
    return (int)(comm->coll_seq++ & COLL_TAG_MASK);
}

struct mp_sched *mp_sched_new(struct mp_comm *comm)
{
    int tag = next_tag(comm);
    struct mp_sched *s = free_scheds;
    if (s) {
        free_scheds = s->next;
    } else {
        s = malloc(sizeof *s);
        if (!s) return NULL;
        s->steps = s->inline_steps;
        s->cap = MP_SCHED_INLINE_STEPS;
        s->reqs = s->inline_reqs;
        s->reqcap = MP_SCHED_INLINE_STEPS;
        s->finale = s->inline_finale;
        s->finalecap = 1;
    }
    s->comm = comm;
    mp_sched_group(s, NULL, comm->size, comm->rank);
    s->tag = tag;
    s->error = MPI_SUCCESS;
    s->red = (struct mp_coll_red){.commutative = 1};
    s->nsteps = s->pos = s->nreqs = s->nfinale = 0;
    s->req = NULL;
    s->next = NULL;
    s->scratch_used = 0;
    s->nchunks = 0;
    return s;
}

static void release_types(struct mp_step *steps, int n)
{
    for (int i = 0; i < n; i++)
        if (steps[i].kind == MP_STEP_PACK || steps[i].kind == MP_STEP_UNPACK) mp_dtype_release(steps[i].dt);
}

void mp_sched_free(struct mp_sched *s)
{
    release_types(s->steps, s->nsteps);
    release_types(s->finale, s->nfinale);
    mp_coll_red_fini(&s->red);
    for (int i = 0; i < s->nchunks; i++) free(s->chunks[i]);
    s->next = free_scheds;
    free_scheds = s;
}

static int grow(void **arr, int *cap, void *inline_arr, size_t elem)
{
    int n = *cap * 2;
    void *t = *arr == inline_arr ? malloc((size_t)n * elem) : realloc(*arr, (size_t)n * elem);
    if (!t) return -1;
    if (*arr == inline_arr) memcpy(t, inline_arr, (size_t)*cap * elem);
    *arr = t;
    *cap = n;
    return 0;
}

static int add_step(struct mp_sched *s, struct mp_step st)
{
    if (MP_UNLIKELY(s->nsteps == s->cap) && grow((void **)&s->steps, &s->cap, s->inline_steps, sizeof *s->steps) != 0) {
        s->error = MPI_ERR_NO_MEM;
        return -1;
    }
    s->steps[s->nsteps++] = st;
    return 0;
}

static void add(struct mp_sched *s, uint8_t kind, int peer, const void *src, void *dst, size_t n)
{
    add_step(s, (struct mp_step){.kind = kind, .peer = peer, .src = src, .dst = dst, .n = n});
}

void mp_sched_send(struct mp_sched *s, const void *buf, size_t bytes, int peer)
{
    add(s, MP_STEP_SEND, s->map ? s->map[peer] : peer, buf, NULL, bytes);
}

void mp_sched_recv(struct mp_sched *s, void *buf, size_t bytes, int peer)
{
    add(s, MP_STEP_RECV, s->map ? s->map[peer] : peer, NULL, buf, bytes);
}

void mp_sched_copy(struct mp_sched *s, const void *src, void *dst, size_t bytes)
{
    if (bytes && src != dst) add(s, MP_STEP_COPY, 0, src, dst, bytes);
}

void mp_sched_reduce(struct mp_sched *s, const void *src, void *dst, size_t count)
{
    if (count) add(s, MP_STEP_REDUCE, 0, src, dst, count);
}

/* A pack or unpack step holds a reference to the type, so MPI_Type_free during a nonblocking
 * collective leaves it usable. */
static struct mp_step convert_step(uint8_t kind, const void *src, void *dst, size_t n, MPI_Datatype type)
{
    return (struct mp_step){.kind = kind, .src = src, .dst = dst, .n = n, .dt = mp_dtype_retain(type)};
}

void mp_sched_pack(struct mp_sched *s, const void *ubuf, MPI_Datatype type, void *packed, size_t bytes)
{
    if (!bytes) return;
    struct mp_step st = convert_step(MP_STEP_PACK, ubuf, packed, bytes, type);
    if (add_step(s, st) != 0) mp_dtype_release(st.dt);
}

void mp_sched_unpack_last(struct mp_sched *s, const void *packed, MPI_Datatype type, void *ubuf, size_t bytes)
{
    if (!bytes) return;
    struct mp_step st = convert_step(MP_STEP_UNPACK, packed, ubuf, bytes, type);
    if (MP_UNLIKELY(s->nfinale == s->finalecap) &&
        grow((void **)&s->finale, &s->finalecap, s->inline_finale, sizeof *s->finale) != 0) {
        s->error = MPI_ERR_NO_MEM;
        mp_dtype_release(st.dt);
        return;
    }
    s->finale[s->nfinale++] = st;
}

void mp_sched_call(struct mp_sched *s, mp_sched_fn *fn, void *arg)
{
    add_step(s, (struct mp_step){.kind = MP_STEP_CALL, .dst = arg, .fn = fn});
}

void mp_sched_round(struct mp_sched *s)
{
    if (s->nsteps > 0 && s->steps[s->nsteps - 1].kind != MP_STEP_ROUND) add(s, MP_STEP_ROUND, 0, NULL, NULL, 0);
}

void *mp_sched_scratch(struct mp_sched *s, size_t bytes)
{
    bytes = (bytes + 15) & ~(size_t)15;
    if (bytes <= MP_SCHED_INLINE_SCRATCH - s->scratch_used) {
        void *p = s->inline_scratch + s->scratch_used;
        s->scratch_used += bytes;
        return p;
    }
    void *p = s->nchunks < MP_SCHED_MAX_CHUNKS ? malloc(bytes) : NULL;
    if (!p) {
        s->error = MPI_ERR_NO_MEM;
        return NULL;
    }
    s->chunks[s->nchunks++] = p;
    return p;
}

static void post(struct mp_sched *s, const struct mp_step *st)
{
    struct mp_request *r;
    int rc;
    if (st->kind == MP_STEP_SEND) {
        if (mp_send_now(st->src, st->n, st->peer, s->tag, s->comm, MP_COLL)) return;
        rc = mp_isend(st->src, st->n, st->peer, s->tag, s->comm, MP_COLL, MP_SEND_STD, &r);
    } else {
        rc = mp_irecv(st->dst, st->n, st->peer, s->tag, s->comm, MP_COLL, &r);
    }
    if (MP_UNLIKELY(rc != MPI_SUCCESS)) {
        s->error = rc;
        return;
    }
    if (MP_UNLIKELY(s->nreqs == s->reqcap) &&
        grow((void **)&s->reqs, &s->reqcap, s->inline_reqs, sizeof *s->reqs) != 0) {
        /* Nowhere to keep it: wait for it here rather than lose track of it. */
        int e = mp_wait(r, MPI_STATUS_IGNORE);
        if (e != MPI_SUCCESS) s->error = e;
        return;
    }
    s->reqs[s->nreqs++] = r;
}

/* Moves the schedule as far as it goes without waiting; returns 1 when it is complete. */
static int advance(struct mp_sched *s)
{
    for (;;) {
        int k = 0;
        for (int i = 0; i < s->nreqs; i++) {
            struct mp_request *r = s->reqs[i];
            if (r->state != MP_RS_DONE) {
                s->reqs[k++] = r;
                continue;
            }
            int e = mp_req_finish(r, MPI_STATUS_IGNORE);
            if (MP_UNLIKELY(e != MPI_SUCCESS) && s->error == MPI_SUCCESS) s->error = e;
        }
        s->nreqs = k;
        if (k > 0) return 0;
        if (s->pos == s->nsteps) return 1;
        for (; s->pos < s->nsteps; s->pos++) {
            const struct mp_step *st = &s->steps[s->pos];
            if (st->kind == MP_STEP_ROUND) {
                s->pos++;
                break;
            }
            switch (st->kind) {
            case MP_STEP_SEND:
            case MP_STEP_RECV: post(s, st); break;
            case MP_STEP_COPY: memcpy(st->dst, st->src, st->n); break;
            case MP_STEP_PACK: mp_dtype_pack(st->dt, st->src, 0, st->dst, st->n); break;
            case MP_STEP_UNPACK: mp_dtype_unpack(st->dt, st->dst, 0, st->src, st->n); break;
            case MP_STEP_CALL: {
                /* It may append steps, moving the array. */
                int e = st->fn(s, st->dst);
                if (e != MPI_SUCCESS && s->error == MPI_SUCCESS) s->error = e;
                break;
            }
            default: mp_coll_red_apply(&s->red, st->src, st->dst, st->n); break;
            }
        }
    }
}

static void release(struct mp_sched *s)
{
    mp_sched_free(s);
    if (s->steps != s->inline_steps && s->cap > 1024) {
        free(s->steps);
        s->steps = s->inline_steps;
        s->cap = MP_SCHED_INLINE_STEPS;
    }
    if (s->finale != s->inline_finale && s->finalecap > 1024) {
        free(s->finale);
        s->finale = s->inline_finale;
        s->finalecap = 1;
    }
}

/* Moves the finale to the end of the steps, behind a round. */
static void close_steps(struct mp_sched *s)
{
    if (!s->nfinale) return;
    mp_sched_round(s);
    int i = 0;
    while (i < s->nfinale && add_step(s, s->finale[i]) == 0) i++;
    /* What did not fit keeps its references in the finale, released with it. */
    memmove(s->finale, s->finale + i, (size_t)(s->nfinale - i) * sizeof *s->finale);
    s->nfinale -= i;
}

int mp_sched_run(struct mp_sched *s)
{
    close_steps(s);
    if (MP_UNLIKELY(s->error != MPI_SUCCESS)) {
        int e = s->error;
        release(s);
        return e;
    }
    struct mp_idle idle;
    mp_idle_reset(&idle);
    while (!advance(s)) {
        if (mp_progress())
            mp_idle_reset(&idle);
        else
            mp_idle_wait(&idle);
    }
    int e = s->error;
    release(s);
    return e;
}

int mp_sched_start(struct mp_sched *s, struct mp_request **req)
{
    close_steps(s);
    if (MP_UNLIKELY(s->error != MPI_SUCCESS)) {
        int e = s->error;
        release(s);
        return e;
    }
    struct mp_request *r = mp_req_alloc();
    if (!r) {
        release(s);
        return MPI_ERR_NO_MEM;
    }
    r->kind = MP_REQ_COLL;
    r->state = MP_RS_ACTIVE;
    r->comm = s->comm;
    r->peer = MPI_PROC_NULL;
    r->st_source = MPI_ANY_SOURCE;
    r->st_tag = MPI_ANY_TAG;
    s->req = r;
    *req = r;
    if (advance(s)) {
        r->st_error = s->error;
        r->state = MP_RS_DONE;
        release(s);
        return MPI_SUCCESS;
    }
    s->next = running;
    running = s;
    /* From now on every progress pass (any wait, blocking point-to-point included) advances it. */
    mp_progress_set_hook(mp_coll_progress);
    return MPI_SUCCESS;
}

int mp_coll_progress(void)
{
    int events = 0;
    struct mp_sched **link = &running;
    while (*link) {
        struct mp_sched *s = *link;
        int pos = s->pos, nreqs = s->nreqs;
        if (!advance(s)) {
            events += s->pos != pos || s->nreqs != nreqs;
            link = &s->next;
            continue;
        }
        events++;
        *link = s->next;
        struct mp_request *r = s->req;
        r->st_error = s->error;
        r->state = MP_RS_DONE;
        release(s);
        if (r->user_freed) mp_req_release(r);
    }
    return events;
}
