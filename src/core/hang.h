/* What this rank is doing, for mpprun's hang report and its last-call line after a failure: every
 * MPI call records its name (and point-to-point arguments) in the rank status block
 * (core/hang_block.h) with a few plain stores; a rank that sleeps in a blocking wait also writes
 * a snapshot of its pending requests there. */
#ifndef MP_HANG_H
#define MP_HANG_H

#include "core/hang_block.h"
#include "core/mp.h"

#define MP_HANG_CACHE 512 /* call-name pointer -> index, direct-mapped */

struct mp_hang_slot {
    const char *name;
    uint32_t id;
};

extern struct mp_hang_block *mp_hang_blk; /* a process-local block until MPI_Init maps the shared one */
extern struct mp_hang_slot mp_hang_cache[MP_HANG_CACHE];

/* Records `call` (a string that lives as long as the program) in the table; returns its index + 1. */
uint32_t mp_hang_register(const char *call);

static inline void mp_hang_enter(const char *call)
{
    struct mp_hang_slot *s = &mp_hang_cache[((uintptr_t)call >> 3) & (MP_HANG_CACHE - 1)];
    mp_hang_blk->call = MP_LIKELY(s->name == call) ? s->id : mp_hang_register(call);
    mp_hang_blk->seq++;
    mp_hang_blk->comm = -1;
}

static inline void mp_hang_comm(MPI_Comm comm)
{
    mp_hang_blk->comm = (int32_t)comm;
}

static inline void mp_hang_args(int peer, int tag, int count, MPI_Datatype type)
{
    struct mp_hang_block *b = mp_hang_blk;
    b->peer = peer;
    b->tag = tag;
    b->count = count;
    b->dtype = (int32_t)type;
    b->args_seq = b->seq;
}

struct mp_request;
/* The blocking call waits for `r` (shown as such in the snapshot). */
void mp_hang_waits_for(const struct mp_request *r);
/* The rank is about to sleep in a blocking wait: stamps the wait, refreshes the snapshot now and
 * then. */
void mp_hang_sleeping(void);

/* Maps this rank's block (MPI_Init, after the bootstrap) when mpprun started the rank. */
void mp_hang_init(int rank, const char *jobid);
/* MPI_Init is done. */
void mp_hang_started(void);
/* MPI_Finalize is done: removes the block (nothing can hang any more). */
void mp_hang_finalize(void);

#endif
