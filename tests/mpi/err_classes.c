/* err_classes: under MPI_ERRORS_RETURN every bad argument of the communicator, group, topology,
 * attribute and error-handler calls returns its error class (and leaves the outputs alone where
 * that matters), and the job keeps working: after the bad calls every rank still takes part in
 * point-to-point and collective traffic. Then user error handlers (Comm_create_errhandler, the
 * handler sees the communicator and the code, a dup inherits it), Comm_call_errhandler,
 * Add_error_class / code / string with Error_string and Error_class of the new codes, and
 * Error_string for every class. Any rank count >= 1.
 * Where implementations differ on the class, libmsgpass's is checked exactly and another MPI's
 * may give the alternative named in the check. */
#include "check.h"

#ifdef MSGPASS_VERSION_STRING
#define ALT(ours, other) (ours)
#else
#define ALT(ours, other) (other)
#endif

static void expect2(int rc, int cls, int alt, const char *what)
{
    int got = -1;
    CHECK(rc != MPI_SUCCESS, "%s succeeded", what);
    MPI_OK(MPI_Error_class(rc, &got));
    CHECK(got == cls || got == alt, "%s: error class %d, expected %d", what, got, cls);
}
#define EXPECT(call, cls) expect2((call), (cls), (cls), #call)
#define EXPECT_ALT(call, cls, other) expect2((call), (cls), ALT(cls, other), #call)
/* An erroneous call other implementations do not detect (or crash on): checked with ours only. */
#ifdef MSGPASS_VERSION_STRING
#define EXPECT_OURS(call, cls) EXPECT(call, cls)
#else
#define EXPECT_OURS(call, cls) ((void)sizeof(call))
#endif

/* Everybody still talks: a ring on WORLD and an allreduce. */
static void still_working(const char *after)
{
    chk_case("job works after %s", after);
    int n = chk_size, tok = chk_rank, from = -1, sum = -1;
    MPI_OK(MPI_Sendrecv(&tok, 1, MPI_INT, (chk_rank + 1) % n, 1, &from, 1, MPI_INT, (chk_rank - 1 + n) % n, 1,
                        MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    CHECK_INT(from, (chk_rank - 1 + n) % n, "ring");
    MPI_OK(MPI_Allreduce(&chk_rank, &sum, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD));
    CHECK_INT(sum, n * (n - 1) / 2, "allreduce");
}

static void comm_errors(void)
{
    chk_case("communicator calls");
    int x = -1;
    MPI_Comm c = MPI_COMM_NULL;
    EXPECT(MPI_Comm_size(MPI_COMM_NULL, &x), MPI_ERR_COMM);
#ifdef MSGPASS_VERSION_STRING /* integer handles: a freed or made-up handle is detected */
    MPI_Comm freed;
    MPI_OK(MPI_Comm_dup(MPI_COMM_WORLD, &freed));
    MPI_OK(MPI_Comm_free(&freed));
    freed = MPI_COMM_WORLD + 1000;
    EXPECT(MPI_Comm_rank(freed, &x), MPI_ERR_COMM);
    EXPECT(MPI_Comm_set_info(MPI_COMM_WORLD, 424242), MPI_ERR_INFO);
    EXPECT(MPI_Comm_set_errhandler(MPI_COMM_WORLD, 999), MPI_ERR_ARG);
#endif
    CHECK_INT(x, -1, "output untouched");
    EXPECT(MPI_Comm_dup(MPI_COMM_NULL, &c), MPI_ERR_COMM);
    EXPECT(MPI_Comm_split(MPI_COMM_WORLD, -5, 0, &c), MPI_ERR_ARG);
    CHECK(c == MPI_COMM_NULL, "no communicator from a failed split");
    EXPECT(MPI_Comm_split_type(MPI_COMM_WORLD, 12345, 0, MPI_INFO_NULL, &c), MPI_ERR_ARG);
    MPI_Comm w = MPI_COMM_WORLD;
    EXPECT(MPI_Comm_free(&w), MPI_ERR_COMM);
    MPI_Comm nul = MPI_COMM_NULL;
    EXPECT(MPI_Comm_free(&nul), MPI_ERR_COMM);
    EXPECT(MPI_Comm_compare(MPI_COMM_WORLD, MPI_COMM_NULL, &x), MPI_ERR_COMM);
    EXPECT_OURS(MPI_Comm_remote_size(MPI_COMM_WORLD, &x), MPI_ERR_COMM);
    EXPECT(MPI_Intercomm_merge(MPI_COMM_WORLD, 0, &c), MPI_ERR_COMM);
    EXPECT(MPI_Comm_create(MPI_COMM_WORLD, MPI_GROUP_NULL, &c), MPI_ERR_GROUP);
    EXPECT_ALT(MPI_Intercomm_create(MPI_COMM_WORLD, chk_size, MPI_COMM_WORLD, 0, 1, &c), MPI_ERR_RANK, MPI_ERR_ARG);
    EXPECT(MPI_Comm_set_name(MPI_COMM_NULL, "x"), MPI_ERR_COMM);
    EXPECT(MPI_Comm_test_inter(MPI_COMM_NULL, &x), MPI_ERR_COMM);
    MPI_Group wg;
    MPI_OK(MPI_Comm_group(MPI_COMM_WORLD, &wg));
    EXPECT_ALT(MPI_Comm_create_group(MPI_COMM_WORLD, wg, -1, &c), MPI_ERR_TAG, MPI_ERR_ARG);
    MPI_OK(MPI_Group_free(&wg));
}

static void group_errors(void)
{
    chk_case("group calls");
    MPI_Group wg, g = MPI_GROUP_NULL;
    MPI_OK(MPI_Comm_group(MPI_COMM_WORLD, &wg));
    int x = -1, n = chk_size;
    int out_of_range[1] = {n}, dup[2] = {0, 0}, neg[1] = {-1};
    EXPECT(MPI_Group_size(MPI_GROUP_NULL, &x), MPI_ERR_GROUP);
    EXPECT(MPI_Group_rank(MPI_GROUP_NULL, &x), MPI_ERR_GROUP);
    EXPECT(MPI_Group_incl(wg, 1, out_of_range, &g), MPI_ERR_RANK);
    EXPECT(MPI_Group_incl(wg, 1, neg, &g), MPI_ERR_RANK);
    if (n >= 2) EXPECT_OURS(MPI_Group_incl(wg, 2, dup, &g), MPI_ERR_RANK);
    EXPECT(MPI_Group_excl(wg, 1, out_of_range, &g), MPI_ERR_RANK);
    CHECK(g == MPI_GROUP_NULL, "no group from failed calls");
    int stride0[1][3] = {{0, 0, 0}}, beyond[1][3] = {{0, n, 1}};
    EXPECT_ALT(MPI_Group_range_incl(wg, 1, stride0, &g), MPI_ERR_ARG, MPI_ERR_RANK);
    EXPECT_ALT(MPI_Group_range_incl(wg, 1, beyond, &g), MPI_ERR_RANK, MPI_ERR_ARG);
    EXPECT_ALT(MPI_Group_range_excl(wg, 1, beyond, &g), MPI_ERR_RANK, MPI_ERR_ARG);
    int r2 = -1;
    EXPECT_OURS(MPI_Group_translate_ranks(wg, 1, out_of_range, wg, &r2), MPI_ERR_RANK);
    EXPECT(MPI_Group_union(wg, MPI_GROUP_NULL, &g), MPI_ERR_GROUP);
    EXPECT(MPI_Group_intersection(MPI_GROUP_NULL, wg, &g), MPI_ERR_GROUP);
    EXPECT(MPI_Group_difference(wg, MPI_GROUP_NULL, &g), MPI_ERR_GROUP);
    EXPECT(MPI_Group_compare(wg, MPI_GROUP_NULL, &x), MPI_ERR_GROUP);
    MPI_Group nul = MPI_GROUP_NULL;
    EXPECT(MPI_Group_free(&nul), MPI_ERR_GROUP);
    MPI_OK(MPI_Group_free(&wg));
}

static void topo_errors(void)
{
    chk_case("topology calls");
    int d2[2] = {4, 0}, x = -1, coords[2] = {0, 0}, periods[2] = {0, 0};
    MPI_Comm c = MPI_COMM_NULL;
    if (6 % 4) EXPECT(MPI_Dims_create(6, 2, d2), MPI_ERR_DIMS);
    int dneg[2] = {-1, 0};
    EXPECT(MPI_Dims_create(4, 2, dneg), MPI_ERR_DIMS);
    EXPECT_ALT(MPI_Dims_create(4, -1, d2), MPI_ERR_DIMS, MPI_ERR_ARG);
    int zero[2] = {0, 1}, big[2] = {chk_size + 1, 1};
    EXPECT_ALT(MPI_Cart_create(MPI_COMM_WORLD, 2, zero, periods, 0, &c), MPI_ERR_DIMS, MPI_ERR_OTHER);
    EXPECT_ALT(MPI_Cart_create(MPI_COMM_WORLD, 2, big, periods, 0, &c), MPI_ERR_TOPOLOGY, MPI_ERR_ARG);
    EXPECT_ALT(MPI_Cart_create(MPI_COMM_WORLD, -1, big, periods, 0, &c), MPI_ERR_DIMS, MPI_ERR_ARG);
    CHECK(c == MPI_COMM_NULL, "no communicator from failed Cart_create");
    EXPECT(MPI_Cart_get(MPI_COMM_WORLD, 2, d2, periods, coords), MPI_ERR_TOPOLOGY);
    EXPECT(MPI_Cartdim_get(MPI_COMM_WORLD, &x), MPI_ERR_TOPOLOGY);
    EXPECT(MPI_Cart_rank(MPI_COMM_WORLD, coords, &x), MPI_ERR_TOPOLOGY);
    EXPECT(MPI_Cart_shift(MPI_COMM_WORLD, 0, 1, &x, &x), MPI_ERR_TOPOLOGY);
    int remain[2] = {1, 0};
    EXPECT(MPI_Cart_sub(MPI_COMM_WORLD, remain, &c), MPI_ERR_TOPOLOGY);
    EXPECT(MPI_Topo_test(MPI_COMM_NULL, &x), MPI_ERR_COMM);

    int dims[2] = {chk_size, 1};
    MPI_Comm cart;
    MPI_OK(MPI_Cart_create(MPI_COMM_WORLD, 2, dims, periods, 0, &cart));
    int off[2] = {chk_size, 0};
    EXPECT_ALT(MPI_Cart_rank(cart, off, &x), MPI_ERR_ARG, MPI_ERR_RANK);
    EXPECT_OURS(MPI_Cart_coords(cart, chk_size, 2, coords), MPI_ERR_RANK);
    EXPECT_OURS(MPI_Cart_coords(cart, 0, 1, coords), MPI_ERR_ARG);
    EXPECT_OURS(MPI_Cart_shift(cart, 2, 1, &x, &x), MPI_ERR_ARG);
    EXPECT_ALT(MPI_Cart_shift(cart, -1, 1, &x, &x), MPI_ERR_ARG, MPI_ERR_DIMS);
    EXPECT_OURS(MPI_Cart_get(cart, 1, d2, periods, coords), MPI_ERR_ARG);
    MPI_OK(MPI_Comm_free(&cart));
}

static void attr_errors(void)
{
    chk_case("attribute calls");
    int k = MPI_KEYVAL_INVALID, tk, flag = -1;
    void *v;
    MPI_OK(MPI_Comm_create_keyval(MPI_COMM_NULL_COPY_FN, MPI_COMM_NULL_DELETE_FN, &k, NULL));
    MPI_OK(MPI_Type_create_keyval(MPI_TYPE_NULL_COPY_FN, MPI_TYPE_NULL_DELETE_FN, &tk, NULL));
    EXPECT_ALT(MPI_Comm_set_attr(MPI_COMM_WORLD, 987654, NULL), MPI_ERR_KEYVAL, MPI_ERR_OTHER);
    EXPECT_OURS(MPI_Comm_get_attr(MPI_COMM_WORLD, tk, &v, &flag), MPI_ERR_KEYVAL);
    EXPECT_OURS(MPI_Type_get_attr(MPI_INT, k, &v, &flag), MPI_ERR_KEYVAL);
    EXPECT_ALT(MPI_Comm_set_attr(MPI_COMM_WORLD, MPI_TAG_UB, NULL), MPI_ERR_KEYVAL, MPI_ERR_OTHER);
    EXPECT(MPI_Comm_set_attr(MPI_COMM_NULL, k, NULL), MPI_ERR_COMM);
    EXPECT(MPI_Type_set_attr(MPI_DATATYPE_NULL, tk, NULL), MPI_ERR_TYPE);
    int pre = MPI_TAG_UB;
    EXPECT_ALT(MPI_Comm_free_keyval(&pre), MPI_ERR_KEYVAL, MPI_ERR_OTHER);
    int kk = k;
    MPI_OK(MPI_Comm_free_keyval(&kk));
    EXPECT_ALT(MPI_Comm_free_keyval(&k), MPI_ERR_KEYVAL, MPI_ERR_OTHER);
    EXPECT_ALT(MPI_Comm_set_attr(MPI_COMM_WORLD, k, NULL), MPI_ERR_KEYVAL, MPI_ERR_OTHER);
    MPI_OK(MPI_Type_free_keyval(&tk));
}

static void handler_errors(void)
{
    chk_case("error handler and error code calls");
    int x = -1;
    char s[MPI_MAX_ERROR_STRING];
    EXPECT(MPI_Error_string(-5, s, &x), MPI_ERR_ARG);
    EXPECT(MPI_Error_class(1 << 28, &x), MPI_ERR_ARG);
    EXPECT(MPI_Add_error_code(1 << 28, &x), MPI_ERR_ARG);
    EXPECT(MPI_Add_error_string(MPI_ERR_TAG, "mine"), MPI_ERR_ARG);
}

static MPI_Comm seen_comm;
static int seen_code, seen_calls;
static void record(MPI_Comm *comm, int *code, ...)
{
    seen_comm = *comm;
    seen_code = *code;
    seen_calls++;
}

static void user_handlers(void)
{
    chk_case("user error handler");
    MPI_Errhandler h, got;
    MPI_OK(MPI_Comm_create_errhandler(record, &h));
    MPI_Comm d;
    MPI_OK(MPI_Comm_dup(MPI_COMM_WORLD, &d));
    MPI_OK(MPI_Comm_set_errhandler(d, h));
    MPI_OK(MPI_Errhandler_free(&h));
    CHECK(h == MPI_ERRHANDLER_NULL, "Errhandler_free sets MPI_ERRHANDLER_NULL");
    int x = 1;
    int rc = MPI_Send(&x, 1, MPI_INT, chk_size + 3, 0, d);
    int cls = -1;
    MPI_OK(MPI_Error_class(rc, &cls));
    CHECK_INT(cls, MPI_ERR_RANK, "class returned after the handler ran");
    CHECK_INT(seen_calls, 1, "handler calls");
    CHECK(seen_comm == d, "handler saw the communicator");
    MPI_OK(MPI_Error_class(seen_code, &cls));
    CHECK_INT(cls, MPI_ERR_RANK, "handler saw the code");
    MPI_OK(MPI_Comm_get_errhandler(d, &got));
    MPI_Comm d2;
    MPI_OK(MPI_Comm_dup(d, &d2));
    MPI_OK(MPI_Comm_call_errhandler(d2, MPI_ERR_OTHER));
    CHECK_INT(seen_calls, 2, "a dup inherits the handler; Comm_call_errhandler calls it");
    CHECK(seen_comm == d2 && seen_code == MPI_ERR_OTHER, "call_errhandler arguments");
    MPI_OK(MPI_Comm_free(&d2));
    MPI_OK(MPI_Comm_free(&d));
    /* The handle from Comm_get_errhandler still works after the communicators are gone. */
    MPI_OK(MPI_Comm_dup(MPI_COMM_WORLD, &d));
    MPI_OK(MPI_Comm_set_errhandler(d, got));
    MPI_OK(MPI_Comm_call_errhandler(d, MPI_ERR_ARG));
    CHECK_INT(seen_calls, 3, "handler kept alive by the get_errhandler reference");
    MPI_OK(MPI_Errhandler_free(&got));
    MPI_OK(MPI_Comm_free(&d));
    MPI_OK(MPI_Comm_call_errhandler(MPI_COMM_WORLD, MPI_ERR_OTHER));
    CHECK_INT(seen_calls, 3, "ERRORS_RETURN on WORLD: nothing called");

    chk_case("added classes, codes and strings");
    int c1, code1, code2, len = -1;
    char s[MPI_MAX_ERROR_STRING];
    MPI_OK(MPI_Add_error_class(&c1));
    MPI_OK(MPI_Add_error_code(c1, &code1));
    MPI_OK(MPI_Add_error_code(MPI_ERR_ARG, &code2));
    MPI_OK(MPI_Add_error_string(c1, "my class"));
    MPI_OK(MPI_Add_error_string(code1, "my code"));
    MPI_OK(MPI_Error_class(code1, &cls));
    CHECK_INT(cls, c1, "class of the added code");
    MPI_OK(MPI_Error_class(code2, &cls));
    CHECK_INT(cls, MPI_ERR_ARG, "class of a code added to MPI_ERR_ARG");
    MPI_OK(MPI_Error_string(code1, s, &len));
    CHECK(!strcmp(s, "my code") && len == 7, "string of the code: '%s'", s);
    MPI_OK(MPI_Error_string(c1, s, &len));
    CHECK(!strcmp(s, "my class"), "string of the class: '%s'", s);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    rc = MPI_Comm_call_errhandler(MPI_COMM_WORLD, code1);
    CHECK_INT(rc, MPI_SUCCESS, "call_errhandler with ERRORS_RETURN");

    chk_case("Error_string of every predefined class");
    int classes[] = {MPI_SUCCESS,        MPI_ERR_BUFFER,   MPI_ERR_COUNT,
                     MPI_ERR_TYPE,       MPI_ERR_TAG,      MPI_ERR_COMM,
                     MPI_ERR_RANK,       MPI_ERR_REQUEST,  MPI_ERR_ROOT,
                     MPI_ERR_GROUP,      MPI_ERR_OP,       MPI_ERR_TOPOLOGY,
                     MPI_ERR_DIMS,       MPI_ERR_ARG,      MPI_ERR_UNKNOWN,
                     MPI_ERR_TRUNCATE,   MPI_ERR_OTHER,    MPI_ERR_INTERN,
                     MPI_ERR_IN_STATUS,  MPI_ERR_PENDING,  MPI_ERR_NO_MEM,
                     MPI_ERR_KEYVAL,     MPI_ERR_INFO_KEY, MPI_ERR_INFO_VALUE,
                     MPI_ERR_INFO_NOKEY, MPI_ERR_INFO,     MPI_ERR_UNSUPPORTED_OPERATION};
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++) {
        s[0] = 0;
        len = -1;
        MPI_OK(MPI_Error_string(classes[i], s, &len));
        CHECK(len > 0 && (size_t)len == strlen(s) && len < MPI_MAX_ERROR_STRING, "class %d: string of %d", classes[i],
              len);
        MPI_OK(MPI_Error_class(classes[i], &cls));
        CHECK_INT(cls, classes[i], "Error_class of a class");
    }
    MPI_OK(MPI_Error_string(MPI_ERR_LASTCODE, s, &len));
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    chk_begin("err_classes");
    MPI_OK(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN));
    MPI_OK(MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN));
    comm_errors();
    still_working("communicator errors");
    group_errors();
    still_working("group errors");
    topo_errors();
    still_working("topology errors");
    attr_errors();
    handler_errors();
    still_working("attribute and handler errors");
    user_handlers();
    still_working("user handlers");
    return chk_end();
}
