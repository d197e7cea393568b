/* comm_create: communicator constructors and queries. Comm_dup / idup / dup_with_info (traffic on
 * a duplicate never matches receives on the parent), Comm_split with colors and reversed keys,
 * MPI_UNDEFINED, Comm_split_type(SHARED) against the processor names, Comm_create with a group
 * (non-members get MPI_COMM_NULL), Comm_create_group called only by the group's members while
 * the others talk among themselves, Comm_compare, names, info, test_inter, and context reuse:
 * thousands of dup/free cycles and many live communicators at once. Any rank count >= 1. */
#include "check.h"

/* Checks that c's members are the world ranks want[0..n-1] in order, and that a ring exchange
 * and an allreduce over c work. */
static void check_comm(MPI_Comm c, const int *want, int n, const char *what)
{
    int size = -1, rank = -1;
    MPI_OK(MPI_Comm_size(c, &size));
    MPI_OK(MPI_Comm_rank(c, &rank));
    CHECK_INT(size, n, what);
    CHECK(rank >= 0 && rank < n && want[rank] == chk_rank, "%s: rank %d is not world rank %d", what, rank, chk_rank);
    MPI_Group g, wg;
    MPI_OK(MPI_Comm_group(c, &g));
    MPI_OK(MPI_Comm_group(MPI_COMM_WORLD, &wg));
    int *idx = chk_malloc(sizeof(int) * (size_t)n), *got = chk_malloc(sizeof(int) * (size_t)n);
    for (int i = 0; i < n; i++) idx[i] = i;
    MPI_OK(MPI_Group_translate_ranks(g, n, idx, wg, got));
    for (int i = 0; i < n; i++) CHECK(got[i] == want[i], "%s: member %d is %d, expected %d", what, i, got[i], want[i]);
    MPI_OK(MPI_Group_free(&g));
    MPI_OK(MPI_Group_free(&wg));
    int token = chk_rank * 1000 + rank, from = -1;
    MPI_OK(MPI_Sendrecv(&token, 1, MPI_INT, (rank + 1) % n, 5, &from, 1, MPI_INT, (rank - 1 + n) % n, 5, c,
                        MPI_STATUS_IGNORE));
    int left = (rank - 1 + n) % n;
    CHECK_INT(from, want[left] * 1000 + left, "ring token");
    int sum = -1;
    MPI_OK(MPI_Allreduce(&chk_rank, &sum, 1, MPI_INT, MPI_SUM, c));
    int expect = 0;
    for (int i = 0; i < n; i++) expect += want[i];
    CHECK_INT(sum, expect, "allreduce over the communicator");
    free(idx);
    free(got);
}

static void dups(const int *all)
{
    int n = chk_size, res = -1;
    chk_case("Comm_dup: isolated traffic");
    MPI_Comm d;
    MPI_OK(MPI_Comm_dup(MPI_COMM_WORLD, &d));
    check_comm(d, all, n, "dup of WORLD");
    MPI_OK(MPI_Comm_compare(d, MPI_COMM_WORLD, &res));
    CHECK_INT(res, MPI_CONGRUENT, "dup vs WORLD");
    MPI_OK(MPI_Comm_compare(d, d, &res));
    CHECK_INT(res, MPI_IDENT, "dup vs itself");
    /* Same source and tag on both: each receive must get its own communicator's message. */
    int right = (chk_rank + 1) % n, left = (chk_rank - 1 + n) % n;
    int a = 1, b = 2, ga = 0, gb = 0;
    MPI_Request rq[4];
    MPI_OK(MPI_Irecv(&gb, 1, MPI_INT, left, 9, d, &rq[0]));
    MPI_OK(MPI_Irecv(&ga, 1, MPI_INT, left, 9, MPI_COMM_WORLD, &rq[1]));
    MPI_OK(MPI_Isend(&a, 1, MPI_INT, right, 9, MPI_COMM_WORLD, &rq[2]));
    MPI_OK(MPI_Isend(&b, 1, MPI_INT, right, 9, d, &rq[3]));
    MPI_OK(MPI_Waitall(4, rq, MPI_STATUSES_IGNORE));
    CHECK_INT(ga, 1, "message on WORLD");
    CHECK_INT(gb, 2, "message on the dup");
    char name[MPI_MAX_OBJECT_NAME];
    int len = -1;
    MPI_OK(MPI_Comm_get_name(d, name, &len));
    CHECK(len == 0 && name[0] == 0, "a dup has no name, got '%s'", name);

    chk_case("Comm_idup");
    MPI_Comm d2;
    MPI_Request r;
    MPI_OK(MPI_Comm_idup(d, &d2, &r));
    MPI_OK(MPI_Wait(&r, MPI_STATUS_IGNORE));
    CHECK(r == MPI_REQUEST_NULL, "request not freed by Wait");
    check_comm(d2, all, n, "idup of a dup");
    MPI_OK(MPI_Comm_free(&d2));
    CHECK(d2 == MPI_COMM_NULL, "Comm_free did not set MPI_COMM_NULL");

    chk_case("Comm_dup_with_info, set/get_info");
    MPI_Info info, got;
    MPI_OK(MPI_Info_create(&info));
    MPI_OK(MPI_Info_set(info, "mpi_assert_no_any_tag", "true"));
    MPI_OK(MPI_Comm_dup_with_info(d, info, &d2));
    MPI_OK(MPI_Info_free(&info));
    check_comm(d2, all, n, "dup_with_info");
    MPI_OK(MPI_Comm_get_info(d2, &got));
    char val[MPI_MAX_INFO_VAL + 1];
    int flag = 0;
    MPI_OK(MPI_Info_get(got, "mpi_assert_no_any_tag", MPI_MAX_INFO_VAL, val, &flag));
    CHECK(flag && !strcmp(val, "true"), "hint kept by dup_with_info (flag %d, value '%s')", flag, flag ? val : "");
    MPI_OK(MPI_Info_free(&got));
    MPI_OK(MPI_Info_create(&info));
    MPI_OK(MPI_Info_set(info, "mpi_assert_no_any_source", "true"));
    MPI_OK(MPI_Comm_set_info(d2, info));
    MPI_OK(MPI_Info_free(&info));
    MPI_OK(MPI_Comm_get_info(d2, &got));
    MPI_OK(MPI_Info_get(got, "mpi_assert_no_any_source", MPI_MAX_INFO_VAL, val, &flag));
    CHECK(flag && !strcmp(val, "true"), "hint set by Comm_set_info (flag %d)", flag);
    MPI_OK(MPI_Info_free(&got));
    MPI_OK(MPI_Comm_free(&d2));
    MPI_OK(MPI_Comm_free(&d));
}

static void names(void)
{
    chk_case("names");
    char name[MPI_MAX_OBJECT_NAME];
    int len = -1;
    MPI_OK(MPI_Comm_get_name(MPI_COMM_WORLD, name, &len));
    CHECK(!strcmp(name, "MPI_COMM_WORLD") && len == 14, "WORLD's name '%s' (%d)", name, len);
    MPI_OK(MPI_Comm_get_name(MPI_COMM_SELF, name, &len));
    CHECK(!strcmp(name, "MPI_COMM_SELF") && len == 13, "SELF's name '%s' (%d)", name, len);
    MPI_Comm d;
    MPI_OK(MPI_Comm_dup(MPI_COMM_WORLD, &d));
    MPI_OK(MPI_Comm_set_name(d, "my communicator"));
    MPI_OK(MPI_Comm_get_name(d, name, &len));
    CHECK(!strcmp(name, "my communicator") && len == 15, "set name '%s' (%d)", name, len);
    MPI_OK(MPI_Comm_free(&d));
    int flag = -1;
    MPI_OK(MPI_Comm_test_inter(MPI_COMM_WORLD, &flag));
    CHECK_INT(flag, 0, "WORLD is not an intercommunicator");
}

static void splits(void)
{
    int n = chk_size, res = -1;
    int *want = chk_malloc(sizeof(int) * (size_t)n);
    chk_case("Comm_split by rank %% 3, reversed keys");
    MPI_Comm s;
    MPI_OK(MPI_Comm_split(MPI_COMM_WORLD, chk_rank % 3, n - chk_rank, &s));
    int m = 0;
    for (int i = n - 1; i >= 0; i--)
        if (i % 3 == chk_rank % 3) want[m++] = i;
    check_comm(s, want, m, "split");
    MPI_OK(MPI_Comm_compare(s, MPI_COMM_WORLD, &res));
    CHECK_INT(res, n == 1 ? MPI_CONGRUENT : m == n ? MPI_SIMILAR : MPI_UNEQUAL, "split vs WORLD");
    MPI_OK(MPI_Comm_free(&s));

    chk_case("Comm_split with MPI_UNDEFINED");
    MPI_OK(MPI_Comm_split(MPI_COMM_WORLD, chk_rank % 2 ? MPI_UNDEFINED : 0, 0, &s));
    if (chk_rank % 2) {
        CHECK(s == MPI_COMM_NULL, "MPI_UNDEFINED color gave a communicator");
    } else {
        m = 0;
        for (int i = 0; i < n; i += 2) want[m++] = i;
        check_comm(s, want, m, "even split");
        MPI_OK(MPI_Comm_free(&s));
    }

    chk_case("Comm_split_type SHARED");
    MPI_OK(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &s));
    char me[MPI_MAX_PROCESSOR_NAME] = {0}, *names = chk_malloc((size_t)n * MPI_MAX_PROCESSOR_NAME);
    int len;
    MPI_OK(MPI_Get_processor_name(me, &len));
    for (int i = 0; i < n; i++) {
        char *at = names + (size_t)i * MPI_MAX_PROCESSOR_NAME;
        if (i == chk_rank) memcpy(at, me, MPI_MAX_PROCESSOR_NAME);
        MPI_OK(MPI_Bcast(at, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, i, MPI_COMM_WORLD));
    }
    m = 0;
    for (int i = 0; i < n; i++)
        if (!strcmp(names + (size_t)i * MPI_MAX_PROCESSOR_NAME, me)) want[m++] = i;
    check_comm(s, want, m, "split_type shared");
    MPI_OK(MPI_Comm_free(&s));
    MPI_OK(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_UNDEFINED, 0, MPI_INFO_NULL, &s));
    CHECK(s == MPI_COMM_NULL, "split_type MPI_UNDEFINED gave a communicator");
    free(names);
    free(want);
}

static void creates(void)
{
    int n = chk_size;
    int *want = chk_malloc(sizeof(int) * (size_t)n);
    MPI_Group world, g;
    MPI_OK(MPI_Comm_group(MPI_COMM_WORLD, &world));

    chk_case("Comm_create: the upper half, reversed");
    int h = n / 2, m = 0;
    for (int i = n - 1; i >= h; i--) want[m++] = i;
    MPI_OK(MPI_Group_incl(world, m, want, &g));
    MPI_Comm c;
    MPI_OK(MPI_Comm_create(MPI_COMM_WORLD, g, &c));
    if (chk_rank >= h) {
        check_comm(c, want, m, "Comm_create");
        MPI_OK(MPI_Comm_free(&c));
    } else {
        CHECK(c == MPI_COMM_NULL, "non-member got a communicator from Comm_create");
    }
    MPI_OK(MPI_Group_free(&g));

    chk_case("Comm_create_group: only the members call");
    /* Members: ranks not divisible by 3 (rank 0 alone when n == 1). The others meanwhile do a
     * ring among themselves on WORLD, which must not disturb the members' agreement. */
    m = 0;
    for (int i = 0; i < n; i++)
        if (i % 3 || n == 1) want[m++] = i;
    int member = chk_rank % 3 || n == 1;
    if (member) {
        MPI_OK(MPI_Group_incl(world, m, want, &g));
        MPI_OK(MPI_Comm_create_group(MPI_COMM_WORLD, g, 77, &c));
        check_comm(c, want, m, "Comm_create_group");
        MPI_Comm c2;
        MPI_OK(MPI_Comm_create_group(c, g, 78, &c2));
        check_comm(c2, want, m, "Comm_create_group of a create_group");
        MPI_OK(MPI_Comm_free(&c2));
        MPI_OK(MPI_Comm_free(&c));
        MPI_OK(MPI_Group_free(&g));
    } else {
        int others = (n + 2) / 3, me = chk_rank / 3, tok = chk_rank, from = -1;
        int to = ((me + 1) % others) * 3, src = ((me - 1 + others) % others) * 3;
        MPI_OK(MPI_Sendrecv(&tok, 1, MPI_INT, to, 77, &from, 1, MPI_INT, src, 77, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
        CHECK_INT(from, src, "non-members' ring");
    }
    MPI_OK(MPI_Group_free(&world));
    MPI_OK(MPI_Barrier(MPI_COMM_WORLD));
    free(want);
}

static void reuse(const int *all)
{
    chk_case("context reuse: 3000 dup/free cycles");
    for (int i = 0; i < 3000; i++) {
        MPI_Comm d;
        MPI_OK(MPI_Comm_dup(MPI_COMM_WORLD, &d));
        MPI_OK(MPI_Comm_free(&d));
    }
    chk_case("200 live communicators, each used, freed in a mixed order");
    enum { LIVE = 200 };
    MPI_Comm cs[LIVE];
    for (int i = 0; i < LIVE; i++)
        MPI_OK(i % 2 ? MPI_Comm_dup(cs[i - 1], &cs[i]) : MPI_Comm_dup(MPI_COMM_WORLD, &cs[i]));
    for (int i = 0; i < LIVE; i += 37) check_comm(cs[i], all, chk_size, "live dup");
    for (int i = 0; i < LIVE; i += 2) MPI_OK(MPI_Comm_free(&cs[i]));
    for (int i = 1; i < LIVE; i += 2) MPI_OK(MPI_Comm_free(&cs[i]));
    MPI_Comm d;
    MPI_OK(MPI_Comm_dup(MPI_COMM_WORLD, &d));
    check_comm(d, all, chk_size, "dup after the frees");
    MPI_OK(MPI_Comm_free(&d));
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    chk_begin("comm_create");
    int *all = chk_malloc(sizeof(int) * (size_t)chk_size);
    for (int i = 0; i < chk_size; i++) all[i] = i;
    dups(all);
    names();
    splits();
    creates();
    reuse(all);
    free(all);
    return chk_end();
}
