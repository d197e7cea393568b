#include "core/comm.h"

#include <stdlib.h>
#include <string.h>

#include "collectives/coll.h"
#include "p2p/p2p.h"

/* Slot i holds handle i; 0 is MPI_COMM_NULL, 1 WORLD, 2 SELF; NULL slots above are free. */
static struct mp_comm **table;
static size_t table_cap;

/* Lowest context id this process has not used. Contexts are taken only in calls that are
 * collective over the parent communicator, so the maximum of the members' values is unused by
 * every member (see agree_ctx). WORLD has 0, SELF 2. */
static uint32_t next_ctx = 4;

struct mp_comm *mp_comm_get(MPI_Comm comm)
{
    if (comm <= 0 || (size_t)comm >= table_cap) return NULL;
    return table[comm];
}

/* Puts `c` into slot `h`, or into the lowest free user slot when h is MPI_COMM_NULL. */
static int install(struct mp_comm *c, MPI_Comm h)
{
    if (h == MPI_COMM_NULL) {
        h = MPI_COMM_SELF + 1;
        while ((size_t)h < table_cap && table[h]) h++;
    }
    if ((size_t)h >= table_cap) {
        size_t cap = table_cap ? 2 * table_cap : 16;
        while (cap <= (size_t)h) cap *= 2;
        struct mp_comm **grown = realloc(table, cap * sizeof *grown);
        if (!grown) return MPI_ERR_NO_MEM;
        memset(grown + table_cap, 0, (cap - table_cap) * sizeof *grown);
        table = grown;
        table_cap = cap;
    }
    c->handle = h;
    table[h] = c;
    return MPI_SUCCESS;
}

static struct mp_comm *create_at(MPI_Comm h, uint32_t ctx, int rank, int size, int *world_of)
{
    struct mp_comm *c = calloc(1, sizeof *c);
    if (!c) goto fail;
    c->ctx = ctx;
    c->rank = rank;
    c->size = size;
    c->world_of = world_of;
    c->errhandler = MPI_ERRORS_ARE_FATAL;
    if (mp_p2p_comm_attach(c) != MPI_SUCCESS) goto fail;
    if (install(c, h) != MPI_SUCCESS) {
        mp_p2p_comm_detach(c);
        goto fail;
    }
    return c;
fail:
    free(c);
    free(world_of);
    return NULL;
}

struct mp_comm *mp_comm_create(uint32_t ctx, int rank, int size, int *world_of)
{
    return create_at(MPI_COMM_NULL, ctx, rank, size, world_of);
}

int mp_comm_init(void)
{
    int *self_of = malloc(sizeof *self_of);
    if (!self_of) return MPI_ERR_NO_MEM;
    *self_of = mp_g.world_rank;
    struct mp_comm *world = create_at(MPI_COMM_WORLD, 0, mp_g.world_rank, mp_g.world_size, NULL);
    if (!world) {
        free(self_of);
        return MPI_ERR_NO_MEM;
    }
    struct mp_comm *self = create_at(MPI_COMM_SELF, 2, 0, 1, self_of);
    if (!self) return MPI_ERR_NO_MEM;
    strcpy(world->name, "MPI_COMM_WORLD");
    strcpy(self->name, "MPI_COMM_SELF");
    next_ctx = 4;
    return MPI_SUCCESS;
}

static void destroy(struct mp_comm *c)
{
    table[c->handle] = NULL;
    mp_p2p_comm_detach(c);
    free(c->world_of);
    free(c);
}

void mp_comm_finalize(void)
{
    for (size_t h = 0; h < table_cap; h++)
        if (table[h]) destroy(table[h]);
    free(table);
    table = NULL;
    table_cap = 0;
}

int mp_comm_free(MPI_Comm *comm)
{
    struct mp_comm *c = mp_comm_get(*comm);
    if (!c || *comm == MPI_COMM_WORLD || *comm == MPI_COMM_SELF) return MPI_ERR_COMM;
    destroy(c);
    *comm = MPI_COMM_NULL;
    return MPI_SUCCESS;
}

/* Collective over `parent`: a context id free on every member, so that the new communicator's
 * traffic cannot match any other communicator's at any member. */
static int agree_ctx(struct mp_comm *parent, uint32_t *ctx)
{
    uint32_t mine = next_ctx;
    int rc = mp_allreduce(&mine, ctx, 1, MPI_UINT32_T, MPI_MAX, parent);
    if (rc != MPI_SUCCESS) return rc;
    if (*ctx > UINT32_MAX - 2) return MPI_ERR_INTERN;
    next_ctx = *ctx + 2;
    return MPI_SUCCESS;
}

int mp_comm_dup(struct mp_comm *c, MPI_Comm *newcomm)
{
    uint32_t ctx;
    int rc = agree_ctx(c, &ctx);
    if (rc != MPI_SUCCESS) return rc;
    int *world_of = NULL;
    if (c->world_of) {
        world_of = malloc((size_t)c->size * sizeof *world_of);
        if (!world_of) return MPI_ERR_NO_MEM;
        memcpy(world_of, c->world_of, (size_t)c->size * sizeof *world_of);
    }
    struct mp_comm *n = mp_comm_create(ctx, c->rank, c->size, world_of);
    if (!n) return MPI_ERR_NO_MEM;
    n->errhandler = c->errhandler;
    *newcomm = n->handle;
    return MPI_SUCCESS;
}

struct split_entry {
    int color, key, rank;
};

static int by_key_then_rank(const void *a, const void *b)
{
    const struct split_entry *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return (x->rank > y->rank) - (x->rank < y->rank);
}

int mp_comm_split(struct mp_comm *c, int color, int key, MPI_Comm *newcomm)
{
    /* Every member takes part in the context agreement, MPI_UNDEFINED ones included, so that all
     * of them leave the call with the same next_ctx floor. */
    uint32_t ctx;
    int rc = agree_ctx(c, &ctx);
    if (rc != MPI_SUCCESS) return rc;
    struct split_entry *all = malloc((size_t)c->size * sizeof *all);
    if (!all) return MPI_ERR_NO_MEM;
    struct split_entry me = {color, key, c->rank};
    rc = mp_allgather_bytes(&me, all, sizeof me, c);
    if (rc != MPI_SUCCESS || color == MPI_UNDEFINED) {
        free(all);
        *newcomm = MPI_COMM_NULL;
        return rc;
    }
    int n = 0;
    for (int i = 0; i < c->size; i++)
        if (all[i].color == color) all[n++] = all[i];
    qsort(all, (size_t)n, sizeof *all, by_key_then_rank);

    int *world_of = malloc((size_t)n * sizeof *world_of);
    if (!world_of) {
        free(all);
        return MPI_ERR_NO_MEM;
    }
    int myrank = 0;
    for (int i = 0; i < n; i++) {
        world_of[i] = mp_comm_world_rank(c, all[i].rank);
        if (all[i].rank == c->rank) myrank = i;
    }
    free(all);
    struct mp_comm *nc = mp_comm_create(ctx, myrank, n, world_of);
    if (!nc) return MPI_ERR_NO_MEM;
    nc->errhandler = c->errhandler;
    *newcomm = nc->handle;
    return MPI_SUCCESS;
}
