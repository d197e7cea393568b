/* Communicators: a table of descriptors indexed by the MPI_Comm handle. Each communicator owns
 * two matching contexts: ctx for point-to-point and ctx + 1 for collectives, so collective
 * traffic can never match a user's receive. */
#ifndef MP_COMM_H
#define MP_COMM_H

#include "core/mp.h"

struct mp_matchq;
struct mp_topo;
struct mp_node_groups;

struct mp_comm {
    MPI_Comm handle; /* MPI_COMM_NULL for a hidden communicator (an intercommunicator's local one) */
    uint32_t ctx;    /* even; ctx + 1 is the collective context */
    int rank;
    /* The ranks point-to-point addresses: the group of an intracommunicator, the remote group of
     * an intercommunicator (whose own group is local->size / local->world_of). */
    int size;
    int *world_of; /* comm rank -> world rank; NULL means the identity (WORLD) */
    MPI_Errhandler errhandler;
    struct mp_matchq *mq;      /* matching queues of ctx */
    struct mp_matchq *mq_coll; /* matching queues of ctx + 1 */
    char name[MPI_MAX_OBJECT_NAME];
    struct mp_comm *local;        /* intercommunicators only: a hidden intracommunicator over the local group */
    struct mp_topo *topo;         /* Cartesian topology, or NULL */
    MPI_Info info;                /* hints set by the user (a private copy), or MPI_INFO_NULL */
    uint32_t coll_seq;            /* collectives started on this communicator: each takes the next tag */
    struct mp_node_groups *nodes; /* node and leaders groups, for hierarchical collectives */
};

/* Returns the descriptor, or NULL when the handle names no live communicator. */
struct mp_comm *mp_comm_get(MPI_Comm comm);

static inline int mp_comm_world_rank(const struct mp_comm *c, int rank)
{
    return c->world_of ? c->world_of[rank] : rank;
}

static inline int mp_comm_is_inter(const struct mp_comm *c)
{
    return c->local != NULL;
}

/* The communicator's own group (the local group of an intercommunicator). */
static inline int mp_comm_local_size(const struct mp_comm *c)
{
    return c->local ? c->local->size : c->size;
}
static inline int mp_comm_local_world_rank(const struct mp_comm *c, int rank)
{
    return mp_comm_world_rank(c->local ? c->local : c, rank);
}

int mp_comm_init(void); /* creates WORLD and SELF */
void mp_comm_finalize(void);

/* Constructors, collective over `c` (or over the group's members for create_group). Each returns
 * an error class; *newcomm is MPI_COMM_NULL for a process that gets no communicator. The new
 * communicator inherits c's error handler; dup also copies attributes, topology and info. */
int mp_comm_dup(struct mp_comm *c, MPI_Comm *newcomm);
/* MPI_Comm_idup on an intracommunicator: *req completes once the members have agreed on a
 * context, progress having run the agreement; *newcomm is set then. */
struct mp_request;
int mp_comm_idup(struct mp_comm *c, MPI_Comm *newcomm, struct mp_request **req);
int mp_comm_split(struct mp_comm *c, int color, int key, MPI_Comm *newcomm);
int mp_comm_split_shared(struct mp_comm *c, int key, MPI_Comm *newcomm);
/* `world_of[0..n-1]` lists the new communicator's members; `myrank` is this process's index or
 * MPI_UNDEFINED. For create, every member of c calls; for create_group only the listed ones. */
int mp_comm_create(struct mp_comm *c, int n, const int *world_of, int myrank, MPI_Comm *newcomm);
int mp_comm_create_group(struct mp_comm *c, int n, const int *world_of, int myrank, int tag, MPI_Comm *newcomm);
int mp_intercomm_create(struct mp_comm *local, int local_leader, struct mp_comm *peer, int remote_leader, int tag,
                        MPI_Comm *newcomm);
int mp_intercomm_merge(struct mp_comm *inter, int high, MPI_Comm *newcomm);

/* MPI_IDENT, MPI_CONGRUENT, MPI_SIMILAR or MPI_UNEQUAL into *result; an error class. */
int mp_comm_compare(const struct mp_comm *a, const struct mp_comm *b, int *result);

/* Runs the attribute delete callbacks, then releases the communicator; fails (keeping it) when a
 * callback fails. */
int mp_comm_free(MPI_Comm *comm);

/* Wraps `world_of[0..size-1]` (taken over) into a new communicator with context `ctx` in which this
 * process has rank `rank`; installed under a new handle unless `hidden`. */
struct mp_comm *mp_comm_new(uint32_t ctx, int rank, int size, int *world_of, int hidden);

#endif
