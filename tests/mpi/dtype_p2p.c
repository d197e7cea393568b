/* dtype_p2p: point-to-point with derived datatypes around a ring (each rank sends to the next,
 * receives from the previous), every message size class from eager to single-copy size:
 * matrix columns (vector) into contiguous arrays and back, lower triangles (indexed), C structs
 * with gaps received into a differently laid out struct of the same type signature, resized
 * column types with counts > 1, halo faces of a 3-D array (subarray, C and Fortran order), a
 * distributed-array scatter (darray, block and cyclic), pair
 * types, MPI_PACKED messages from MPI_Pack, Sendrecv_replace, persistent and synchronous sends, types freed while
 * a request uses them, truncation, and MPI_Get_count / MPI_Get_elements of partial messages.
 * Bytes the receive type does not cover must stay untouched. */
#include "check.h"

#include <stddef.h>

static int rank, size, right, left;

/* Value of element i of the data rank `r` sends in case `c`. */
static double val(int r, int c, long i)
{
    return r * 1.0e6 + c * 1.0e4 + (double)i;
}

static const int sizes[] = {3, 1000, 5000, 50000}; /* eager, eager, rendezvous, single-copy sizes */
#define NSIZES (int)(sizeof sizes / sizeof sizes[0])

/* Columns of an n x 3 matrix: send column 1 as a vector; receive it (a) into a contiguous
 * array, (b) into column 2 of a matrix with the same vector type; and send a contiguous array
 * into column 0 of the receiver's matrix. Blocking, nonblocking and synchronous. */
static void columns(void)
{
    for (int k = 0; k < NSIZES; k++) {
        int n = sizes[k];
        double *m = chk_malloc(sizeof(double) * 3 * (size_t)n), *got = chk_malloc(sizeof(double) * 3 * (size_t)n);
        double *flat = chk_malloc(sizeof(double) * (size_t)n);
        MPI_Datatype col;
        MPI_OK(MPI_Type_vector(n, 1, 3, MPI_DOUBLE, &col));
        MPI_OK(MPI_Type_commit(&col));
        for (int variant = 0; variant < 3; variant++) {
            chk_case("columns n=%d variant %d: vector into contiguous", n, variant);
            for (long i = 0; i < 3L * n; i++) m[i] = val(rank, variant, i);
            MPI_Status st;
            if (variant == 0) {
                MPI_OK(MPI_Sendrecv(m + 1, 1, col, right, 1, flat, n, MPI_DOUBLE, left, 1, MPI_COMM_WORLD, &st));
            } else {
                MPI_Request rq[2];
                MPI_OK(MPI_Irecv(flat, n, MPI_DOUBLE, left, 1, MPI_COMM_WORLD, &rq[0]));
                if (variant == 1)
                    MPI_OK(MPI_Isend(m + 1, 1, col, right, 1, MPI_COMM_WORLD, &rq[1]));
                else
                    MPI_OK(MPI_Issend(m + 1, 1, col, right, 1, MPI_COMM_WORLD, &rq[1]));
                MPI_Status sts[2];
                MPI_OK(MPI_Waitall(2, rq, sts));
                st = sts[0];
            }
            for (long i = 0; i < n; i++)
                CHECK(flat[i] == val(left, variant, 3 * i + 1), "flat[%ld] = %g, expected %g", i, flat[i],
                      val(left, variant, 3 * i + 1));
            CHECK_STATUS(&st, left, 1, MPI_DOUBLE, n, "column into contiguous");

            chk_case("columns n=%d variant %d: vector into vector, contiguous into vector", n, variant);
            for (long i = 0; i < 3L * n; i++) got[i] = -1.0;
            MPI_OK(MPI_Sendrecv(m + 1, 1, col, right, 2, got + 2, 1, col, left, 2, MPI_COMM_WORLD, &st));
            CHECK_STATUS(&st, left, 2, col, 1, "column into column");
            CHECK_STATUS(&st, left, 2, MPI_DOUBLE, n, "column into column, counted in doubles");
            for (long i = 0; i < n; i++) flat[i] = val(rank, variant + 10, i);
            MPI_OK(MPI_Sendrecv(flat, n, MPI_DOUBLE, right, 3, got, 1, col, left, 3, MPI_COMM_WORLD, &st));
            for (long i = 0; i < n; i++) {
                CHECK(got[3 * i] == val(left, variant + 10, i), "got[%ld][0] = %g", i, got[3 * i]);
                CHECK(got[3 * i + 1] == -1.0, "got[%ld][1] = %g was overwritten", i, got[3 * i + 1]);
                CHECK(got[3 * i + 2] == val(left, variant, 3 * i + 1), "got[%ld][2] = %g", i, got[3 * i + 2]);
            }
        }
        MPI_OK(MPI_Type_free(&col));
        CHECK(col == MPI_DATATYPE_NULL, "MPI_Type_free did not reset the handle");
        free(m);
        free(got);
        free(flat);
    }
}

/* MPI_Sendrecv_replace of a column: the other columns stay as they were. */
static void replace_column(void)
{
    for (int k = 0; k < NSIZES; k++) {
        int n = sizes[k];
        chk_case("Sendrecv_replace of a column n=%d", n);
        double *m = chk_malloc(sizeof(double) * 3 * (size_t)n);
        MPI_Datatype col;
        MPI_OK(MPI_Type_vector(n, 1, 3, MPI_DOUBLE, &col));
        MPI_OK(MPI_Type_commit(&col));
        for (long i = 0; i < 3L * n; i++) m[i] = val(rank, 16, i);
        MPI_Status st;
        MPI_OK(MPI_Sendrecv_replace(m + 1, 1, col, right, 16, left, 16, MPI_COMM_WORLD, &st));
        CHECK_STATUS(&st, left, 16, col, 1, "replaced column");
        for (long i = 0; i < n; i++)
            CHECK(m[3 * i] == val(rank, 16, 3 * i) && m[3 * i + 1] == val(left, 16, 3 * i + 1) &&
                      m[3 * i + 2] == val(rank, 16, 3 * i + 2),
                  "row %ld", i);
        MPI_OK(MPI_Type_free(&col));
        free(m);
    }
}

/* Types that are one block at an offset (a field, a plane) move like contiguous bytes. */
static void one_block(void)
{
    static const int counts[] = {10, 5000, 100000};
    for (int k = 0; k < 3; k++) {
        int n = counts[k];
        chk_case("one block at an offset n=%d", n);
        MPI_Datatype s_t, r_t;
        MPI_OK(MPI_Type_create_hindexed(1, (int[]){n}, (MPI_Aint[]){2 * sizeof(double)}, MPI_DOUBLE, &s_t));
        MPI_OK(MPI_Type_create_hindexed(1, (int[]){n}, (MPI_Aint[]){sizeof(double)}, MPI_DOUBLE, &r_t));
        MPI_OK(MPI_Type_commit(&s_t));
        MPI_OK(MPI_Type_commit(&r_t));
        double *a = chk_malloc(sizeof(double) * (size_t)(n + 3)), *b = chk_malloc(sizeof(double) * (size_t)(n + 3));
        for (int i = 0; i < n + 3; i++) {
            a[i] = val(rank, 18, i);
            b[i] = -5.0;
        }
        MPI_Status st;
        MPI_OK(MPI_Sendrecv(a, 1, s_t, right, 18, b, 1, r_t, left, 18, MPI_COMM_WORLD, &st));
        CHECK_STATUS(&st, left, 18, MPI_DOUBLE, n, "one block");
        CHECK(b[0] == -5.0 && b[n + 1] == -5.0 && b[n + 2] == -5.0, "bytes around the block written");
        for (int i = 0; i < n; i++) CHECK(b[i + 1] == val(left, 18, i + 2), "element %d = %g", i, b[i + 1]);
        MPI_OK(MPI_Type_free(&s_t));
        MPI_OK(MPI_Type_free(&r_t));
        free(a);
        free(b);
    }
}

/* Lower triangle of a k x k int matrix (indexed), into a zeroed matrix with the same type. */
static void triangle(void)
{
    static const int ks[] = {6, 60, 300};
    for (int t = 0; t < 3; t++) {
        int k = ks[t];
        chk_case("triangle k=%d", k);
        int *bl = chk_malloc(sizeof(int) * (size_t)k), *disp = chk_malloc(sizeof(int) * (size_t)k);
        for (int i = 0; i < k; i++) {
            bl[i] = i + 1;
            disp[i] = i * k;
        }
        MPI_Datatype tri;
        MPI_OK(MPI_Type_indexed(k, bl, disp, MPI_INT, &tri));
        MPI_OK(MPI_Type_commit(&tri));
        int *a = chk_malloc(sizeof(int) * (size_t)k * (size_t)k), *b = chk_malloc(sizeof(int) * (size_t)k * (size_t)k);
        for (int i = 0; i < k * k; i++) {
            a[i] = rank * 1000000 + i;
            b[i] = 0;
        }
        MPI_Status st;
        MPI_OK(MPI_Sendrecv(a, 1, tri, right, 4, b, 1, tri, left, 4, MPI_COMM_WORLD, &st));
        CHECK_STATUS(&st, left, 4, MPI_INT, k * (k + 1) / 2, "triangle counted in ints");
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++) {
                int want = j <= i ? left * 1000000 + i * k + j : 0;
                CHECK(b[i * k + j] == want, "b[%d][%d] = %d, expected %d", i, j, b[i * k + j], want);
            }
        MPI_OK(MPI_Type_free(&tri));
        free(bl);
        free(disp);
        free(a);
        free(b);
    }
}

struct rec {
    int a;
    double b;
    char c[3];
};
/* The same type signature (int, double, 3 chars) in another layout, with data-free padding. */
struct rec2 {
    double pad0;
    int a;
    char pad1[5];
    double b;
    char pad2;
    char c[3];
};

static void structs(void)
{
    const int bl[] = {1, 1, 3};
    const MPI_Datatype types[] = {MPI_INT, MPI_DOUBLE, MPI_CHAR};
    struct rec probe[1] = {{0, 0.0, {0, 0, 0}}};
    MPI_Aint base, d[3], d2[3];
    MPI_OK(MPI_Get_address(&probe[0], &base));
    MPI_OK(MPI_Get_address(&probe[0].a, &d[0]));
    MPI_OK(MPI_Get_address(&probe[0].b, &d[1]));
    MPI_OK(MPI_Get_address(&probe[0].c, &d[2]));
    for (int i = 0; i < 3; i++) d[i] -= base;
    d2[0] = offsetof(struct rec2, a);
    d2[1] = offsetof(struct rec2, b);
    d2[2] = offsetof(struct rec2, c);
    MPI_Datatype t1, t2;
    MPI_Aint lb, ext;
    MPI_OK(MPI_Type_create_struct(3, bl, d, types, &t1));
    MPI_Datatype t2_tight;
    MPI_OK(MPI_Type_create_struct(3, bl, d2, types, &t2_tight));
    /* rec2 starts with a member the type leaves out: arrays of it need the extent set. */
    MPI_OK(MPI_Type_get_extent(t2_tight, &lb, &ext));
    CHECK(lb == (MPI_Aint)offsetof(struct rec2, a), "struct rec2 lb %ld", (long)lb);
    MPI_OK(MPI_Type_create_resized(t2_tight, 0, sizeof(struct rec2), &t2));
    MPI_OK(MPI_Type_free(&t2_tight));
    MPI_OK(MPI_Type_commit(&t1));
    MPI_OK(MPI_Type_commit(&t2));
    MPI_OK(MPI_Type_get_extent(t1, &lb, &ext));
    CHECK(lb == 0 && ext == (MPI_Aint)sizeof(struct rec), "struct extent %ld (lb %ld), sizeof %zu", (long)ext, (long)lb,
          sizeof(struct rec));
    MPI_OK(MPI_Type_get_extent(t2, &lb, &ext));
    CHECK(ext == (MPI_Aint)sizeof(struct rec2), "struct rec2 extent %ld, sizeof %zu", (long)ext, sizeof(struct rec2));
    static const int counts[] = {1, 100, 3000, 30000};
    for (int k = 0; k < 4; k++) {
        int n = counts[k];
        chk_case("structs n=%d", n);
        struct rec *s = chk_malloc(sizeof *s * (size_t)n);
        struct rec2 *r = chk_malloc(sizeof *r * (size_t)n);
        memset(s, 0, sizeof *s * (size_t)n);
        memset(r, 0x5a, sizeof *r * (size_t)n);
        for (int i = 0; i < n; i++) {
            s[i].a = rank * 100000 + i;
            s[i].b = val(rank, 5, i);
            s[i].c[0] = (char)('a' + i % 26);
            s[i].c[1] = (char)rank;
            s[i].c[2] = (char)(i % 128);
        }
        MPI_Status st;
        MPI_OK(MPI_Sendrecv(s, n, t1, right, 5, r, n, t2, left, 5, MPI_COMM_WORLD, &st));
        CHECK_STATUS(&st, left, 5, t2, n, "struct into struct");
        int el = -1;
        MPI_OK(MPI_Get_elements(&st, t2, &el));
        CHECK_INT(el, 5 * n, "MPI_Get_elements of structs");
        for (int i = 0; i < n; i++) {
            CHECK(r[i].a == left * 100000 + i, "r[%d].a = %d", i, r[i].a);
            CHECK(r[i].b == val(left, 5, i), "r[%d].b = %g", i, r[i].b);
            CHECK(r[i].c[0] == (char)('a' + i % 26) && r[i].c[1] == (char)left && r[i].c[2] == (char)(i % 128),
                  "r[%d].c wrong", i);
            CHECK_BYTES(&r[i].pad0, sizeof r[i].pad0, 0x5a, "pad0 untouched");
            CHECK_BYTES(r[i].pad1, sizeof r[i].pad1, 0x5a, "pad1 untouched");
            CHECK_BYTES(&r[i].pad2, 1, 0x5a, "pad2 untouched");
        }
        free(s);
        free(r);
    }
    MPI_OK(MPI_Type_free(&t1));
    MPI_OK(MPI_Type_free(&t2));
}

/* Columns resized to one double, so count 2 sends two neighbouring columns one after the other. */
static void resized_columns(void)
{
    for (int k = 0; k < NSIZES; k++) {
        int n = sizes[k];
        chk_case("resized columns n=%d", n);
        MPI_Datatype col, col1;
        MPI_OK(MPI_Type_vector(n, 1, 4, MPI_DOUBLE, &col));
        MPI_OK(MPI_Type_create_resized(col, 0, sizeof(double), &col1));
        MPI_OK(MPI_Type_free(&col));
        MPI_OK(MPI_Type_commit(&col1));
        double *m = chk_malloc(sizeof(double) * 4 * (size_t)n), *flat = chk_malloc(sizeof(double) * 2 * (size_t)n);
        for (long i = 0; i < 4L * n; i++) m[i] = val(rank, 6, i);
        MPI_Status st;
        MPI_OK(MPI_Sendrecv(m + 1, 2, col1, right, 6, flat, 2 * n, MPI_DOUBLE, left, 6, MPI_COMM_WORLD, &st));
        CHECK_STATUS(&st, left, 6, col1, 2, "two resized columns");
        for (int c = 0; c < 2; c++)
            for (long i = 0; i < n; i++)
                CHECK(flat[c * n + i] == val(left, 6, 4 * i + 1 + c), "column %d row %ld = %g", c, i, flat[c * n + i]);
        MPI_OK(MPI_Type_free(&col1));
        free(m);
        free(flat);
    }
}

/* Halo exchange of a 3-D array with one halo layer: along each dimension, the last interior
 * plane goes to the right neighbour's low halo plane (subarray types of both orders). */
static void halo(void)
{
    static const int ns[] = {3, 20, 60};
    for (int t = 0; t < 3; t++) {
        int n = ns[t], e = n + 2;
        size_t total = (size_t)e * e * e;
        double *a = chk_malloc(sizeof(double) * total);
        for (int order = 0; order < 2; order++) {
            int ord = order ? MPI_ORDER_FORTRAN : MPI_ORDER_C;
            for (int dim = 0; dim < 3; dim++) {
                chk_case("halo n=%d order %s dim %d", n, order ? "Fortran" : "C", dim);
                int sz[3] = {e, e, e}, sub[3] = {n, n, n}, s_start[3] = {1, 1, 1}, r_start[3] = {1, 1, 1};
                sub[dim] = 1;
                s_start[dim] = n; /* last interior plane */
                r_start[dim] = 0; /* low halo */
                MPI_Datatype sface, rface;
                MPI_OK(MPI_Type_create_subarray(3, sz, sub, s_start, ord, MPI_DOUBLE, &sface));
                MPI_OK(MPI_Type_create_subarray(3, sz, sub, r_start, ord, MPI_DOUBLE, &rface));
                MPI_OK(MPI_Type_commit(&sface));
                MPI_OK(MPI_Type_commit(&rface));
                for (size_t i = 0; i < total; i++) a[i] = val(rank, 7, (long)i);
                MPI_Status st;
                MPI_OK(MPI_Sendrecv(a, 1, sface, right, 7, a, 1, rface, left, 7, MPI_COMM_WORLD, &st));
                CHECK_STATUS(&st, left, 7, MPI_DOUBLE, n * n, "halo face counted in doubles");
                /* Index (i0,i1,i2) in the type's order: i0 slowest for C, fastest for Fortran. */
                for (int i0 = 0; i0 < e; i0++)
                    for (int i1 = 0; i1 < e; i1++)
                        for (int i2 = 0; i2 < e; i2++) {
                            int idx[3] = {i0, i1, i2};
                            long lin = order ? (long)i0 + (long)e * (i1 + (long)e * i2) : ((long)i0 * e + i1) * e + i2;
                            int in_halo = idx[dim] == 0, interior = 1;
                            for (int d = 0; d < 3; d++)
                                if (d != dim && (idx[d] < 1 || idx[d] > n)) interior = 0;
                            double want = val(rank, 7, lin);
                            if (in_halo && interior) {
                                idx[dim] = n;
                                long from = order ? (long)idx[0] + (long)e * (idx[1] + (long)e * idx[2])
                                                  : ((long)idx[0] * e + idx[1]) * e + idx[2];
                                want = val(left, 7, from);
                            }
                            CHECK(a[lin] == want, "a[%d][%d][%d] = %g, expected %g", i0, i1, i2, a[lin], want);
                        }
                MPI_OK(MPI_Type_free(&sface));
                MPI_OK(MPI_Type_free(&rface));
            }
        }
        free(a);
    }
}

/* Pair types are not contiguous (padding after the value or the index): only data travels. */
static void pairs(void)
{
    static const int counts[] = {5, 2000, 20000};
    for (int k = 0; k < 3; k++) {
        int n = counts[k];
        chk_case("MPI_DOUBLE_INT n=%d", n);
        struct di {
            double v;
            int i;
        } *s = chk_malloc(sizeof *s * (size_t)n), *r = chk_malloc(sizeof *r * (size_t)n);
        for (int i = 0; i < n; i++) {
            s[i].v = val(rank, 8, i);
            s[i].i = rank + i;
            r[i].v = -1;
            r[i].i = -1;
        }
        MPI_Status st;
        MPI_OK(MPI_Sendrecv(s, n, MPI_DOUBLE_INT, right, 8, r, n, MPI_DOUBLE_INT, left, 8, MPI_COMM_WORLD, &st));
        CHECK_STATUS(&st, left, 8, MPI_DOUBLE_INT, n, "pairs");
        for (int i = 0; i < n; i++)
            CHECK(r[i].v == val(left, 8, i) && r[i].i == left + i, "pair %d = (%g, %d)", i, r[i].v, r[i].i);
        free(s);
        free(r);
    }
}

/* A column and a struct packed into one buffer travel as MPI_PACKED and are unpacked on arrival. */
static void packed(void)
{
    chk_case("MPI_Pack / MPI_PACKED / MPI_Unpack");
    enum { N = 700 };
    double m[N][2];
    struct rec s = {rank, val(rank, 9, 0), {'x', 'y', 'z'}};
    for (int i = 0; i < N; i++) {
        m[i][0] = val(rank, 9, i);
        m[i][1] = -val(rank, 9, i);
    }
    MPI_Datatype col, st_type;
    MPI_OK(MPI_Type_vector(N, 1, 2, MPI_DOUBLE, &col));
    MPI_OK(MPI_Type_commit(&col));
    const int bl[] = {1, 1, 3};
    const MPI_Aint d[] = {offsetof(struct rec, a), offsetof(struct rec, b), offsetof(struct rec, c)};
    const MPI_Datatype types[] = {MPI_INT, MPI_DOUBLE, MPI_CHAR};
    MPI_OK(MPI_Type_create_struct(3, bl, d, types, &st_type));
    MPI_OK(MPI_Type_commit(&st_type));
    int s1 = 0, s2 = 0;
    MPI_OK(MPI_Pack_size(1, col, MPI_COMM_WORLD, &s1));
    MPI_OK(MPI_Pack_size(2, st_type, MPI_COMM_WORLD, &s2));
    CHECK(s1 >= N * (int)sizeof(double) && s2 >= 2 * 15, "Pack_size %d, %d", s1, s2);
    int cap = s1 + s2, pos = 0;
    char *buf = chk_malloc((size_t)cap), *in = chk_malloc((size_t)cap);
    MPI_OK(MPI_Pack(m, 1, col, buf, cap, &pos, MPI_COMM_WORLD));
    MPI_OK(MPI_Pack(&s, 1, st_type, buf, cap, &pos, MPI_COMM_WORLD));
    MPI_Status st;
    MPI_OK(MPI_Sendrecv(buf, pos, MPI_PACKED, right, 10, in, cap, MPI_PACKED, left, 10, MPI_COMM_WORLD, &st));
    int got = -1;
    MPI_OK(MPI_Get_count(&st, MPI_PACKED, &got));
    CHECK_INT(got, pos, "packed bytes received");
    double col_in[N];
    struct rec r;
    memset(&r, 0, sizeof r);
    int upos = 0;
    MPI_OK(MPI_Unpack(in, got, &upos, col_in, N, MPI_DOUBLE, MPI_COMM_WORLD));
    MPI_OK(MPI_Unpack(in, got, &upos, &r, 1, st_type, MPI_COMM_WORLD));
    CHECK_INT(upos, pos, "unpacked position");
    for (int i = 0; i < N; i++) CHECK(col_in[i] == val(left, 9, i), "packed column %d = %g", i, col_in[i]);
    CHECK(r.a == left && r.b == val(left, 9, 0) && r.c[0] == 'x' && r.c[2] == 'z', "packed struct wrong");
    MPI_OK(MPI_Type_free(&col));
    MPI_OK(MPI_Type_free(&st_type));
    free(buf);
    free(in);
}

/* Persistent requests and a nonblocking send whose type is freed while they use it. */
static void freed_while_in_use(void)
{
    for (int k = 0; k < NSIZES; k++) {
        int n = sizes[k];
        chk_case("persistent vector n=%d", n);
        double *m = chk_malloc(sizeof(double) * 2 * (size_t)n), *got = chk_malloc(sizeof(double) * 2 * (size_t)n);
        MPI_Datatype col;
        MPI_OK(MPI_Type_vector(n, 1, 2, MPI_DOUBLE, &col));
        MPI_OK(MPI_Type_commit(&col));
        MPI_Request rq[2];
        MPI_OK(MPI_Recv_init(got + 1, 1, col, left, 11, MPI_COMM_WORLD, &rq[0]));
        MPI_OK(MPI_Send_init(m, 1, col, right, 11, MPI_COMM_WORLD, &rq[1]));
        MPI_OK(MPI_Type_free(&col));
        for (int round = 0; round < 3; round++) {
            for (long i = 0; i < 2L * n; i++) {
                m[i] = val(rank, 20 + round, i);
                got[i] = -2.0;
            }
            MPI_OK(MPI_Startall(2, rq));
            MPI_OK(MPI_Waitall(2, rq, MPI_STATUSES_IGNORE));
            for (long i = 0; i < n; i++)
                CHECK(got[2 * i + 1] == val(left, 20 + round, 2 * i) && got[2 * i] == -2.0, "round %d row %ld", round,
                      i);
        }
        MPI_OK(MPI_Request_free(&rq[0]));
        MPI_OK(MPI_Request_free(&rq[1]));

        chk_case("Isend/Irecv with freed types n=%d", n);
        MPI_Datatype s_col, r_col;
        MPI_OK(MPI_Type_vector(n, 1, 2, MPI_DOUBLE, &s_col));
        MPI_OK(MPI_Type_dup(s_col, &r_col));
        MPI_OK(MPI_Type_commit(&s_col));
        MPI_OK(MPI_Type_commit(&r_col));
        for (long i = 0; i < 2L * n; i++) got[i] = -3.0;
        MPI_OK(MPI_Irecv(got, 1, r_col, left, 12, MPI_COMM_WORLD, &rq[0]));
        MPI_OK(MPI_Isend(m + 1, 1, s_col, right, 12, MPI_COMM_WORLD, &rq[1]));
        MPI_OK(MPI_Type_free(&s_col));
        MPI_OK(MPI_Type_free(&r_col));
        /* New types may reuse the handles meanwhile. */
        MPI_Datatype other;
        MPI_OK(MPI_Type_contiguous(3, MPI_CHAR, &other));
        MPI_OK(MPI_Waitall(2, rq, MPI_STATUSES_IGNORE));
        MPI_OK(MPI_Type_free(&other));
        for (long i = 0; i < n; i++)
            CHECK(got[2 * i] == val(left, 22, 2 * i + 1) && got[2 * i + 1] == -3.0, "row %ld", i);
        free(m);
        free(got);
    }
}

static int holds(int i, int g, int distrib, int darg, int p, int coord)
{
    if (distrib == MPI_DISTRIBUTE_NONE) return 1;
    if (distrib == MPI_DISTRIBUTE_BLOCK) {
        int b = darg == MPI_DISTRIBUTE_DFLT_DARG ? (g + p - 1) / p : darg;
        return i / b == coord;
    }
    int b = darg == MPI_DISTRIBUTE_DFLT_DARG ? 1 : darg;
    return (i / b) % p == coord;
}

/* Rank 0 scatters a 2-D global array by distributed-array types (block x cyclic over a
 * size x 1 grid, then 1 x size); every rank receives its part contiguously, in memory order. */
static void darray_scatter(void)
{
    static const int g[2] = {37, 23};
    for (int variant = 0; variant < 4; variant++) {
        int order = variant & 1 ? MPI_ORDER_FORTRAN : MPI_ORDER_C;
        int ps[2] = {variant & 2 ? 1 : size, variant & 2 ? size : 1};
        int dist[2] = {MPI_DISTRIBUTE_BLOCK, MPI_DISTRIBUTE_CYCLIC}, darg[2] = {MPI_DISTRIBUTE_DFLT_DARG, 3};
        if (variant & 2) {
            dist[0] = MPI_DISTRIBUTE_CYCLIC;
            dist[1] = MPI_DISTRIBUTE_BLOCK;
            darg[0] = 2;
            darg[1] = MPI_DISTRIBUTE_DFLT_DARG;
        }
        chk_case("darray scatter variant %d", variant);
        double *global = chk_malloc(sizeof(double) * (size_t)(g[0] * g[1]));
        for (int i = 0; i < g[0] * g[1]; i++) global[i] = val(0, 17, i);
        MPI_Datatype mine;
        MPI_OK(MPI_Type_create_darray(size, rank, 2, g, dist, darg, ps, order, MPI_DOUBLE, &mine));
        MPI_OK(MPI_Type_commit(&mine));
        int bytes = -1;
        MPI_OK(MPI_Type_size(mine, &bytes));
        int n = bytes / (int)sizeof(double);
        double *local = chk_malloc(sizeof(double) * (size_t)(n + 1));
        MPI_Request rq;
        MPI_OK(MPI_Irecv(local, n, MPI_DOUBLE, 0, 17, MPI_COMM_WORLD, &rq));
        if (rank == 0) {
            for (int r = 0; r < size; r++) {
                MPI_Datatype theirs;
                MPI_OK(MPI_Type_create_darray(size, r, 2, g, dist, darg, ps, order, MPI_DOUBLE, &theirs));
                MPI_OK(MPI_Type_commit(&theirs));
                MPI_OK(MPI_Send(global, 1, theirs, r, 17, MPI_COMM_WORLD));
                MPI_OK(MPI_Type_free(&theirs));
            }
        }
        MPI_Status st;
        MPI_OK(MPI_Wait(&rq, &st));
        CHECK_STATUS(&st, 0, 17, MPI_DOUBLE, n, "darray part");
        int coord[2] = {rank / ps[1], rank % ps[1]}, k = 0;
        for (int lin = 0; lin < g[0] * g[1]; lin++) {
            int i0 = order == MPI_ORDER_C ? lin / g[1] : lin % g[0];
            int i1 = order == MPI_ORDER_C ? lin % g[1] : lin / g[0];
            if (!holds(i0, g[0], dist[0], darg[0], ps[0], coord[0]) ||
                !holds(i1, g[1], dist[1], darg[1], ps[1], coord[1]))
                continue;
            CHECK(k < n, "more elements held than the type's size says (%d)", n);
            CHECK(local[k] == val(0, 17, lin), "element %d = %g, expected global %d", k, local[k], lin);
            k++;
        }
        CHECK_INT(k, n, "elements held");
        MPI_OK(MPI_Type_free(&mine));
        free(global);
        free(local);
    }
}

/* A message longer than the receive type holds: MPI_ERR_TRUNCATE, the part that fits delivered. */
static void truncation(MPI_Comm comm)
{
    for (int k = 0; k < NSIZES; k++) {
        int n = sizes[k], room = n / 2 + 1;
        chk_case("truncation n=%d into %d", n, room);
        double *m = chk_malloc(sizeof(double) * 2 * (size_t)n), *got = chk_malloc(sizeof(double) * 2 * (size_t)n);
        MPI_Datatype col;
        MPI_OK(MPI_Type_vector(n, 1, 2, MPI_DOUBLE, &col));
        MPI_OK(MPI_Type_commit(&col));
        MPI_Datatype rcol;
        MPI_OK(MPI_Type_vector(room, 1, 2, MPI_DOUBLE, &rcol));
        MPI_OK(MPI_Type_commit(&rcol));
        for (long i = 0; i < 2L * n; i++) {
            m[i] = val(rank, 13, i);
            got[i] = -4.0;
        }
        MPI_Request rq;
        MPI_Status st;
        MPI_OK(MPI_Isend(m, 1, col, right, 13, comm, &rq));
        int rc = MPI_Recv(got, 1, rcol, left, 13, comm, &st);
        int cls = -1;
        MPI_Error_class(rc, &cls);
        CHECK_INT(cls, MPI_ERR_TRUNCATE, "error class of a truncated receive");
        MPI_OK(MPI_Wait(&rq, MPI_STATUS_IGNORE));
        /* The standard leaves the receive buffer open after a truncation; libmsgpass delivers
         * the part that fits, and no implementation may write outside the type's blocks. */
        for (long i = 0; i < room; i++) {
#ifdef MSGPASS_VERSION_STRING
            CHECK(got[2 * i] == val(left, 13, 2 * i), "row %ld", i);
#endif
            CHECK(got[2 * i + 1] == -4.0, "gap of row %ld written", i);
        }
        for (long i = 2L * room; i < 2L * n; i++) CHECK(got[i] == -4.0, "got[%ld] written past the type", i);
        MPI_OK(MPI_Type_free(&col));
        MPI_OK(MPI_Type_free(&rcol));
        free(m);
        free(got);
    }
}

/* Partial messages: two whole structs and the first two members of a third. */
static void partial_counts(void)
{
    chk_case("Get_count / Get_elements of a partial message");
    struct t {
        int i;
        double d[2];
    };
    const int bl[] = {1, 2};
    const MPI_Aint d[] = {offsetof(struct t, i), offsetof(struct t, d)};
    const MPI_Datatype types[] = {MPI_INT, MPI_DOUBLE};
    MPI_Datatype tt, send_t;
    MPI_OK(MPI_Type_create_struct(2, bl, d, types, &tt));
    MPI_OK(MPI_Type_commit(&tt));
    struct t s[3], r[3];
    for (int i = 0; i < 3; i++) {
        s[i].i = rank + i;
        s[i].d[0] = val(rank, 14, 2 * i);
        s[i].d[1] = val(rank, 14, 2 * i + 1);
    }
    memset(r, 0, sizeof r);
    const int sbl[] = {2, 1, 1};
    const MPI_Aint sd[] = {0, 2 * sizeof(struct t) + offsetof(struct t, i),
                           2 * sizeof(struct t) + offsetof(struct t, d)};
    const MPI_Datatype stypes[] = {tt, MPI_INT, MPI_DOUBLE};
    MPI_OK(MPI_Type_create_struct(3, sbl, sd, stypes, &send_t));
    MPI_OK(MPI_Type_commit(&send_t));
    MPI_Status st;
    MPI_OK(MPI_Sendrecv(s, 1, send_t, right, 15, r, 3, tt, left, 15, MPI_COMM_WORLD, &st));
    int count = 0, el = 0;
    MPI_Count elx = 0;
    MPI_OK(MPI_Get_count(&st, tt, &count));
    CHECK_INT(count, MPI_UNDEFINED, "MPI_Get_count of 2.6 structs");
    MPI_OK(MPI_Get_elements(&st, tt, &el));
    CHECK_INT(el, 8, "MPI_Get_elements of 2 structs + int + double");
    MPI_OK(MPI_Get_elements_x(&st, tt, &elx));
    CHECK(elx == 8, "MPI_Get_elements_x %lld", (long long)elx);
    MPI_OK(MPI_Get_count(&st, MPI_BYTE, &count));
    CHECK_INT(count, 2 * 20 + 12, "bytes of the partial message");
    for (int i = 0; i < 2; i++)
        CHECK(r[i].i == left + i && r[i].d[0] == val(left, 14, 2 * i) && r[i].d[1] == val(left, 14, 2 * i + 1),
              "struct %d", i);
    CHECK(r[2].i == left + 2 && r[2].d[0] == val(left, 14, 4) && r[2].d[1] == 0.0, "partial struct");
    MPI_OK(MPI_Type_free(&tt));
    MPI_OK(MPI_Type_free(&send_t));
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    chk_begin("dtype_p2p");
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    right = (rank + 1) % size;
    left = (rank + size - 1) % size;
    MPI_Comm ret;
    MPI_OK(MPI_Comm_dup(MPI_COMM_WORLD, &ret));
    MPI_OK(MPI_Comm_set_errhandler(ret, MPI_ERRORS_RETURN));
    columns();
    replace_column();
    one_block();
    triangle();
    structs();
    resized_columns();
    halo();
    pairs();
    packed();
    freed_while_in_use();
    darray_scatter();
    truncation(ret);
    partial_counts();
    MPI_OK(MPI_Comm_free(&ret));
    return chk_end();
}
