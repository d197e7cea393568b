/* info_basic: MPI_Info create/set/get/get_valuelen/delete/dup/free/get_nkeys/get_nthkey: values
 * replaced in place, key order kept, truncation to valuelen, dup independent of the original,
 * and the error classes MPI_ERR_INFO_KEY (empty or too long key), MPI_ERR_INFO_VALUE (too long
 * value), MPI_ERR_INFO_NOKEY (deleting an absent key), MPI_ERR_INFO (bad handle), MPI_ERR_ARG
 * (nthkey out of range; Open MPI says MPI_ERR_INFO_KEY) under MPI_ERRORS_RETURN. Any rank count >= 1. */
#include "check.h"

#ifdef MSGPASS_VERSION_STRING
#define ALT(ours, other) (ours)
#else
#define ALT(ours, other) (other)
#endif

static void expect_class(int rc, int cls, const char *what)
{
    int got = -1;
    CHECK(rc != MPI_SUCCESS, "%s succeeded", what);
    MPI_OK(MPI_Error_class(rc, &got));
    CHECK(got == cls, "%s: error class %d, expected %d", what, got, cls);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    chk_begin("info_basic");
    char key[MPI_MAX_INFO_KEY + 1], val[MPI_MAX_INFO_VAL + 1];
    int flag = -1, n = -1, len = -1;

    chk_case("set, get, replace, order");
    MPI_Info info;
    MPI_OK(MPI_Info_create(&info));
    MPI_OK(MPI_Info_get_nkeys(info, &n));
    CHECK_INT(n, 0, "new info has no keys");
    MPI_OK(MPI_Info_set(info, "alpha", "1"));
    MPI_OK(MPI_Info_set(info, "beta", "two"));
    MPI_OK(MPI_Info_set(info, "gamma", "three3"));
    MPI_OK(MPI_Info_set(info, "beta", "second value"));
    MPI_OK(MPI_Info_get_nkeys(info, &n));
    CHECK_INT(n, 3, "nkeys after a replace");
    const char *order[3] = {"alpha", "beta", "gamma"};
    for (int i = 0; i < 3; i++) {
        MPI_OK(MPI_Info_get_nthkey(info, i, key));
        CHECK(!strcmp(key, order[i]), "key %d is '%s', expected '%s'", i, key, order[i]);
    }
    MPI_OK(MPI_Info_get(info, "beta", MPI_MAX_INFO_VAL, val, &flag));
    CHECK(flag && !strcmp(val, "second value"), "beta = '%s'", flag ? val : "");
    MPI_OK(MPI_Info_get_valuelen(info, "beta", &len, &flag));
    CHECK(flag && len == 12, "valuelen %d", len);
    MPI_OK(MPI_Info_get(info, "beta", 6, val, &flag));
    CHECK(flag && !strcmp(val, "second"), "truncated to 6: '%s'", val);
    MPI_OK(MPI_Info_get(info, "delta", MPI_MAX_INFO_VAL, val, &flag));
    CHECK_INT(flag, 0, "absent key");
    MPI_OK(MPI_Info_get_valuelen(info, "delta", &len, &flag));
    CHECK_INT(flag, 0, "absent key valuelen");

    chk_case("dup is independent");
    MPI_Info d;
    MPI_OK(MPI_Info_dup(info, &d));
    MPI_OK(MPI_Info_delete(info, "alpha"));
    MPI_OK(MPI_Info_set(d, "gamma", "changed"));
    MPI_OK(MPI_Info_get_nkeys(info, &n));
    CHECK_INT(n, 2, "original after delete");
    MPI_OK(MPI_Info_get_nkeys(d, &n));
    CHECK_INT(n, 3, "dup keeps alpha");
    MPI_OK(MPI_Info_get(info, "gamma", MPI_MAX_INFO_VAL, val, &flag));
    CHECK(flag && !strcmp(val, "three3"), "original gamma '%s'", val);
    MPI_OK(MPI_Info_get(d, "gamma", MPI_MAX_INFO_VAL, val, &flag));
    CHECK(flag && !strcmp(val, "changed"), "dup gamma '%s'", val);
    MPI_OK(MPI_Info_get_nthkey(info, 0, key));
    CHECK(!strcmp(key, "beta"), "first key after deleting alpha: '%s'", key);

    /* (Implementations differ on whether the limits count the terminating null: one less is
     * valid everywhere.) */
    chk_case("long key and value");
    memset(key, 'k', MPI_MAX_INFO_KEY - 1);
    key[MPI_MAX_INFO_KEY - 1] = 0;
    memset(val, 'v', MPI_MAX_INFO_VAL - 1);
    val[MPI_MAX_INFO_VAL - 1] = 0;
    MPI_OK(MPI_Info_set(d, key, val));
    MPI_OK(MPI_Info_get_valuelen(d, key, &len, &flag));
    CHECK(flag && len == MPI_MAX_INFO_VAL - 1, "valuelen of the longest value %d", len);

    chk_case("error classes under MPI_ERRORS_RETURN");
    MPI_OK(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN));
    MPI_OK(MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN));
    char longkey[MPI_MAX_INFO_KEY + 2], *longval = chk_malloc(MPI_MAX_INFO_VAL + 2);
    memset(longkey, 'k', sizeof longkey - 1);
    longkey[sizeof longkey - 1] = 0;
    memset(longval, 'v', MPI_MAX_INFO_VAL + 1);
    longval[MPI_MAX_INFO_VAL + 1] = 0;
    expect_class(MPI_Info_set(info, "", "x"), MPI_ERR_INFO_KEY, "empty key");
    expect_class(MPI_Info_set(info, longkey, "x"), MPI_ERR_INFO_KEY, "key too long");
    expect_class(MPI_Info_get(info, longkey, 10, val, &flag), MPI_ERR_INFO_KEY, "get with a key too long");
    expect_class(MPI_Info_set(info, "k", longval), MPI_ERR_INFO_VALUE, "value too long");
    expect_class(MPI_Info_delete(info, "nokey"), MPI_ERR_INFO_NOKEY, "delete an absent key");
    expect_class(MPI_Info_get_nthkey(info, 2, key), ALT(MPI_ERR_ARG, MPI_ERR_INFO_KEY), "nthkey past the end");
    expect_class(MPI_Info_get_nthkey(info, -1, key), MPI_ERR_ARG, "negative nthkey");
    MPI_Info bad = d;
    MPI_OK(MPI_Info_free(&d));
    CHECK(d == MPI_INFO_NULL, "Info_free sets MPI_INFO_NULL");
    expect_class(MPI_Info_set(bad, "a", "b"), MPI_ERR_INFO, "set on a freed info");
    expect_class(MPI_Info_get_nkeys(MPI_INFO_NULL, &n), MPI_ERR_INFO, "nkeys of MPI_INFO_NULL");
    expect_class(MPI_Info_free(&d), MPI_ERR_INFO, "free MPI_INFO_NULL");
    MPI_OK(MPI_Info_get_nkeys(info, &n));
    CHECK_INT(n, 2, "info unchanged by the failed calls");
    MPI_OK(MPI_Info_free(&info));
    free(longval);
    MPI_OK(MPI_Barrier(MPI_COMM_WORLD));
    return chk_end();
}
