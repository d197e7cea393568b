/* Group set operations on world-rank lists: order of the results, MPI_GROUP_EMPTY, compare. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "core/group.h"

static struct mp_group *make(int n, const int *w)
{
    MPI_Group h;
    assert_int_equal(mp_group_create(n, w, &h), MPI_SUCCESS);
    struct mp_group *g = mp_group_get(h);
    assert_non_null(g);
    return g;
}

static void expect(MPI_Group h, int n, const int *w)
{
    struct mp_group *g = mp_group_get(h);
    assert_non_null(g);
    assert_int_equal(g->size, n);
    for (int i = 0; i < n; i++) assert_int_equal(g->world_of[i], w[i]);
    if (n == 0) assert_int_equal(h, MPI_GROUP_EMPTY);
}

static void test_set_operations(void **state)
{
    (void)state;
    int wa[] = {5, 1, 7, 3}, wb[] = {3, 9, 5};
    struct mp_group *a = make(4, wa), *b = make(3, wb);
    MPI_Group u, x, d, e;
    assert_int_equal(mp_group_union(a, b, &u), MPI_SUCCESS);
    expect(u, 5, (int[]){5, 1, 7, 3, 9});
    assert_int_equal(mp_group_intersection(a, b, &x), MPI_SUCCESS);
    expect(x, 2, (int[]){5, 3});
    assert_int_equal(mp_group_difference(a, b, &d), MPI_SUCCESS);
    expect(d, 2, (int[]){1, 7});
    assert_int_equal(mp_group_difference(b, b, &e), MPI_SUCCESS);
    expect(e, 0, NULL);
    assert_int_equal(mp_group_incl(a, 2, (int[]){3, 0}, &x), MPI_SUCCESS);
    expect(x, 2, (int[]){3, 5});
    assert_int_equal(mp_group_excl(a, 2, (int[]){3, 0}, &d), MPI_SUCCESS);
    expect(d, 2, (int[]){1, 7});
    assert_int_equal(mp_group_rank_of(a, 7), 2);
    assert_int_equal(mp_group_rank_of(a, 8), MPI_UNDEFINED);
    assert_int_equal(mp_group_free(&e), MPI_SUCCESS);
    assert_int_equal(e, MPI_GROUP_NULL);
    assert_null(mp_group_get(MPI_GROUP_NULL));
    MPI_Group ah = a->handle, gone = ah;
    assert_int_equal(mp_group_free(&ah), MPI_SUCCESS);
    assert_null(mp_group_get(gone));
    mp_group_finalize();
}

static void test_compare(void **state)
{
    (void)state;
    int a[] = {1, 2, 3}, b[] = {3, 1, 2}, c[] = {1, 2, 4};
    assert_int_equal(mp_group_compare(3, a, 3, a), MPI_IDENT);
    assert_int_equal(mp_group_compare(3, a, 3, b), MPI_SIMILAR);
    assert_int_equal(mp_group_compare(3, a, 3, c), MPI_UNEQUAL);
    assert_int_equal(mp_group_compare(3, a, 2, a), MPI_UNEQUAL);
    assert_int_equal(mp_group_compare(0, NULL, 0, NULL), MPI_IDENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_set_operations),
        cmocka_unit_test(test_compare),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
