#include "core/group.h"

#include <stdlib.h>
#include <string.h>

static struct mp_group empty = {.handle = MPI_GROUP_EMPTY, .size = 0, .rank = MPI_UNDEFINED};

/* Slot i holds handle i; slots 0 (NULL) and 1 (EMPTY) are never used from the table. */
static struct mp_group **table;
static size_t table_cap;

struct mp_group *mp_group_get(MPI_Group group)
{
    if (group == MPI_GROUP_EMPTY) return &empty;
    if (group <= MPI_GROUP_EMPTY || (size_t)group >= table_cap) return NULL;
    return table[group];
}

static int install(struct mp_group *g)
{
    size_t h = MPI_GROUP_EMPTY + 1;
    while (h < table_cap && table[h]) h++;
    if (h >= table_cap) {
        size_t cap = table_cap ? 2 * table_cap : 16;
        struct mp_group **grown = realloc(table, cap * sizeof *grown);
        if (!grown) return MPI_ERR_NO_MEM;
        memset(grown + table_cap, 0, (cap - table_cap) * sizeof *grown);
        table = grown;
        table_cap = cap;
    }
    g->handle = (MPI_Group)h;
    table[h] = g;
    return MPI_SUCCESS;
}

int mp_group_rank_of(const struct mp_group *g, int w)
{
    for (int i = 0; i < g->size; i++)
        if (g->world_of[i] == w) return i;
    return MPI_UNDEFINED;
}

int mp_group_create(int size, const int *world_of, MPI_Group *handle)
{
    if (size == 0) {
        *handle = MPI_GROUP_EMPTY;
        return MPI_SUCCESS;
    }
    struct mp_group *g = malloc(sizeof *g);
    int *w = malloc((size_t)size * sizeof *w);
    if (!g || !w) goto fail;
    for (int i = 0; i < size; i++) w[i] = world_of ? world_of[i] : i;
    g->size = size;
    g->world_of = w;
    g->rank = mp_group_rank_of(g, mp_g.world_rank);
    if (install(g) != MPI_SUCCESS) goto fail;
    *handle = g->handle;
    return MPI_SUCCESS;
fail:
    free(g);
    free(w);
    return MPI_ERR_NO_MEM;
}

int mp_group_free(MPI_Group *group)
{
    struct mp_group *g = mp_group_get(*group);
    if (!g) return MPI_ERR_GROUP;
    if (g != &empty) {
        table[g->handle] = NULL;
        free(g->world_of);
        free(g);
    }
    *group = MPI_GROUP_NULL;
    return MPI_SUCCESS;
}

void mp_group_finalize(void)
{
    for (size_t h = 0; h < table_cap; h++) {
        if (!table[h]) continue;
        free(table[h]->world_of);
        free(table[h]);
    }
    free(table);
    table = NULL;
    table_cap = 0;
}

/* Membership of world ranks as a flag array over 0..max of both lists: the set operations stay
 * linear in the group sizes. */
static unsigned char *members_of(int n, const int *w, int other_n, const int *other_w, int *cap_out)
{
    int cap = 1;
    for (int i = 0; i < n; i++)
        if (w[i] >= cap) cap = w[i] + 1;
    for (int i = 0; i < other_n; i++)
        if (other_w[i] >= cap) cap = other_w[i] + 1;
    unsigned char *in = calloc((size_t)cap, 1);
    if (in)
        for (int i = 0; i < n; i++) in[w[i]] = 1;
    *cap_out = cap;
    return in;
}

int mp_group_compare(int n1, const int *w1, int n2, const int *w2)
{
    if (n1 != n2) return MPI_UNEQUAL;
    if (n1 == 0 || !memcmp(w1, w2, (size_t)n1 * sizeof *w1)) return MPI_IDENT;
    int cap;
    unsigned char *in = members_of(n1, w1, n2, w2, &cap);
    if (!in) return MPI_UNEQUAL;
    int result = MPI_SIMILAR;
    for (int i = 0; i < n2 && result == MPI_SIMILAR; i++)
        if (!in[w2[i]]) result = MPI_UNEQUAL;
    free(in);
    return result;
}

int mp_group_incl(const struct mp_group *g, int n, const int *ranks, MPI_Group *out)
{
    int *w = malloc((size_t)(n ? n : 1) * sizeof *w);
    if (!w) return MPI_ERR_NO_MEM;
    for (int i = 0; i < n; i++) w[i] = g->world_of[ranks[i]];
    int rc = mp_group_create(n, w, out);
    free(w);
    return rc;
}

int mp_group_excl(const struct mp_group *g, int n, const int *ranks, MPI_Group *out)
{
    unsigned char *drop = calloc((size_t)(g->size ? g->size : 1), 1);
    int *w = malloc((size_t)(g->size ? g->size : 1) * sizeof *w);
    int rc = MPI_ERR_NO_MEM;
    if (drop && w) {
        for (int i = 0; i < n; i++) drop[ranks[i]] = 1;
        int m = 0;
        for (int i = 0; i < g->size; i++)
            if (!drop[i]) w[m++] = g->world_of[i];
        rc = mp_group_create(m, w, out);
    }
    free(drop);
    free(w);
    return rc;
}

enum pick { ALL_OF_A_THEN_B, A_IN_B, A_NOT_IN_B };

/* The members of `a` chosen by `pick`, in a's order (for the union followed by b's members
 * not in `a`, in b's order). */
static int combine(const struct mp_group *a, const struct mp_group *b, enum pick pick, MPI_Group *out)
{
    int cap;
    unsigned char *in_b = members_of(b->size, b->world_of, a->size, a->world_of, &cap);
    unsigned char *in_a = calloc((size_t)cap, 1);
    int *w = malloc((size_t)(a->size + b->size + 1) * sizeof *w);
    int rc = MPI_ERR_NO_MEM;
    if (in_b && in_a && w) {
        int m = 0;
        for (int i = 0; i < a->size; i++) {
            int x = a->world_of[i];
            in_a[x] = 1;
            if (pick == ALL_OF_A_THEN_B || (pick == A_IN_B) == (in_b[x] != 0)) w[m++] = x;
        }
        for (int i = 0; pick == ALL_OF_A_THEN_B && i < b->size; i++)
            if (!in_a[b->world_of[i]]) w[m++] = b->world_of[i];
        rc = mp_group_create(m, w, out);
    }
    free(in_b);
    free(in_a);
    free(w);
    return rc;
}

int mp_group_union(const struct mp_group *a, const struct mp_group *b, MPI_Group *out)
{
    return combine(a, b, ALL_OF_A_THEN_B, out);
}

int mp_group_intersection(const struct mp_group *a, const struct mp_group *b, MPI_Group *out)
{
    return combine(a, b, A_IN_B, out);
}

int mp_group_difference(const struct mp_group *a, const struct mp_group *b, MPI_Group *out)
{
    return combine(a, b, A_NOT_IN_B, out);
}
