/* Communicators: a table of descriptors indexed by the MPI_Comm handle. Each communicator owns
 * two matching contexts: ctx for point-to-point and ctx + 1 for collectives, so collective
 * traffic can never match a user's receive. */
#ifndef MP_COMM_H
#define MP_COMM_H

#include "core/mp.h"

struct mp_matchq;

struct mp_comm {
    MPI_Comm handle;
    uint32_t ctx; /* even; ctx + 1 is the collective context */
    int rank;
    int size;
    int *world_of; /* comm rank -> world rank; NULL means the identity (WORLD) */
    MPI_Errhandler errhandler;
    struct mp_matchq *mq;      /* matching queues of ctx */
    struct mp_matchq *mq_coll; /* matching queues of ctx + 1 */
    char name[MPI_MAX_OBJECT_NAME];
};

/* Returns the descriptor, or NULL when the handle names no live communicator. */
struct mp_comm *mp_comm_get(MPI_Comm comm);

static inline int mp_comm_world_rank(const struct mp_comm *c, int rank)
{
    return c->world_of ? c->world_of[rank] : rank;
}

int mp_comm_init(void); /* creates WORLD and SELF */
void mp_comm_finalize(void);
int mp_comm_dup(struct mp_comm *c, MPI_Comm *newcomm);
int mp_comm_split(struct mp_comm *c, int color, int key, MPI_Comm *newcomm);
int mp_comm_free(MPI_Comm *comm);

/* Creates a communicator over `world_of[0..size-1]` (taken over by the communicator) with context
 * `ctx`, in which this process has rank `rank`. */
struct mp_comm *mp_comm_create(uint32_t ctx, int rank, int size, int *world_of);

#endif
