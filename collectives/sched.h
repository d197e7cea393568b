/* Schedules: a collective algorithm is written once as a list of point-to-point steps (send,
 * receive, local copy, local reduction) cut into rounds. A round's steps start together; the next
 * round starts when every message of the previous one has completed. The blocking calls run a
 * schedule to completion; the nonblocking ones hand it to progress, so the same algorithm code
 * serves both. */
#ifndef MP_COLL_SCHED_H
#define MP_COLL_SCHED_H

#include "collectives/coll_buf.h"
#include "core/comm.h"
#include "core/request.h"

enum mp_step_kind {
    MP_STEP_SEND,
    MP_STEP_RECV,
    MP_STEP_COPY,
    MP_STEP_REDUCE,
    MP_STEP_PACK,
    MP_STEP_UNPACK,
    MP_STEP_CALL,
    MP_STEP_ROUND
};

struct mp_dtype;
struct mp_sched;
/* A step that runs code of the schedule's owner; it may append steps, which run after it.
 * Returns an error class, kept as the schedule's error. */
typedef int mp_sched_fn(struct mp_sched *s, void *arg);

struct mp_step {
    uint8_t kind;
    int peer;
    const void *src; /* send buffer, copy source, reduction's left operand, what is (un)packed */
    void *dst;       /* receive buffer, copy target, reduction's right operand and result */
    size_t n;        /* bytes; elements of the reduction type for MP_STEP_REDUCE */
    union {
        struct mp_dtype *dt; /* MP_STEP_PACK, MP_STEP_UNPACK: the user buffer's type (a reference) */
        mp_sched_fn *fn;     /* MP_STEP_CALL: called with `dst` */
    };
};

#define MP_SCHED_INLINE_STEPS 16
#define MP_SCHED_INLINE_SCRATCH 512
#define MP_SCHED_MAX_CHUNKS 16

struct mp_sched {
    struct mp_comm *comm;
    /* The group the algorithm being built addresses: its size, this process's rank in it and its
     * members' ranks in comm (NULL: the communicator itself). Hierarchical algorithms build flat
     * ones over a node's ranks or over node leaders this way, inside one schedule. */
    int size, rank;
    const int *map;
    int tag;
    int error;              /* first error class met (allocation, a failed message) */
    struct mp_coll_red red; /* the reduction MP_STEP_REDUCE applies */
    struct mp_step *steps;
    int nsteps, cap, pos;
    /* Steps that go after every step of the algorithm, in a round of their own (unpacking the
     * packed results into the user's buffers); appended when the schedule runs. */
    struct mp_step *finale;
    int nfinale, finalecap;
    struct mp_request **reqs; /* messages of the running round still in flight */
    int nreqs, reqcap;
    struct mp_request *req; /* the user's request of a nonblocking collective */
    struct mp_sched *next;  /* free list / list of running nonblocking schedules */
    size_t scratch_used;
    void *chunks[MP_SCHED_MAX_CHUNKS]; /* scratch too large for the inline area */
    int nchunks;
    struct mp_step inline_steps[MP_SCHED_INLINE_STEPS];
    struct mp_step inline_finale[1];
    struct mp_request *inline_reqs[MP_SCHED_INLINE_STEPS];
    _Alignas(16) unsigned char inline_scratch[MP_SCHED_INLINE_SCRATCH];
};

/* An empty schedule for the next collective on `comm` (each call takes the communicator's next
 * tag, so every member must call it for the same collectives in the same order). NULL when out
 * of memory. */
struct mp_sched *mp_sched_new(struct mp_comm *comm);
/* Releases a schedule that was not handed to mp_sched_run or mp_sched_start. */
void mp_sched_free(struct mp_sched *s);

/* Steps added from now on address `map[0..size-1]` (ranks of the communicator, NULL meaning the
 * communicator itself), in which this process is `rank`. Peers are translated as steps are added,
 * so `map` need only live while the schedule is built. */
static inline void mp_sched_group(struct mp_sched *s, const int *map, int size, int rank)
{
    s->map = map;
    s->size = size;
    s->rank = rank;
}

/* Building. Failures are remembered in s->error and reported when the schedule runs, so the
 * algorithms need not check each call. */
void mp_sched_send(struct mp_sched *s, const void *buf, size_t bytes, int peer);
void mp_sched_recv(struct mp_sched *s, void *buf, size_t bytes, int peer);
void mp_sched_copy(struct mp_sched *s, const void *src, void *dst, size_t bytes);
/* dst = src op dst on `count` elements (src holds the lower ranks' contribution). */
void mp_sched_reduce(struct mp_sched *s, const void *src, void *dst, size_t count);
/* Packs `bytes` bytes of the packed stream of elements of `type` at `ubuf` into `packed`. */
void mp_sched_pack(struct mp_sched *s, const void *ubuf, MPI_Datatype type, void *packed, size_t bytes);
/* Unpacks `bytes` packed bytes into elements of `type` at `ubuf` once every other step has run. */
void mp_sched_unpack_last(struct mp_sched *s, const void *packed, MPI_Datatype type, void *ubuf, size_t bytes);
/* Calls fn(s, arg) when the schedule gets there. */
void mp_sched_call(struct mp_sched *s, mp_sched_fn *fn, void *arg);
/* The steps after this wait until every message before it has completed. */
void mp_sched_round(struct mp_sched *s);
/* Temporary memory that lives as long as the schedule (16-byte aligned); NULL when out of memory
 * (s->error is then set). */
void *mp_sched_scratch(struct mp_sched *s, size_t bytes);

/* Runs the schedule to completion, then releases it; returns its error class. */
int mp_sched_run(struct mp_sched *s);
/* Starts the schedule as a nonblocking collective; *req completes when it is done. */
int mp_sched_start(struct mp_sched *s, struct mp_request **req);

#endif
