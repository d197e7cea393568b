/* Process groups: ordered sets of world ranks in a table indexed by the MPI_Group handle. Handle
 * 0 is MPI_GROUP_NULL and 1 MPI_GROUP_EMPTY; every other group is created by a call and released
 * by MPI_Group_free. Groups are immutable once made, so the operations only build new ones. */
#ifndef MP_GROUP_H
#define MP_GROUP_H

#include "core/mp.h"

struct mp_group {
    MPI_Group handle;
    int size;
    int rank;      /* this process's rank in the group, or MPI_UNDEFINED */
    int *world_of; /* group rank -> world rank */
};

/* Returns the descriptor (MPI_GROUP_EMPTY included), or NULL when the handle names no group. */
struct mp_group *mp_group_get(MPI_Group group);

/* Makes a group of `world_of[0..size-1]` (copied; NULL with size > 0 means world ranks 0..size-1)
 * and stores its handle (MPI_GROUP_EMPTY when size is 0). Returns an error class. */
int mp_group_create(int size, const int *world_of, MPI_Group *handle);
int mp_group_free(MPI_Group *group);
void mp_group_finalize(void);

/* The rank of world rank `w` in `g`, or MPI_UNDEFINED. */
int mp_group_rank_of(const struct mp_group *g, int w);

/* MPI_IDENT, MPI_SIMILAR or MPI_UNEQUAL for two rank lists. */
int mp_group_compare(int n1, const int *w1, int n2, const int *w2);

/* Set operations; each returns an error class and the new handle. */
int mp_group_incl(const struct mp_group *g, int n, const int *ranks, MPI_Group *out);
int mp_group_excl(const struct mp_group *g, int n, const int *ranks, MPI_Group *out);
int mp_group_union(const struct mp_group *a, const struct mp_group *b, MPI_Group *out);
int mp_group_intersection(const struct mp_group *a, const struct mp_group *b, MPI_Group *out);
int mp_group_difference(const struct mp_group *a, const struct mp_group *b, MPI_Group *out);

#endif
