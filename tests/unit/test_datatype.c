/* Datatype table: predefined sizes and names, contiguous derived types, commit, free, handle
 * reuse and reference counting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <stdbool.h>
#include <string.h>
#include <wchar.h>

#include "core/datatype.h"

static int setup(void **state)
{
    (void)state;
    mp_dtype_init();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    mp_dtype_finalize();
    return 0;
}

static void expect_typemap(MPI_Datatype t, size_t size, size_t extent, const char *name)
{
    const struct mp_dtype *dt = mp_dtype_get(t);
    assert_non_null(dt);
    assert_int_equal(dt->size, size);
    assert_int_equal(dt->extent, (MPI_Aint)extent);
    assert_int_equal(dt->base, t);
    assert_int_equal(dt->base_count, 1);
    assert_true(dt->predefined && dt->committed);
    assert_string_equal(dt->name, name);
}

static void expect_predef(MPI_Datatype t, size_t size, const char *name)
{
    expect_typemap(t, size, size, name);
}

static void test_predefined(void **state)
{
    (void)state;
    expect_predef(MPI_CHAR, 1, "MPI_CHAR");
    expect_predef(MPI_SIGNED_CHAR, 1, "MPI_SIGNED_CHAR");
    expect_predef(MPI_UNSIGNED_CHAR, 1, "MPI_UNSIGNED_CHAR");
    expect_predef(MPI_BYTE, 1, "MPI_BYTE");
    expect_predef(MPI_WCHAR, sizeof(wchar_t), "MPI_WCHAR");
    expect_predef(MPI_SHORT, sizeof(short), "MPI_SHORT");
    expect_predef(MPI_UNSIGNED_SHORT, sizeof(unsigned short), "MPI_UNSIGNED_SHORT");
    expect_predef(MPI_INT, sizeof(int), "MPI_INT");
    expect_predef(MPI_UNSIGNED, sizeof(unsigned), "MPI_UNSIGNED");
    expect_predef(MPI_LONG, sizeof(long), "MPI_LONG");
    expect_predef(MPI_UNSIGNED_LONG, sizeof(unsigned long), "MPI_UNSIGNED_LONG");
    expect_predef(MPI_LONG_LONG, sizeof(long long), "MPI_LONG_LONG_INT");
    expect_predef(MPI_UNSIGNED_LONG_LONG, sizeof(unsigned long long), "MPI_UNSIGNED_LONG_LONG");
    expect_predef(MPI_FLOAT, sizeof(float), "MPI_FLOAT");
    expect_predef(MPI_DOUBLE, sizeof(double), "MPI_DOUBLE");
    expect_predef(MPI_LONG_DOUBLE, sizeof(long double), "MPI_LONG_DOUBLE");
    expect_predef(MPI_C_BOOL, sizeof(bool), "MPI_C_BOOL");
    expect_predef(MPI_INT8_T, 1, "MPI_INT8_T");
    expect_predef(MPI_INT16_T, 2, "MPI_INT16_T");
    expect_predef(MPI_INT32_T, 4, "MPI_INT32_T");
    expect_predef(MPI_INT64_T, 8, "MPI_INT64_T");
    expect_predef(MPI_UINT8_T, 1, "MPI_UINT8_T");
    expect_predef(MPI_UINT16_T, 2, "MPI_UINT16_T");
    expect_predef(MPI_UINT32_T, 4, "MPI_UINT32_T");
    expect_predef(MPI_UINT64_T, 8, "MPI_UINT64_T");
    expect_predef(MPI_AINT, sizeof(MPI_Aint), "MPI_AINT");
    expect_predef(MPI_OFFSET, sizeof(MPI_Offset), "MPI_OFFSET");
    expect_predef(MPI_COUNT, sizeof(MPI_Count), "MPI_COUNT");
    expect_predef(MPI_PACKED, 1, "MPI_PACKED");
    /* Pairs: the size counts value and index only, the extent is the C struct's. */
    expect_typemap(MPI_FLOAT_INT, 8, 8, "MPI_FLOAT_INT");
    expect_typemap(MPI_DOUBLE_INT, 12, 16, "MPI_DOUBLE_INT");
    expect_typemap(MPI_LONG_INT, sizeof(long) + sizeof(int), sizeof(struct mp_long_int), "MPI_LONG_INT");
    expect_typemap(MPI_2INT, 2 * sizeof(int), 2 * sizeof(int), "MPI_2INT");
    expect_typemap(MPI_SHORT_INT, sizeof(short) + sizeof(int), sizeof(struct mp_short_int), "MPI_SHORT_INT");
    expect_typemap(MPI_LONG_DOUBLE_INT, sizeof(long double) + sizeof(int), sizeof(struct mp_long_double_int),
                   "MPI_LONG_DOUBLE_INT");
    expect_predef(MPI_C_FLOAT_COMPLEX, 2 * sizeof(float), "MPI_C_FLOAT_COMPLEX");
    expect_predef(MPI_C_DOUBLE_COMPLEX, 2 * sizeof(double), "MPI_C_DOUBLE_COMPLEX");
    expect_predef(MPI_C_LONG_DOUBLE_COMPLEX, 2 * sizeof(long double), "MPI_C_LONG_DOUBLE_COMPLEX");
    /* The C++ types reduce through their C twins' kernels. */
    const MPI_Datatype cxx[][2] = {{MPI_CXX_BOOL, MPI_C_BOOL},
                                   {MPI_CXX_FLOAT_COMPLEX, MPI_C_FLOAT_COMPLEX},
                                   {MPI_CXX_DOUBLE_COMPLEX, MPI_C_DOUBLE_COMPLEX},
                                   {MPI_CXX_LONG_DOUBLE_COMPLEX, MPI_C_LONG_DOUBLE_COMPLEX}};
    for (size_t k = 0; k < sizeof cxx / sizeof cxx[0]; k++) {
        const struct mp_dtype *dt = mp_dtype_get(cxx[k][0]), *twin = mp_dtype_get(cxx[k][1]);
        assert_non_null(dt);
        assert_int_equal(dt->base, cxx[k][1]);
        assert_int_equal(dt->size, twin->size);
        assert_int_equal(dt->extent, twin->extent);
        assert_true(dt->predefined && dt->committed && dt->dense);
    }
}

static void test_invalid_handles(void **state)
{
    (void)state;
    assert_null(mp_dtype_get(MPI_DATATYPE_NULL));
    assert_null(mp_dtype_get(-1));
    assert_null(mp_dtype_get(MP_DTYPE_LAST_NAMED + 1));
    assert_null(mp_dtype_get(MP_DTYPE_FIRST_USER - 1));
    assert_null(mp_dtype_get(MP_DTYPE_FIRST_USER));
    assert_null(mp_dtype_get(1 << 30));
}

static void test_contiguous(void **state)
{
    (void)state;
    MPI_Datatype t, tt;
    assert_int_equal(mp_dtype_contiguous(5, MPI_DOUBLE, &t), MPI_SUCCESS);
    assert_true(t >= MP_DTYPE_FIRST_USER);
    const struct mp_dtype *dt = mp_dtype_get(t);
    assert_non_null(dt);
    assert_int_equal(dt->size, 40);
    assert_int_equal(dt->extent, 40);
    assert_int_equal(dt->base, MPI_DOUBLE);
    assert_int_equal(dt->base_count, 5);
    assert_false(dt->predefined);
    assert_false(dt->committed);
    assert_string_equal(dt->name, "");

    /* Contiguous of contiguous flattens to the predefined base. */
    assert_int_equal(mp_dtype_contiguous(3, t, &tt), MPI_SUCCESS);
    assert_int_not_equal(tt, t);
    dt = mp_dtype_get(tt);
    assert_int_equal(dt->size, 120);
    assert_int_equal(dt->base, MPI_DOUBLE);
    assert_int_equal(dt->base_count, 15);

    assert_int_equal(mp_dtype_commit(tt), MPI_SUCCESS);
    assert_true(mp_dtype_get(tt)->committed);
    assert_false(mp_dtype_get(t)->committed);

    /* Pair types stay the element type of their derived types. */
    MPI_Datatype p;
    assert_int_equal(mp_dtype_contiguous(2, MPI_DOUBLE_INT, &p), MPI_SUCCESS);
    assert_int_equal(mp_dtype_get(p)->base, MPI_DOUBLE_INT);
    assert_int_equal(mp_dtype_get(p)->base_count, 2);
    assert_int_equal(mp_dtype_get(p)->size, 2 * (sizeof(double) + sizeof(int)));
    assert_int_equal(mp_dtype_get(p)->extent, 2 * sizeof(struct mp_double_int));

    MPI_Datatype z;
    assert_int_equal(mp_dtype_contiguous(0, MPI_INT, &z), MPI_SUCCESS);
    assert_int_equal(mp_dtype_get(z)->size, 0);
    assert_int_equal(mp_dtype_get(z)->base_count, 0);
}

static void test_contiguous_errors(void **state)
{
    (void)state;
    MPI_Datatype t = MPI_DATATYPE_NULL;
    assert_int_equal(mp_dtype_contiguous(-1, MPI_INT, &t), MPI_ERR_COUNT);
    assert_int_equal(mp_dtype_contiguous(2, MPI_DATATYPE_NULL, &t), MPI_ERR_TYPE);
    assert_int_equal(mp_dtype_contiguous(2, 999, &t), MPI_ERR_TYPE);
    assert_int_equal(t, MPI_DATATYPE_NULL);
    /* Sizes that overflow are refused rather than wrapped. */
    MPI_Datatype big = MPI_DATATYPE_NULL, bigger = MPI_DATATYPE_NULL;
    assert_int_equal(mp_dtype_contiguous(1 << 30, MPI_DOUBLE, &big), MPI_SUCCESS);
    assert_int_equal(mp_dtype_contiguous(1 << 20, big, &bigger), MPI_SUCCESS);
    assert_int_equal(mp_dtype_contiguous(1 << 30, bigger, &t), MPI_ERR_COUNT);
    assert_int_equal(mp_dtype_commit(MPI_DATATYPE_NULL), MPI_ERR_TYPE);
}

static void test_free_and_reuse(void **state)
{
    (void)state;
    MPI_Datatype a, b, c;
    assert_int_equal(mp_dtype_contiguous(2, MPI_INT, &a), MPI_SUCCESS);
    assert_int_equal(mp_dtype_contiguous(3, MPI_INT, &b), MPI_SUCCESS);
    assert_int_not_equal(a, b);
    MPI_Datatype freed = a;
    assert_int_equal(mp_dtype_free(&a), MPI_SUCCESS);
    assert_int_equal(a, MPI_DATATYPE_NULL);
    assert_null(mp_dtype_get(freed));
    assert_int_equal(mp_dtype_free(&a), MPI_ERR_TYPE);
    /* The lowest free slot is reused. */
    assert_int_equal(mp_dtype_contiguous(4, MPI_INT, &c), MPI_SUCCESS);
    assert_int_equal(c, freed);
    assert_int_equal(mp_dtype_get(c)->size, 16);
    assert_int_equal(mp_dtype_get(b)->size, 12);
}

static void test_free_predefined(void **state)
{
    (void)state;
    MPI_Datatype t = MPI_INT;
    assert_int_equal(mp_dtype_free(&t), MPI_ERR_TYPE);
    assert_int_equal(t, MPI_INT);
    assert_non_null(mp_dtype_get(MPI_INT));
    t = MPI_DATATYPE_NULL;
    assert_int_equal(mp_dtype_free(&t), MPI_ERR_TYPE);
    assert_int_equal(mp_dtype_commit(MPI_INT), MPI_SUCCESS);
}

/* A type freed while in use (e.g. by a pending request) stays valid until released. */
static void test_retain_release(void **state)
{
    (void)state;
    MPI_Datatype t;
    assert_int_equal(mp_dtype_contiguous(7, MPI_SHORT, &t), MPI_SUCCESS);
    struct mp_dtype *held = mp_dtype_retain(t);
    assert_non_null(held);
    assert_int_equal(held->refcount, 2);
    assert_int_equal(mp_dtype_free(&t), MPI_SUCCESS);
    assert_int_equal(held->refcount, 1);
    assert_int_equal(held->size, 7 * sizeof(short));
    mp_dtype_release(held); /* frees it; ASan/valgrind would flag a leak or double free */

    assert_null(mp_dtype_retain(MPI_DATATYPE_NULL));
    struct mp_dtype *p = mp_dtype_retain(MPI_INT);
    assert_ptr_equal(p, mp_dtype_get(MPI_INT));
    mp_dtype_release(p);
    assert_int_equal(mp_dtype_get(MPI_INT)->refcount, 1);
}

/* The table grows past its first allocation and keeps every entry. */
static void test_many(void **state)
{
    (void)state;
    enum { N = 1000 };
    MPI_Datatype t[N];
    for (int k = 0; k < N; k++) assert_int_equal(mp_dtype_contiguous(k + 1, MPI_CHAR, &t[k]), MPI_SUCCESS);
    for (int k = 0; k < N; k++) assert_int_equal(mp_dtype_get(t[k])->size, (size_t)k + 1);
    for (int k = 0; k < N; k += 2) assert_int_equal(mp_dtype_free(&t[k]), MPI_SUCCESS);
    for (int k = 1; k < N; k += 2) assert_int_equal(mp_dtype_get(t[k])->size, (size_t)k + 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_predefined, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid_handles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_contiguous, setup, teardown),
        cmocka_unit_test_setup_teardown(test_contiguous_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_and_reuse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_predefined, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retain_release, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
