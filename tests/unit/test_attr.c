/* Attribute storage: keyvals per kind, callbacks on set/copy/delete, freed keyvals kept while
 * used, predefined keys, and MPI_Info's key order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "core/attr.h"
#include "core/info.h"

static int copies, deletes, fail_delete;

static int copy_plus_one(int h, int k, void *extra, void *in, void *out, int *flag)
{
    (void)h, (void)k, (void)extra;
    copies++;
    *(void **)out = (char *)in + 1;
    *flag = 1;
    return MPI_SUCCESS;
}

static int count_delete(int h, int k, void *v, void *extra)
{
    (void)h, (void)k, (void)v, (void)extra;
    deletes++;
    return fail_delete ? MPI_ERR_OTHER : MPI_SUCCESS;
}

static void test_callbacks(void **state)
{
    (void)state;
    static char base[8];
    int k, tk, flag;
    void *v;
    assert_int_equal(mp_keyval_create(MP_ATTR_COMM, copy_plus_one, count_delete, NULL, &k), MPI_SUCCESS);
    assert_int_equal(mp_keyval_create(MP_ATTR_TYPE, NULL, count_delete, NULL, &tk), MPI_SUCCESS);
    assert_true(k > MPI_LASTUSEDCODE && tk > MPI_LASTUSEDCODE && k != tk);
    assert_int_equal(mp_attr_set(MP_ATTR_TYPE, 3, k, base), MPI_ERR_KEYVAL);
    assert_int_equal(mp_attr_set(MP_ATTR_COMM, 3, k, base), MPI_SUCCESS);
    assert_int_equal(mp_attr_set(MP_ATTR_COMM, 3, k, base + 1), MPI_SUCCESS);
    assert_int_equal(deletes, 1);
    assert_int_equal(mp_attr_copy_all(MP_ATTR_COMM, 3, 40), MPI_SUCCESS);
    assert_int_equal(copies, 1);
    assert_int_equal(mp_attr_get(MP_ATTR_COMM, 40, k, &v, &flag), MPI_SUCCESS);
    assert_true(flag && v == base + 2);
    /* A failing delete callback keeps the attribute. */
    fail_delete = 1;
    assert_int_equal(mp_attr_delete_all(MP_ATTR_COMM, 40), MPI_ERR_OTHER);
    assert_int_equal(mp_attr_get(MP_ATTR_COMM, 40, k, &v, &flag), MPI_SUCCESS);
    assert_true(flag);
    fail_delete = 0;
    /* Freed keyval: unusable by handle, but its attributes' callbacks still run. */
    int kk = k;
    assert_int_equal(mp_keyval_free(MP_ATTR_COMM, &kk), MPI_SUCCESS);
    assert_int_equal(kk, MPI_KEYVAL_INVALID);
    assert_int_equal(mp_attr_get(MP_ATTR_COMM, 3, k, &v, &flag), MPI_ERR_KEYVAL);
    deletes = 0;
    assert_int_equal(mp_attr_delete_all(MP_ATTR_COMM, 40), MPI_SUCCESS);
    assert_int_equal(mp_attr_delete_all(MP_ATTR_COMM, 3), MPI_SUCCESS);
    assert_int_equal(deletes, 2);
    /* The slot is reused once the last attribute is gone. */
    int k2;
    assert_int_equal(mp_keyval_create(MP_ATTR_COMM, NULL, NULL, NULL, &k2), MPI_SUCCESS);
    assert_int_equal(k2, k);
    assert_int_equal(mp_attr_delete(MP_ATTR_COMM, 3, k2), MPI_SUCCESS); /* not set: no error */
    mp_attr_finalize();
}

static void test_predefined(void **state)
{
    (void)state;
    int *p, flag = 0, k = MPI_TAG_UB;
    assert_int_equal(mp_attr_get(MP_ATTR_COMM, 1, MPI_TAG_UB, (void **)&p, &flag), MPI_SUCCESS);
    assert_true(flag && *p == MP_TAG_UB);
    assert_int_equal(mp_attr_get(MP_ATTR_COMM, 1, MPI_LASTUSEDCODE, (void **)&p, &flag), MPI_SUCCESS);
    assert_int_equal(*p, MPI_ERR_LASTCODE);
    assert_int_equal(mp_attr_set(MP_ATTR_COMM, 1, MPI_TAG_UB, NULL), MPI_ERR_KEYVAL);
    assert_int_equal(mp_keyval_free(MP_ATTR_COMM, &k), MPI_ERR_KEYVAL);
    assert_int_equal(mp_attr_get(MP_ATTR_TYPE, 1, MPI_TAG_UB, (void **)&p, &flag), MPI_ERR_KEYVAL);
    mp_attr_finalize();
}

static void test_info(void **state)
{
    (void)state;
    MPI_Info h, d;
    assert_int_equal(mp_info_create(&h), MPI_SUCCESS);
    struct mp_info *i = mp_info_get(h);
    assert_int_equal(mp_info_set(i, "b", "1"), MPI_SUCCESS);
    assert_int_equal(mp_info_set(i, "a", "2"), MPI_SUCCESS);
    assert_int_equal(mp_info_set(i, "b", "3"), MPI_SUCCESS);
    assert_string_equal(mp_info_nthkey(i, 0), "b");
    assert_string_equal(mp_info_value(i, "b"), "3");
    assert_null(mp_info_nthkey(i, 2));
    assert_int_equal(mp_info_dup(h, &d), MPI_SUCCESS);
    assert_int_equal(mp_info_delete(i, "b"), MPI_SUCCESS);
    assert_int_equal(mp_info_delete(i, "b"), MPI_ERR_INFO_NOKEY);
    assert_string_equal(mp_info_nthkey(i, 0), "a");
    assert_int_equal(mp_info_nkeys(mp_info_get(d)), 2);
    assert_int_equal(mp_info_free(&h), MPI_SUCCESS);
    assert_int_equal(h, MPI_INFO_NULL);
    assert_null(mp_info_get(d + 100));
    mp_info_finalize();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_callbacks),
        cmocka_unit_test(test_predefined),
        cmocka_unit_test(test_info),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
