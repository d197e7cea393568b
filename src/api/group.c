/* MPI bindings: process groups. */
#include <stdlib.h>

#include "api/comm_args.h"

MP_WEAK_ALIAS(Comm_group)
int PMPI_Comm_group(MPI_Comm comm, MPI_Group *group)
{
    MP_CHECK_INIT("MPI_Comm_group");
    MP_GET_COMM(c, comm, "MPI_Comm_group");
    MP_CHECK_PTR(c, group, "MPI_Comm_group");
    const struct mp_comm *own = c->local ? c->local : c;
    int *w = malloc((size_t)own->size * sizeof *w);
    if (!w) return mp_error(c, MPI_ERR_NO_MEM, "MPI_Comm_group", "no memory for the group");
    for (int i = 0; i < own->size; i++) w[i] = mp_comm_world_rank(own, i);
    int rc = mp_group_create(own->size, w, group);
    free(w);
    MP_CHECK_RC(c, rc, "MPI_Comm_group");
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Group_size)
int PMPI_Group_size(MPI_Group group, int *size)
{
    MP_CHECK_INIT("MPI_Group_size");
    MP_GET_GROUP(g, group, "MPI_Group_size");
    MP_CHECK_PTR(NULL, size, "MPI_Group_size");
    *size = g->size;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Group_rank)
int PMPI_Group_rank(MPI_Group group, int *rank)
{
    MP_CHECK_INIT("MPI_Group_rank");
    MP_GET_GROUP(g, group, "MPI_Group_rank");
    MP_CHECK_PTR(NULL, rank, "MPI_Group_rank");
    *rank = g->rank;
    return MPI_SUCCESS;
}

/* Freeing MPI_GROUP_EMPTY only drops the caller's handle, as for the predefined error handlers. */
MP_WEAK_ALIAS(Group_free)
int PMPI_Group_free(MPI_Group *group)
{
    MP_CHECK_INIT("MPI_Group_free");
    MP_CHECK_PTR(NULL, group, "MPI_Group_free");
    MP_GET_GROUP(g, *group, "MPI_Group_free");
    (void)g;
    return mp_group_free(group);
}

/* Checks ranks[0..n-1]: each a rank of g, none twice. */
static int check_ranks(const char *call, const struct mp_group *g, int n, const int *ranks)
{
    if (n < 0 || n > g->size)
        return mp_error(NULL, MPI_ERR_ARG, call, "n %d is not in 0..%d, the group's size (argument n)", n, g->size);
    if (n > 0 && !ranks) return mp_error(NULL, MPI_ERR_ARG, call, "NULL pointer with n %d (argument ranks)", n);
    unsigned char *seen = calloc((size_t)g->size + 1, 1);
    if (!seen) return mp_error(NULL, MPI_ERR_NO_MEM, call, "no memory to check the ranks");
    for (int i = 0; i < n; i++) {
        int r = ranks[i];
        if (r < 0 || r >= g->size || seen[r]) {
            free(seen);
            return mp_error(NULL, MPI_ERR_RANK, call, "ranks[%d] = %d is %s (argument ranks)", i, r,
                            r < 0 || r >= g->size ? "not a rank of the group" : "listed twice");
        }
        seen[r] = 1;
    }
    free(seen);
    return MPI_SUCCESS;
}

typedef int set_fn(const struct mp_group *g, int n, const int *ranks, MPI_Group *out);

static int incl_excl(const char *call, set_fn *fn, MPI_Group group, int n, const int *ranks, MPI_Group *newgroup)
{
    MP_CHECK_INIT(call);
    MP_GET_GROUP(g, group, call);
    MP_CHECK_PTR(NULL, newgroup, call);
    int rc = check_ranks(call, g, n, ranks);
    if (rc != MPI_SUCCESS) return rc;
    MP_CHECK_RC(NULL, fn(g, n, ranks, newgroup), call);
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Group_incl)
int PMPI_Group_incl(MPI_Group group, int n, const int ranks[], MPI_Group *newgroup)
{
    return incl_excl("MPI_Group_incl", mp_group_incl, group, n, ranks, newgroup);
}

MP_WEAK_ALIAS(Group_excl)
int PMPI_Group_excl(MPI_Group group, int n, const int ranks[], MPI_Group *newgroup)
{
    return incl_excl("MPI_Group_excl", mp_group_excl, group, n, ranks, newgroup);
}

/* Expands the (first, last, stride) triplets into a rank list, checking each triplet. */
static int expand_ranges(const char *call, const struct mp_group *g, int n, int ranges[][3], int **out, int *count)
{
    if (n < 0) return mp_error(NULL, MPI_ERR_ARG, call, "negative n %d (argument n)", n);
    if (n > 0 && !ranges) return mp_error(NULL, MPI_ERR_ARG, call, "NULL pointer with n %d (argument ranges)", n);
    long total = 0;
    for (int i = 0; i < n; i++) {
        int first = ranges[i][0], last = ranges[i][1], stride = ranges[i][2];
        if (stride == 0) return mp_error(NULL, MPI_ERR_ARG, call, "ranges[%d] has stride 0 (argument ranges)", i);
        if (first < 0 || first >= g->size || last < 0 || last >= g->size)
            return mp_error(NULL, MPI_ERR_RANK, call,
                            "ranges[%d] = (%d, %d, %d) leaves the group's ranks 0..%d (argument ranges)", i, first,
                            last, stride, g->size - 1);
        if ((stride > 0 && first > last) || (stride < 0 && first < last)) continue;
        total += (last - first) / stride + 1;
        if (total > g->size)
            return mp_error(NULL, MPI_ERR_RANK, call,
                            "the ranges name more ranks than the group has (argument ranges)");
    }
    int *r = malloc((size_t)(total ? total : 1) * sizeof *r);
    if (!r) return mp_error(NULL, MPI_ERR_NO_MEM, call, "no memory for the ranks");
    int k = 0;
    for (int i = 0; i < n; i++) {
        int first = ranges[i][0], last = ranges[i][1], stride = ranges[i][2];
        for (int x = first; stride > 0 ? x <= last : x >= last; x += stride) r[k++] = x;
    }
    *out = r;
    *count = k;
    return MPI_SUCCESS;
}

static int range_incl_excl(const char *call, set_fn *fn, MPI_Group group, int n, int ranges[][3], MPI_Group *newgroup)
{
    MP_CHECK_INIT(call);
    MP_GET_GROUP(g, group, call);
    MP_CHECK_PTR(NULL, newgroup, call);
    int *ranks = NULL, count = 0;
    int rc = expand_ranges(call, g, n, ranges, &ranks, &count);
    if (rc != MPI_SUCCESS) return rc;
    rc = check_ranks(call, g, count, ranks);
    if (rc == MPI_SUCCESS && (rc = fn(g, count, ranks, newgroup)) != MPI_SUCCESS)
        rc = mp_error(NULL, rc, call, "could not complete the call");
    free(ranks);
    return rc;
}

MP_WEAK_ALIAS(Group_range_incl)
int PMPI_Group_range_incl(MPI_Group group, int n, int ranges[][3], MPI_Group *newgroup)
{
    return range_incl_excl("MPI_Group_range_incl", mp_group_incl, group, n, ranges, newgroup);
}

MP_WEAK_ALIAS(Group_range_excl)
int PMPI_Group_range_excl(MPI_Group group, int n, int ranges[][3], MPI_Group *newgroup)
{
    return range_incl_excl("MPI_Group_range_excl", mp_group_excl, group, n, ranges, newgroup);
}

typedef int pair_fn(const struct mp_group *a, const struct mp_group *b, MPI_Group *out);

static int pair_op(const char *call, pair_fn *fn, MPI_Group group1, MPI_Group group2, MPI_Group *newgroup)
{
    MP_CHECK_INIT(call);
    MP_GET_GROUP(a, group1, call);
    MP_GET_GROUP(b, group2, call);
    MP_CHECK_PTR(NULL, newgroup, call);
    MP_CHECK_RC(NULL, fn(a, b, newgroup), call);
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Group_union)
int PMPI_Group_union(MPI_Group group1, MPI_Group group2, MPI_Group *newgroup)
{
    return pair_op("MPI_Group_union", mp_group_union, group1, group2, newgroup);
}

MP_WEAK_ALIAS(Group_intersection)
int PMPI_Group_intersection(MPI_Group group1, MPI_Group group2, MPI_Group *newgroup)
{
    return pair_op("MPI_Group_intersection", mp_group_intersection, group1, group2, newgroup);
}

MP_WEAK_ALIAS(Group_difference)
int PMPI_Group_difference(MPI_Group group1, MPI_Group group2, MPI_Group *newgroup)
{
    return pair_op("MPI_Group_difference", mp_group_difference, group1, group2, newgroup);
}

MP_WEAK_ALIAS(Group_translate_ranks)
int PMPI_Group_translate_ranks(MPI_Group group1, int n, const int ranks1[], MPI_Group group2, int ranks2[])
{
    const char *call = "MPI_Group_translate_ranks";
    MP_CHECK_INIT(call);
    MP_GET_GROUP(a, group1, call);
    MP_GET_GROUP(b, group2, call);
    if (n < 0) return mp_error(NULL, MPI_ERR_ARG, call, "negative n %d (argument n)", n);
    if (n > 0) {
        MP_CHECK_PTR(NULL, ranks1, call);
        MP_CHECK_PTR(NULL, ranks2, call);
    }
    for (int i = 0; i < n; i++)
        if ((ranks1[i] < 0 || ranks1[i] >= a->size) && ranks1[i] != MPI_PROC_NULL)
            return mp_error(NULL, MPI_ERR_RANK, call,
                            "ranks1[%d] = %d is not a rank of group1 of size %d (argument ranks1)", i, ranks1[i],
                            a->size);
    for (int i = 0; i < n; i++)
        ranks2[i] = ranks1[i] == MPI_PROC_NULL ? MPI_PROC_NULL : mp_group_rank_of(b, a->world_of[ranks1[i]]);
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Group_compare)
int PMPI_Group_compare(MPI_Group group1, MPI_Group group2, int *result)
{
    MP_CHECK_INIT("MPI_Group_compare");
    MP_GET_GROUP(a, group1, "MPI_Group_compare");
    MP_GET_GROUP(b, group2, "MPI_Group_compare");
    MP_CHECK_PTR(NULL, result, "MPI_Group_compare");
    *result = mp_group_compare(a->size, a->world_of, b->size, b->world_of);
    return MPI_SUCCESS;
}
