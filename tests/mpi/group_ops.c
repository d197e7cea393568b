/* group_ops: Comm_group, Group_size/rank, incl/excl, range_incl/range_excl (positive and
 * negative strides), union/intersection/difference (order of members checked), translate_ranks
 * (MPI_PROC_NULL and MPI_UNDEFINED), compare (IDENT/SIMILAR/UNEQUAL), MPI_GROUP_EMPTY results
 * and MPI_Group_free. Every rank checks every group against a list computed here from world
 * ranks. Any rank count >= 1. */
#include "check.h"

/* Checks that g has exactly the world ranks want[0..n-1] in that order, and this rank's rank. */
static void check_group(MPI_Group g, const int *want, int n, const char *what)
{
    MPI_Group world;
    MPI_OK(MPI_Comm_group(MPI_COMM_WORLD, &world));
    int size = -1, rank = -2;
    MPI_OK(MPI_Group_size(g, &size));
    CHECK(size == n, "%s: size %d, expected %d", what, size, n);
    int *idx = chk_malloc(sizeof(int) * (size_t)(n + 1)), *got = chk_malloc(sizeof(int) * (size_t)(n + 1));
    for (int i = 0; i < n; i++) idx[i] = i;
    if (n > 0) MPI_OK(MPI_Group_translate_ranks(g, n, idx, world, got));
    int myrank = MPI_UNDEFINED;
    for (int i = 0; i < n; i++) {
        CHECK(got[i] == want[i], "%s: member %d is world rank %d, expected %d", what, i, got[i], want[i]);
        if (want[i] == chk_rank) myrank = i;
    }
    MPI_OK(MPI_Group_rank(g, &rank));
    CHECK_INT(rank, myrank, what);
    free(idx);
    free(got);
    MPI_OK(MPI_Group_free(&world));
}

static void free_group(MPI_Group *g)
{
    MPI_OK(MPI_Group_free(g));
    CHECK(*g == MPI_GROUP_NULL, "Group_free did not set MPI_GROUP_NULL");
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    chk_begin("group_ops");
    int n = chk_size;
    int *all = chk_malloc(sizeof(int) * (size_t)n), *want = chk_malloc(sizeof(int) * (size_t)n);
    int *ranks = chk_malloc(sizeof(int) * (size_t)n);
    for (int i = 0; i < n; i++) all[i] = i;

    chk_case("Comm_group of WORLD and SELF");
    MPI_Group world, self;
    MPI_OK(MPI_Comm_group(MPI_COMM_WORLD, &world));
    check_group(world, all, n, "world group");
    MPI_OK(MPI_Comm_group(MPI_COMM_SELF, &self));
    check_group(self, &chk_rank, 1, "self group");

    chk_case("Group_incl reversed and odd ranks");
    for (int i = 0; i < n; i++) ranks[i] = want[i] = n - 1 - i;
    MPI_Group rev;
    MPI_OK(MPI_Group_incl(world, n, ranks, &rev));
    check_group(rev, want, n, "reversed");
    int k = 0;
    for (int i = 1; i < n; i += 2) ranks[k] = want[k] = i, k++;
    MPI_Group odd;
    MPI_OK(MPI_Group_incl(world, k, ranks, &odd));
    check_group(odd, want, k, "odd ranks");

    chk_case("Group_excl of the odd ranks keeps the even ones in order");
    MPI_Group even;
    MPI_OK(MPI_Group_excl(world, k, ranks, &even));
    int m = 0;
    for (int i = 0; i < n; i += 2) want[m++] = i;
    check_group(even, want, m, "even ranks");

    chk_case("range_incl / range_excl");
    int r1[2][3] = {{n - 1, 0, -2}, {0, 0, 1}};
    int nr = (n - 1) % 2 == 0 ? 1 : 2; /* the second range adds rank 0 unless the first has it */
    MPI_Group rg;
    MPI_OK(MPI_Group_range_incl(world, nr, r1, &rg));
    m = 0;
    for (int i = n - 1; i >= 0; i -= 2) want[m++] = i;
    if (nr == 2) want[m++] = 0;
    check_group(rg, want, m, "range_incl");
    free_group(&rg);
    int r2[1][3] = {{0, n - 1, 3}};
    MPI_OK(MPI_Group_range_excl(world, 1, r2, &rg));
    m = 0;
    for (int i = 0; i < n; i++)
        if (i % 3) want[m++] = i;
    check_group(rg, want, m, "range_excl every third");
    free_group(&rg);

    chk_case("union, intersection, difference");
    MPI_Group u, x, d;
    MPI_OK(MPI_Group_union(odd, even, &u));
    m = 0;
    for (int i = 1; i < n; i += 2) want[m++] = i;
    for (int i = 0; i < n; i += 2) want[m++] = i;
    check_group(u, want, m, "odd union even");
    free_group(&u);
    MPI_OK(MPI_Group_union(rev, odd, &u));
    for (int i = 0; i < n; i++) want[i] = n - 1 - i;
    check_group(u, want, n, "reversed union odd");
    MPI_OK(MPI_Group_intersection(rev, odd, &x));
    m = 0;
    for (int i = n - 1; i >= 0; i--)
        if (i % 2) want[m++] = i;
    check_group(x, want, m, "reversed intersect odd (reversed order)");
    MPI_OK(MPI_Group_difference(rev, odd, &d));
    m = 0;
    for (int i = n - 1; i >= 0; i--)
        if (i % 2 == 0) want[m++] = i;
    check_group(d, want, m, "reversed minus odd");
    free_group(&u);
    free_group(&x);
    free_group(&d);

    chk_case("empty results are MPI_GROUP_EMPTY");
    MPI_OK(MPI_Group_intersection(odd, even, &x));
    CHECK(x == MPI_GROUP_EMPTY, "odd intersect even is not MPI_GROUP_EMPTY");
    check_group(x, NULL, 0, "empty intersection");
    MPI_OK(MPI_Group_difference(world, world, &d));
    CHECK(d == MPI_GROUP_EMPTY, "world minus world is not MPI_GROUP_EMPTY");
    MPI_OK(MPI_Group_incl(world, 0, ranks, &x));
    CHECK(x == MPI_GROUP_EMPTY, "incl of no ranks is not MPI_GROUP_EMPTY");
    check_group(MPI_GROUP_EMPTY, NULL, 0, "MPI_GROUP_EMPTY");
    MPI_OK(MPI_Group_union(MPI_GROUP_EMPTY, world, &u));
    check_group(u, all, n, "empty union world");
    free_group(&u);

    chk_case("translate_ranks");
    int in[3] = {0, n - 1, MPI_PROC_NULL}, out[3] = {-7, -7, -7};
    MPI_OK(MPI_Group_translate_ranks(world, 3, in, odd, out));
    CHECK_INT(out[0], MPI_UNDEFINED, "world rank 0 in the odd group");
    CHECK_INT(out[1], (n - 1) % 2 ? (n - 1) / 2 : MPI_UNDEFINED, "last world rank in the odd group");
#ifdef MSGPASS_VERSION_STRING /* (Open MPI 4 answers MPI_UNDEFINED, against MPI-2.2 and later) */
    CHECK_INT(out[2], MPI_PROC_NULL, "MPI_PROC_NULL");
#endif
    MPI_OK(MPI_Group_translate_ranks(world, 2, in, rev, out));
    CHECK_INT(out[0], n - 1, "world rank 0 in the reversed group");
    CHECK_INT(out[1], 0, "last world rank in the reversed group");

    chk_case("compare");
    int res = -1;
    MPI_OK(MPI_Group_compare(world, world, &res));
    CHECK_INT(res, MPI_IDENT, "world vs world");
    MPI_Group world2;
    MPI_OK(MPI_Comm_group(MPI_COMM_WORLD, &world2));
    MPI_OK(MPI_Group_compare(world, world2, &res));
    CHECK_INT(res, MPI_IDENT, "world vs a second Comm_group of WORLD");
    MPI_OK(MPI_Group_compare(world, rev, &res));
    CHECK_INT(res, n > 1 ? MPI_SIMILAR : MPI_IDENT, "world vs reversed");
    MPI_OK(MPI_Group_compare(world, even, &res));
    CHECK_INT(res, n > 1 ? MPI_UNEQUAL : MPI_IDENT, "world vs even");
    MPI_OK(MPI_Group_compare(MPI_GROUP_EMPTY, MPI_GROUP_EMPTY, &res));
    CHECK_INT(res, MPI_IDENT, "empty vs empty");
    MPI_OK(MPI_Group_compare(MPI_GROUP_EMPTY, world, &res));
    CHECK_INT(res, MPI_UNEQUAL, "empty vs world");

    chk_case("free");
    free_group(&world2);
    free_group(&rev);
    free_group(&odd);
    free_group(&even);
    free_group(&self);
    free_group(&world);
    free(all);
    free(want);
    free(ranks);
    return chk_end();
}
