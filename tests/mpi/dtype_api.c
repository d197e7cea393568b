/* dtype_api: the datatype calls on their own (each rank alone, messages to itself): sizes and
 * extents (+ _x and the MPI-1 names), envelopes and contents of every combiner, names, Type_dup,
 * MPI_Get_address, MPI_Pack/MPI_Unpack at offsets, Get_count and Get_elements of partial
 * messages, and the error class of every bad argument (MPI_ERRORS_RETURN), after which the
 * library still works. */
#include "check.h"

#include <stddef.h>

static void class_is(int rc, int want, const char *what)
{
    int cls = -1;
    CHECK(rc != MPI_SUCCESS, "%s: returned MPI_SUCCESS, expected class %d", what, want);
    MPI_OK(MPI_Error_class(rc, &cls));
    CHECK(cls == want, "%s: error class %d, expected %d", what, cls, want);
}

static void extent_is(MPI_Datatype t, int size, MPI_Aint lb, MPI_Aint extent, MPI_Aint tlb, MPI_Aint textent,
                      const char *what)
{
    int s = -1;
    MPI_Count sx = -1, lbx = -1, extx = -1;
    MPI_Aint l = -1, e = -1;
    MPI_OK(MPI_Type_size(t, &s));
    CHECK(s == size, "%s: size %d, expected %d", what, s, size);
    MPI_OK(MPI_Type_size_x(t, &sx));
    CHECK(sx == size, "%s: size_x %lld", what, (long long)sx);
    MPI_OK(MPI_Type_get_extent(t, &l, &e));
    CHECK(l == lb && e == extent, "%s: lb %ld extent %ld, expected %ld %ld", what, (long)l, (long)e, (long)lb,
          (long)extent);
    MPI_OK(MPI_Type_get_extent_x(t, &lbx, &extx));
    CHECK(lbx == lb && extx == extent, "%s: extent_x", what);
    MPI_OK(MPI_Type_get_true_extent(t, &l, &e));
    CHECK(l == tlb && e == textent, "%s: true lb %ld true extent %ld, expected %ld %ld", what, (long)l, (long)e,
          (long)tlb, (long)textent);
    MPI_OK(MPI_Type_get_true_extent_x(t, &lbx, &extx));
    CHECK(lbx == tlb && extx == textent, "%s: true_extent_x", what);
}

/* Envelope and contents must give back what the type was made from. */
static void contents_are(MPI_Datatype t, int combiner, int ni, const int *ints, int na, const MPI_Aint *aints, int nd,
                         const MPI_Datatype *types, const char *what)
{
    int gi = -1, ga = -1, gd = -1, gc = -1;
    MPI_OK(MPI_Type_get_envelope(t, &gi, &ga, &gd, &gc));
    CHECK(gc == combiner && gi == ni && ga == na && gd == nd, "%s: envelope %d/%d/%d combiner %d", what, gi, ga, gd,
          gc);
    int gints[16];
    MPI_Aint gaints[16];
    MPI_Datatype gtypes[16];
    /* Exactly the envelope's counts: Open MPI walks all max_datatypes entries it is given. */
    MPI_OK(MPI_Type_get_contents(t, gi, ga, gd, gints, gaints, gtypes));
    for (int i = 0; i < ni; i++)
        CHECK(gints[i] == ints[i], "%s: integer %d is %d, expected %d", what, i, gints[i], ints[i]);
    for (int i = 0; i < na; i++) CHECK(gaints[i] == aints[i], "%s: address %d", what, i);
    for (int i = 0; i < nd; i++) {
        int s1 = -1, s2 = -2, c = -1, x;
        MPI_OK(MPI_Type_size(gtypes[i], &s1));
        MPI_OK(MPI_Type_size(types[i], &s2));
        CHECK(s1 == s2, "%s: type %d has size %d, expected %d", what, i, s1, s2);
        MPI_OK(MPI_Type_get_envelope(gtypes[i], &x, &x, &x, &c));
        if (c == MPI_COMBINER_NAMED)
            CHECK(gtypes[i] == types[i], "%s: predefined type %d came back as another handle", what, i);
        else
            MPI_OK(MPI_Type_free(&gtypes[i]));
    }
}

/* The MPI-1 names removed in MPI-3.0: Open MPI no longer declares them, libmsgpass does for
 * older codes. */
static void legacy_names(MPI_Datatype hx)
{
#ifdef MSGPASS_VERSION_STRING
    MPI_Aint e = -1;
    MPI_OK(MPI_Type_extent(hx, &e));
    CHECK(e == 28, "MPI_Type_extent %ld", (long)e);
    MPI_OK(MPI_Type_lb(hx, &e));
    CHECK(e == -16, "MPI_Type_lb %ld", (long)e);
    MPI_OK(MPI_Type_ub(hx, &e));
    CHECK(e == 12, "MPI_Type_ub %ld", (long)e);
    MPI_Datatype hv, hi, st;
    MPI_OK(MPI_Type_hvector(2, 1, 100, MPI_INT, &hv));
    extent_is(hv, 8, 0, 104, 0, 104, "MPI_Type_hvector");
    MPI_OK(MPI_Type_hindexed(2, (int[]){2, 1}, (MPI_Aint[]){-16, 8}, MPI_FLOAT, &hi));
    extent_is(hi, 12, -16, 28, -16, 28, "MPI_Type_hindexed");
    MPI_OK(MPI_Type_struct(2, (int[]){1, 1}, (MPI_Aint[]){0, 4}, (MPI_Datatype[]){MPI_INT, MPI_CHAR}, &st));
    extent_is(st, 5, 0, 8, 0, 5, "MPI_Type_struct");
    int x[2];
    MPI_Aint a0, a1;
    MPI_OK(MPI_Address(&x[0], &a0));
    MPI_OK(MPI_Address(&x[1], &a1));
    CHECK(a1 - a0 == (MPI_Aint)sizeof(int), "MPI_Address difference %ld", (long)(a1 - a0));
    MPI_OK(MPI_Type_free(&hv));
    MPI_OK(MPI_Type_free(&hi));
    MPI_OK(MPI_Type_free(&st));
#else
    (void)hx;
#endif
}

static void constructors(void)
{
    chk_case("constructors: extents and contents");
    MPI_Datatype c, v, hv, ix, hx, ib, hb, st, rs, sa, d;
    MPI_OK(MPI_Type_contiguous(3, MPI_INT, &c));
    extent_is(c, 12, 0, 12, 0, 12, "contiguous");
    contents_are(c, MPI_COMBINER_CONTIGUOUS, 1, (int[]){3}, 0, NULL, 1, (MPI_Datatype[]){MPI_INT}, "contiguous");

    MPI_OK(MPI_Type_vector(3, 2, 4, MPI_DOUBLE, &v));
    extent_is(v, 48, 0, 80, 0, 80, "vector");
    contents_are(v, MPI_COMBINER_VECTOR, 3, (int[]){3, 2, 4}, 0, NULL, 1, (MPI_Datatype[]){MPI_DOUBLE}, "vector");

    MPI_OK(MPI_Type_create_hvector(2, 1, 100, c, &hv));
    extent_is(hv, 24, 0, 112, 0, 112, "hvector");
    contents_are(hv, MPI_COMBINER_HVECTOR, 2, (int[]){2, 1}, 1, (MPI_Aint[]){100}, 1, (MPI_Datatype[]){c}, "hvector");

    MPI_OK(MPI_Type_indexed(2, (int[]){1, 3}, (int[]){4, 0}, MPI_SHORT, &ix));
    extent_is(ix, 8, 0, 10, 0, 10, "indexed");
    contents_are(ix, MPI_COMBINER_INDEXED, 5, (int[]){2, 1, 3, 4, 0}, 0, NULL, 1, (MPI_Datatype[]){MPI_SHORT},
                 "indexed");

    MPI_OK(MPI_Type_create_hindexed(2, (int[]){2, 1}, (MPI_Aint[]){-16, 8}, MPI_FLOAT, &hx));
    extent_is(hx, 12, -16, 28, -16, 28, "hindexed");
    contents_are(hx, MPI_COMBINER_HINDEXED, 3, (int[]){2, 2, 1}, 2, (MPI_Aint[]){-16, 8}, 1,
                 (MPI_Datatype[]){MPI_FLOAT}, "hindexed");

    MPI_OK(MPI_Type_create_indexed_block(3, 2, (int[]){0, 5, 2}, MPI_CHAR, &ib));
    extent_is(ib, 6, 0, 7, 0, 7, "indexed_block");
    contents_are(ib, MPI_COMBINER_INDEXED_BLOCK, 5, (int[]){3, 2, 0, 5, 2}, 0, NULL, 1, (MPI_Datatype[]){MPI_CHAR},
                 "indexed_block");

    MPI_OK(MPI_Type_create_hindexed_block(2, 1, (MPI_Aint[]){40, 8}, v, &hb));
    extent_is(hb, 96, 8, 112, 8, 112, "hindexed_block");
    contents_are(hb, MPI_COMBINER_HINDEXED_BLOCK, 2, (int[]){2, 1}, 2, (MPI_Aint[]){40, 8}, 1, (MPI_Datatype[]){v},
                 "hindexed_block");

    MPI_OK(MPI_Type_create_struct(2, (int[]){1, 2}, (MPI_Aint[]){0, 8}, (MPI_Datatype[]){MPI_CHAR, MPI_DOUBLE}, &st));
    extent_is(st, 17, 0, 24, 0, 24, "struct");
    contents_are(st, MPI_COMBINER_STRUCT, 3, (int[]){2, 1, 2}, 2, (MPI_Aint[]){0, 8}, 2,
                 (MPI_Datatype[]){MPI_CHAR, MPI_DOUBLE}, "struct");

    MPI_OK(MPI_Type_create_resized(v, -8, 96, &rs));
    extent_is(rs, 48, -8, 96, 0, 80, "resized");
    contents_are(rs, MPI_COMBINER_RESIZED, 0, NULL, 2, (MPI_Aint[]){-8, 96}, 1, (MPI_Datatype[]){v}, "resized");

    MPI_OK(MPI_Type_create_subarray(2, (int[]){4, 5}, (int[]){2, 3}, (int[]){1, 2}, MPI_ORDER_C, MPI_INT, &sa));
    extent_is(sa, 24, 0, 80, 28, 32, "subarray");
    contents_are(sa, MPI_COMBINER_SUBARRAY, 8, (int[]){2, 4, 5, 2, 3, 1, 2, MPI_ORDER_C}, 0, NULL, 1,
                 (MPI_Datatype[]){MPI_INT}, "subarray");

    MPI_OK(MPI_Type_commit(&st));
    MPI_OK(MPI_Type_dup(st, &d));
    extent_is(d, 17, 0, 24, 0, 24, "dup");
    contents_are(d, MPI_COMBINER_DUP, 0, NULL, 0, NULL, 1, (MPI_Datatype[]){st}, "dup");
    /* A duplicate of a committed type is committed. */
    char buf[64];
    int pos = 0;
    double src[3] = {0};
    MPI_OK(MPI_Pack(src, 1, d, buf, sizeof buf, &pos, MPI_COMM_SELF));
    CHECK_INT(pos, 17, "packed bytes of the dup");

    int gi, ga, gd, gc;
    MPI_OK(MPI_Type_get_envelope(MPI_INT, &gi, &ga, &gd, &gc));
    CHECK(gc == MPI_COMBINER_NAMED && gi == 0 && ga == 0 && gd == 0, "envelope of MPI_INT");

    legacy_names(hx);

    /* Parts freed before their users: the users stay whole. */
    MPI_OK(MPI_Type_free(&v));
    extent_is(rs, 48, -8, 96, 0, 80, "resized after its part was freed");
    MPI_Datatype all[] = {c, hv, ix, hx, ib, hb, st, rs, sa, d};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) MPI_OK(MPI_Type_free(&all[i]));

    MPI_Datatype empty;
    MPI_OK(MPI_Type_create_struct(0, NULL, NULL, NULL, &empty));
    extent_is(empty, 0, 0, 0, 0, 0, "empty struct");
    MPI_OK(MPI_Type_free(&empty));

    int s = 0;
    MPI_OK(MPI_Type_size(MPI_CXX_DOUBLE_COMPLEX, &s));
    CHECK_INT(s, 2 * (int)sizeof(double), "size of MPI_CXX_DOUBLE_COMPLEX");
    MPI_OK(MPI_Type_size(MPI_C_COMPLEX, &s));
    CHECK_INT(s, 2 * (int)sizeof(float), "size of MPI_C_COMPLEX");
}

static void names(void)
{
    chk_case("type names");
    char name[MPI_MAX_OBJECT_NAME];
    int len = -1;
    MPI_OK(MPI_Type_get_name(MPI_DOUBLE, name, &len));
    CHECK(strcmp(name, "MPI_DOUBLE") == 0 && len == 10, "name of MPI_DOUBLE: '%s'", name);
    MPI_Datatype t;
    MPI_OK(MPI_Type_contiguous(2, MPI_INT, &t));
    MPI_OK(MPI_Type_get_name(t, name, &len));
    CHECK(len == 0 && name[0] == 0, "a new type has an empty name, got '%s'", name);
    MPI_OK(MPI_Type_set_name(t, "pair of ints"));
    MPI_OK(MPI_Type_get_name(t, name, &len));
    CHECK(strcmp(name, "pair of ints") == 0 && len == 12, "name '%s'", name);
    MPI_OK(MPI_Type_free(&t));
}

static void addresses(void)
{
    chk_case("MPI_Get_address");
    double a[4];
    MPI_Aint p0, p3;
    MPI_OK(MPI_Get_address(&a[0], &p0));
    MPI_OK(MPI_Get_address(&a[3], &p3));
    CHECK(p3 - p0 == 3 * (MPI_Aint)sizeof(double), "address difference %ld", (long)(p3 - p0));
    /* Absolute addresses with MPI_BOTTOM */
    MPI_Datatype t;
    MPI_OK(MPI_Type_create_hindexed(2, (int[]){1, 1}, (MPI_Aint[]){p3, p0}, MPI_DOUBLE, &t));
    MPI_OK(MPI_Type_commit(&t));
    a[0] = 1.5;
    a[3] = 2.5;
    double out[2] = {0, 0};
    MPI_Status st;
    MPI_OK(MPI_Sendrecv(MPI_BOTTOM, 1, t, 0, 1, out, 2, MPI_DOUBLE, 0, 1, MPI_COMM_SELF, &st));
    CHECK(out[0] == 2.5 && out[1] == 1.5, "sent from MPI_BOTTOM: %g %g", out[0], out[1]);
    MPI_OK(MPI_Type_free(&t));
}

static void pack_offsets(void)
{
    chk_case("MPI_Pack / MPI_Unpack at offsets");
    int m[6][4];
    for (int i = 0; i < 24; i++) m[i / 4][i % 4] = i;
    MPI_Datatype col;
    MPI_OK(MPI_Type_vector(6, 1, 4, MPI_INT, &col));
    MPI_OK(MPI_Type_commit(&col));
    char buf[200];
    int pos = 3, size = 0;
    MPI_OK(MPI_Pack_size(2, col, MPI_COMM_WORLD, &size));
    CHECK(size >= 48, "Pack_size %d", size);
    MPI_OK(MPI_Pack(&m[0][1], 1, col, buf, sizeof buf, &pos, MPI_COMM_WORLD));
    MPI_OK(MPI_Pack(&m[0][2], 1, col, buf, sizeof buf, &pos, MPI_COMM_WORLD));
    CHECK_INT(pos, 3 + 48, "position after two columns");
    int flat[12], p2 = 3;
    MPI_OK(MPI_Unpack(buf, pos, &p2, flat, 12, MPI_INT, MPI_COMM_WORLD));
    for (int i = 0; i < 12; i++) CHECK_INT(flat[i], (i % 6) * 4 + 1 + i / 6, "unpacked column element");
    int back[6][4];
    memset(back, 0, sizeof back);
    p2 = 3;
    MPI_OK(MPI_Unpack(buf, pos, &p2, &back[0][3], 1, col, MPI_COMM_WORLD));
    for (int i = 0; i < 6; i++) CHECK(back[i][3] == m[i][1] && back[i][0] == 0, "unpacked into a column, row %d", i);
    /* Too small: the class is not fixed by the standard; Open MPI says TRUNCATE, others ARG. */
    pos = 190;
    int rc = MPI_Pack(&m[0][0], 1, col, buf, sizeof buf, &pos, MPI_COMM_WORLD), cls = -1;
    MPI_Error_class(rc, &cls);
    CHECK(cls == MPI_ERR_TRUNCATE || cls == MPI_ERR_ARG, "MPI_Pack past the end: class %d", cls);
    CHECK_INT(pos, 190, "position after a failed pack");
    MPI_OK(MPI_Type_free(&col));
}

static void counts(void)
{
    chk_case("Get_count / Get_elements");
    int data[5] = {1, 2, 3, 4, 5}, got[6] = {0};
    MPI_Datatype two;
    MPI_OK(MPI_Type_contiguous(2, MPI_INT, &two));
    MPI_OK(MPI_Type_commit(&two));
    MPI_Status st;
    MPI_OK(MPI_Sendrecv(data, 5, MPI_INT, 0, 2, got, 3, two, 0, 2, MPI_COMM_SELF, &st));
    int n = 0;
    MPI_OK(MPI_Get_count(&st, two, &n));
    CHECK_INT(n, MPI_UNDEFINED, "Get_count of 2.5 pairs");
    MPI_OK(MPI_Get_elements(&st, two, &n));
    CHECK_INT(n, 5, "Get_elements of 2.5 pairs");
    MPI_OK(MPI_Get_count(&st, MPI_INT, &n));
    CHECK_INT(n, 5, "Get_count in ints");
    for (int i = 0; i < 5; i++) CHECK_INT(got[i], i + 1, "received int");
    CHECK_INT(got[5], 0, "int past the message");
    MPI_OK(MPI_Type_free(&two));
}

static void errors(void)
{
    chk_case("error classes");
    MPI_Datatype t = MPI_DATATYPE_NULL, ok;
    class_is(MPI_Type_contiguous(-1, MPI_INT, &t), MPI_ERR_COUNT, "contiguous, negative count");
    class_is(MPI_Type_contiguous(2, MPI_DATATYPE_NULL, &t), MPI_ERR_TYPE, "contiguous of MPI_DATATYPE_NULL");
    class_is(MPI_Type_vector(2, -1, 1, MPI_INT, &t), MPI_ERR_ARG, "vector, negative block length");
    class_is(MPI_Type_vector(-2, 1, 1, MPI_INT, &t), MPI_ERR_COUNT, "vector, negative count");
    class_is(MPI_Type_indexed(2, (int[]){1, -1}, (int[]){0, 1}, MPI_INT, &t), MPI_ERR_ARG,
             "indexed, negative block length");
    class_is(
        MPI_Type_create_struct(2, (int[]){1, 1}, (MPI_Aint[]){0, 8}, (MPI_Datatype[]){MPI_INT, MPI_DATATYPE_NULL}, &t),
        MPI_ERR_TYPE, "struct with MPI_DATATYPE_NULL");
    class_is(MPI_Type_create_subarray(2, (int[]){4, 4}, (int[]){5, 1}, (int[]){0, 0}, MPI_ORDER_C, MPI_INT, &t),
             MPI_ERR_ARG, "subarray larger than the array");
    class_is(MPI_Type_create_subarray(2, (int[]){4, 4}, (int[]){2, 2}, (int[]){3, 0}, MPI_ORDER_C, MPI_INT, &t),
             MPI_ERR_ARG, "subarray starting too late");
    class_is(MPI_Type_create_subarray(1, (int[]){4}, (int[]){2}, (int[]){0}, 12345, MPI_INT, &t), MPI_ERR_ARG,
             "subarray with a bad order");
    class_is(MPI_Type_commit(&t), MPI_ERR_TYPE, "commit of MPI_DATATYPE_NULL");
    t = MPI_INT;
    class_is(MPI_Type_free(&t), MPI_ERR_TYPE, "free of MPI_INT");
    class_is(MPI_Type_size(MPI_DATATYPE_NULL, &(int){0}), MPI_ERR_TYPE, "size of MPI_DATATYPE_NULL");
    MPI_OK(MPI_Type_vector(2, 1, 2, MPI_INT, &ok));
    int buf[4] = {0}, n = 0;
    class_is(MPI_Send(buf, 1, ok, 0, 0, MPI_COMM_SELF), MPI_ERR_TYPE, "send with an uncommitted type");
    class_is(MPI_Pack(buf, 1, ok, buf, 16, &n, MPI_COMM_SELF), MPI_ERR_TYPE, "pack with an uncommitted type");
    MPI_Status st;
    MPI_OK(MPI_Sendrecv(buf, 1, MPI_INT, 0, 3, buf + 1, 1, MPI_INT, 0, 3, MPI_COMM_SELF, &st));
    class_is(MPI_Get_count(&st, ok, &n), MPI_ERR_TYPE, "Get_count with an uncommitted type");
    MPI_OK(MPI_Type_commit(&ok));
    class_is(MPI_Pack(buf, -1, ok, buf, 16, &n, MPI_COMM_SELF), MPI_ERR_COUNT, "pack with a negative count");
    class_is(MPI_Pack_size(1, ok, MPI_COMM_NULL, &n), MPI_ERR_COMM, "Pack_size with MPI_COMM_NULL");
    MPI_OK(MPI_Type_free(&ok));
    class_is(MPI_Type_free(&ok), MPI_ERR_TYPE, "free of a freed type");

    chk_case("still working after the errors");
    int x = 42, y = 0;
    MPI_OK(MPI_Sendrecv(&x, 1, MPI_INT, 0, 4, &y, 1, MPI_INT, 0, 4, MPI_COMM_SELF, MPI_STATUS_IGNORE));
    CHECK_INT(y, 42, "message after the errors");
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    chk_begin("dtype_api");
    MPI_OK(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN));
    MPI_OK(MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN));
    constructors();
    names();
    addresses();
    pack_offsets();
    counts();
    errors();
    MPI_OK(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL));
    return chk_end();
}
