/* Cartesian maths: Dims_create's factorisation, coordinates <-> rank, neighbours at the edges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "core/topo.h"

static void dims(int nnodes, int ndims, int *in, const int *want)
{
    assert_int_equal(mp_dims_create(nnodes, ndims, in), MPI_SUCCESS);
    for (int i = 0; i < ndims; i++) assert_int_equal(in[i], want[i]);
}

static void test_dims_create(void **state)
{
    (void)state;
    dims(12, 2, (int[]){0, 0}, (int[]){4, 3});
    dims(24, 3, (int[]){0, 0, 0}, (int[]){4, 3, 2});
    dims(36, 2, (int[]){0, 0}, (int[]){6, 6});
    dims(13, 2, (int[]){0, 0}, (int[]){13, 1});
    dims(12, 3, (int[]){0, 3, 0}, (int[]){2, 3, 2});
    dims(6, 2, (int[]){3, 2}, (int[]){3, 2});
    dims(1, 0, NULL, NULL);
    assert_int_equal(mp_dims_create(6, 2, (int[]){4, 0}), MPI_ERR_DIMS);
    assert_int_equal(mp_dims_create(6, 2, (int[]){3, 3}), MPI_ERR_DIMS);
    assert_int_equal(mp_dims_create(6, 2, (int[]){-1, 0}), MPI_ERR_DIMS);
    assert_int_equal(mp_dims_create(2, 2, (int[]){100000, 100000}), MPI_ERR_DIMS);
}

static void test_coords(void **state)
{
    (void)state;
    struct mp_topo *t = mp_topo_cart(3, (int[]){2, 3, 4}, (int[]){0, 1, 0});
    assert_non_null(t);
    int c[3], r = -1;
    mp_cart_coords(t, 17, c); /* 17 = 1*12 + 1*4 + 1 */
    assert_int_equal(c[0], 1);
    assert_int_equal(c[1], 1);
    assert_int_equal(c[2], 1);
    assert_int_equal(mp_cart_rank(t, c, &r), MPI_SUCCESS);
    assert_int_equal(r, 17);
    assert_int_equal(mp_cart_rank(t, (int[]){1, -2, 1}, &r), MPI_SUCCESS); /* periodic: -2 -> 1 */
    assert_int_equal(r, 17);
    assert_int_equal(mp_cart_rank(t, (int[]){2, 1, 1}, &r), MPI_ERR_ARG);
    assert_int_equal(mp_cart_neighbor(t, 17, 0, 1), MPI_PROC_NULL);
    assert_int_equal(mp_cart_neighbor(t, 17, 0, -1), 5);
    assert_int_equal(mp_cart_neighbor(t, 17, 1, 2), 13); /* wraps to coordinate 0 */
    assert_int_equal(mp_cart_neighbor(t, 17, 1, -4), 13);
    assert_int_equal(mp_cart_neighbor(t, 17, 2, 2), 19);
    assert_int_equal(mp_cart_neighbor(t, 17, 2, 3), MPI_PROC_NULL);
    assert_int_equal(mp_topo_cart_size(3, t->dims), 24);
    assert_int_equal(mp_topo_cart_size(2, (int[]){1 << 20, 1 << 20}), -1);
    struct mp_topo *d = mp_topo_dup(t);
    assert_int_equal(d->ndims, 3);
    assert_int_equal(d->periods[1], 1);
    mp_topo_free(d);
    mp_topo_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dims_create),
        cmocka_unit_test(test_coords),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
