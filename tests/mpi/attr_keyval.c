/* attr_keyval: attribute caching. Comm keyvals with counting copy/delete callbacks (run on
 * Comm_dup, Comm_free, Comm_delete_attr, and when a set replaces a value), MPI_COMM_DUP_FN /
 * MPI_COMM_NULL_COPY_FN / MPI_COMM_NULL_DELETE_FN, a copy callback that declines, extra_state
 * passed through, Comm_free_keyval while attributes remain (callbacks still run later), the
 * predefined attributes of WORLD (TAG_UB, HOST, IO, WTIME_IS_GLOBAL, UNIVERSE_SIZE, APPNUM,
 * LASTUSEDCODE, which follows MPI_Add_error_class), and Type keyvals on a predefined and a
 * derived datatype. Any rank count >= 1. */
#include "check.h"

static int copies, deletes;
static void *last_deleted;

static int count_copy(MPI_Comm old, int keyval, void *extra, void *in, void *out, int *flag)
{
    (void)old, (void)keyval;
    copies++;
    CHECK(extra == (void *)&copies, "extra_state passed to the copy callback");
    /* The copy holds the value plus one, so dup'd values can be told apart. */
    *(void **)out = (void *)((char *)in + 1);
    *flag = 1;
    return MPI_SUCCESS;
}

static int decline_copy(MPI_Comm old, int keyval, void *extra, void *in, void *out, int *flag)
{
    (void)old, (void)keyval, (void)extra, (void)in, (void)out;
    copies++;
    *flag = 0;
    return MPI_SUCCESS;
}

static int count_delete(MPI_Comm comm, int keyval, void *value, void *extra)
{
    (void)comm, (void)keyval, (void)extra;
    deletes++;
    last_deleted = value;
    return MPI_SUCCESS;
}

static void comm_attrs(void)
{
    static char base[16];
    int k1, k2, k3, flag = -1;
    void *v = NULL;
    chk_case("create keyvals, set and get");
    MPI_OK(MPI_Comm_create_keyval(count_copy, count_delete, &k1, &copies));
    MPI_OK(MPI_Comm_create_keyval(decline_copy, count_delete, &k2, NULL));
    MPI_OK(MPI_Comm_create_keyval(MPI_COMM_DUP_FN, MPI_COMM_NULL_DELETE_FN, &k3, NULL));
    CHECK(k1 != k2 && k2 != k3 && k1 != k3, "keyvals %d %d %d not distinct", k1, k2, k3);
    MPI_Comm c;
    MPI_OK(MPI_Comm_dup(MPI_COMM_WORLD, &c));
    MPI_OK(MPI_Comm_get_attr(c, k1, &v, &flag));
    CHECK_INT(flag, 0, "no attribute yet");
    MPI_OK(MPI_Comm_set_attr(c, k1, base));
    MPI_OK(MPI_Comm_set_attr(c, k2, base + 5));
    MPI_OK(MPI_Comm_set_attr(c, k3, base + 10));
    MPI_OK(MPI_Comm_get_attr(c, k1, &v, &flag));
    CHECK(flag == 1 && v == base, "get k1: flag %d", flag);

    chk_case("replacing a value runs the delete callback on the old one");
    deletes = 0;
    MPI_OK(MPI_Comm_set_attr(c, k1, base + 1));
    CHECK(deletes == 1 && last_deleted == base, "deletes %d", deletes);
    MPI_OK(MPI_Comm_get_attr(c, k1, &v, &flag));
    CHECK(flag == 1 && v == base + 1, "replaced value");

    chk_case("Comm_dup runs the copy callbacks");
    copies = deletes = 0;
    MPI_Comm d;
    MPI_OK(MPI_Comm_dup(c, &d));
    CHECK_INT(copies, 2, "copy callbacks run");
    MPI_OK(MPI_Comm_get_attr(d, k1, &v, &flag));
    CHECK(flag == 1 && v == base + 2, "k1 copied through the callback (flag %d)", flag);
    MPI_OK(MPI_Comm_get_attr(d, k2, &v, &flag));
    CHECK_INT(flag, 0, "k2 declined by its copy callback");
    MPI_OK(MPI_Comm_get_attr(d, k3, &v, &flag));
    CHECK(flag == 1 && v == base + 10, "k3 copied by MPI_COMM_DUP_FN");
    MPI_OK(MPI_Comm_get_attr(c, k1, &v, &flag));
    CHECK(flag == 1 && v == base + 1, "original keeps its value");

    chk_case("delete_attr and free run the delete callbacks");
    MPI_OK(MPI_Comm_delete_attr(d, k1));
    CHECK(deletes == 1 && last_deleted == base + 2, "delete_attr: deletes %d", deletes);
    MPI_OK(MPI_Comm_get_attr(d, k1, &v, &flag));
    CHECK_INT(flag, 0, "deleted attribute is gone");
    MPI_OK(MPI_Comm_free(&d));
    CHECK_INT(deletes, 1, "free of d: no counted attribute left");
    MPI_OK(MPI_Comm_free_keyval(&k1));
    CHECK(k1 == MPI_KEYVAL_INVALID, "free_keyval sets MPI_KEYVAL_INVALID");
    deletes = 0;
    MPI_OK(MPI_Comm_free(&c));
    CHECK_INT(deletes, 2, "free of c runs k1's (freed keyval) and k2's delete callbacks");
    MPI_OK(MPI_Comm_free_keyval(&k2));
    MPI_OK(MPI_Comm_free_keyval(&k3));

    chk_case("MPI_COMM_NULL_COPY_FN");
    MPI_OK(MPI_Comm_create_keyval(MPI_COMM_NULL_COPY_FN, MPI_COMM_NULL_DELETE_FN, &k1, NULL));
    MPI_OK(MPI_Comm_set_attr(MPI_COMM_WORLD, k1, base));
    MPI_OK(MPI_Comm_dup(MPI_COMM_WORLD, &d));
    MPI_OK(MPI_Comm_get_attr(d, k1, &v, &flag));
    CHECK_INT(flag, 0, "not copied by MPI_COMM_NULL_COPY_FN");
    MPI_OK(MPI_Comm_free(&d));
    MPI_OK(MPI_Comm_delete_attr(MPI_COMM_WORLD, k1));
    MPI_OK(MPI_Comm_free_keyval(&k1));
}

static void predefined(void)
{
    chk_case("predefined attributes of WORLD");
    int *p = NULL, flag = 0;
    MPI_OK(MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_TAG_UB, &p, &flag));
    CHECK(flag && *p >= 32767, "TAG_UB (flag %d)", flag);
    int tag_ub = *p;
    /* The largest tag must really work. */
    int x = 5, y = 0;
    MPI_OK(MPI_Sendrecv(&x, 1, MPI_INT, chk_rank, tag_ub, &y, 1, MPI_INT, chk_rank, tag_ub, MPI_COMM_WORLD,
                        MPI_STATUS_IGNORE));
    CHECK_INT(y, 5, "message with tag TAG_UB");
    MPI_OK(MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_HOST, &p, &flag));
    CHECK(flag && (*p == MPI_PROC_NULL || (*p >= 0 && *p < chk_size)), "HOST");
    MPI_OK(MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_IO, &p, &flag));
    CHECK(flag && (*p == MPI_ANY_SOURCE || *p == MPI_PROC_NULL || (*p >= 0 && *p < chk_size)), "IO");
    MPI_OK(MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_WTIME_IS_GLOBAL, &p, &flag));
    CHECK(!flag || *p == 0 || *p == 1, "WTIME_IS_GLOBAL");
    MPI_OK(MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_UNIVERSE_SIZE, &p, &flag));
#ifdef MSGPASS_VERSION_STRING
    CHECK(flag && *p == chk_size, "UNIVERSE_SIZE is the job's size");
#else
    CHECK(!flag || *p >= 1, "UNIVERSE_SIZE");
#endif
    MPI_OK(MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_APPNUM, &p, &flag));
    CHECK(!flag || *p >= 0, "APPNUM");
    MPI_OK(MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_LASTUSEDCODE, &p, &flag));
    CHECK(flag, "LASTUSEDCODE present");
    int before = *p, cls;
    MPI_OK(MPI_Add_error_class(&cls));
    CHECK(cls > before, "new class %d above LASTUSEDCODE %d", cls, before);
    MPI_OK(MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_LASTUSEDCODE, &p, &flag));
    CHECK(flag && *p >= cls, "LASTUSEDCODE follows Add_error_class (%d < %d)", *p, cls);
}

static int type_deletes;
static int type_delete(MPI_Datatype t, int keyval, void *value, void *extra)
{
    (void)t, (void)keyval, (void)value, (void)extra;
    type_deletes++;
    return MPI_SUCCESS;
}

static void type_attrs(void)
{
    chk_case("Type keyvals");
    static char base[4];
    int k, flag = -1;
    void *v = NULL;
    MPI_OK(MPI_Type_create_keyval(MPI_TYPE_DUP_FN, type_delete, &k, NULL));
    MPI_OK(MPI_Type_get_attr(MPI_INT, k, &v, &flag));
    CHECK_INT(flag, 0, "no attribute on MPI_INT yet");
    MPI_OK(MPI_Type_set_attr(MPI_INT, k, base));
    MPI_OK(MPI_Type_get_attr(MPI_INT, k, &v, &flag));
    CHECK(flag && v == base, "attribute on MPI_INT");
    MPI_OK(MPI_Type_get_attr(MPI_DOUBLE, k, &v, &flag));
    CHECK_INT(flag, 0, "MPI_DOUBLE has none");
    MPI_Datatype t;
    MPI_OK(MPI_Type_contiguous(3, MPI_INT, &t));
    MPI_OK(MPI_Type_set_attr(t, k, base + 1));
    MPI_OK(MPI_Type_get_attr(t, k, &v, &flag));
    CHECK(flag && v == base + 1, "attribute on a derived type");
    type_deletes = 0;
    MPI_OK(MPI_Type_delete_attr(t, k));
    MPI_OK(MPI_Type_delete_attr(MPI_INT, k));
    CHECK_INT(type_deletes, 2, "type delete callbacks");
    MPI_OK(MPI_Type_free(&t));
    MPI_OK(MPI_Type_free_keyval(&k));
    CHECK(k == MPI_KEYVAL_INVALID, "Type_free_keyval sets MPI_KEYVAL_INVALID");
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    chk_begin("attr_keyval");
    comm_attrs();
    predefined();
    type_attrs();
    return chk_end();
}
