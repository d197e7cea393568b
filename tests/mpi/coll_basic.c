/* coll_basic: Barrier, Bcast (every root, sizes up to 1 MiB), Reduce and Allreduce with every
 * predefined op on every suitable predefined type (MINLOC/MAXLOC on MPI_DOUBLE_INT, MPI_2INT,
 * MPI_LONG_INT), MPI_IN_PLACE, Comm_split (parity, reversed keys, MPI_UNDEFINED), Comm_dup,
 * Comm_free -- all checked against a serial computation. Any rank count >= 1. */
#include "check.h"

#include <complex.h>
#include <stdbool.h>

/* ---- the predefined types the reductions run on ---- */
enum cls { C_SINT, C_UINT, C_FLT, C_BOOL, C_BYTE, C_CPLX };
enum kind {
    K_SCHAR,
    K_UCHAR,
    K_SHORT,
    K_USHORT,
    K_INT,
    K_UINT,
    K_LONG,
    K_ULONG,
    K_LL,
    K_ULL,
    K_I8,
    K_I16,
    K_I32,
    K_I64,
    K_U8,
    K_U16,
    K_U32,
    K_U64,
    K_FLOAT,
    K_DOUBLE,
    K_LDOUBLE,
    K_BOOL,
    K_BYTE,
    K_DCOMPLEX,
    NKINDS
};
typedef struct {
    MPI_Datatype dt;
    const char *name;
    enum kind kind;
    enum cls cls;
    size_t size;
} tinfo;

static void store(enum kind k, void *buf, int i, long long v)
{
    switch (k) {
    case K_SCHAR: ((signed char *)buf)[i] = (signed char)v; break;
    case K_UCHAR: ((unsigned char *)buf)[i] = (unsigned char)v; break;
    case K_SHORT: ((short *)buf)[i] = (short)v; break;
    case K_USHORT: ((unsigned short *)buf)[i] = (unsigned short)v; break;
    case K_INT: ((int *)buf)[i] = (int)v; break;
    case K_UINT: ((unsigned *)buf)[i] = (unsigned)v; break;
    case K_LONG: ((long *)buf)[i] = (long)v; break;
    case K_ULONG: ((unsigned long *)buf)[i] = (unsigned long)v; break;
    case K_LL: ((long long *)buf)[i] = v; break;
    case K_ULL: ((unsigned long long *)buf)[i] = (unsigned long long)v; break;
    case K_I8: ((int8_t *)buf)[i] = (int8_t)v; break;
    case K_I16: ((int16_t *)buf)[i] = (int16_t)v; break;
    case K_I32: ((int32_t *)buf)[i] = (int32_t)v; break;
    case K_I64: ((int64_t *)buf)[i] = (int64_t)v; break;
    case K_U8: ((uint8_t *)buf)[i] = (uint8_t)v; break;
    case K_U16: ((uint16_t *)buf)[i] = (uint16_t)v; break;
    case K_U32: ((uint32_t *)buf)[i] = (uint32_t)v; break;
    case K_U64: ((uint64_t *)buf)[i] = (uint64_t)v; break;
    case K_FLOAT: ((float *)buf)[i] = (float)v; break;
    case K_DOUBLE: ((double *)buf)[i] = (double)v; break;
    case K_LDOUBLE: ((long double *)buf)[i] = (long double)v; break;
    case K_BOOL: ((bool *)buf)[i] = v != 0; break;
    case K_BYTE: ((unsigned char *)buf)[i] = (unsigned char)v; break;
    default: break;
    }
}

/* Values are small integers, so long double holds every one exactly. */
static long double load(enum kind k, const void *buf, int i)
{
    switch (k) {
    case K_SCHAR: return ((const signed char *)buf)[i];
    case K_UCHAR: return ((const unsigned char *)buf)[i];
    case K_SHORT: return ((const short *)buf)[i];
    case K_USHORT: return ((const unsigned short *)buf)[i];
    case K_INT: return ((const int *)buf)[i];
    case K_UINT: return ((const unsigned *)buf)[i];
    case K_LONG: return ((const long *)buf)[i];
    case K_ULONG: return ((const unsigned long *)buf)[i];
    case K_LL: return ((const long long *)buf)[i];
    case K_ULL: return ((const unsigned long long *)buf)[i];
    case K_I8: return ((const int8_t *)buf)[i];
    case K_I16: return ((const int16_t *)buf)[i];
    case K_I32: return ((const int32_t *)buf)[i];
    case K_I64: return (long double)((const int64_t *)buf)[i];
    case K_U8: return ((const uint8_t *)buf)[i];
    case K_U16: return ((const uint16_t *)buf)[i];
    case K_U32: return ((const uint32_t *)buf)[i];
    case K_U64: return (long double)((const uint64_t *)buf)[i];
    case K_FLOAT: return ((const float *)buf)[i];
    case K_DOUBLE: return ((const double *)buf)[i];
    case K_LDOUBLE: return ((const long double *)buf)[i];
    case K_BOOL: return ((const bool *)buf)[i];
    case K_BYTE: return ((const unsigned char *)buf)[i];
    default: return -1;
    }
}

/* ---- the ops ---- */
enum opk { O_MAX, O_MIN, O_SUM, O_PROD, O_LAND, O_LOR, O_LXOR, O_BAND, O_BOR, O_BXOR, NOPS };
static const char *op_name[NOPS] = {"MAX", "MIN", "SUM", "PROD", "LAND", "LOR", "LXOR", "BAND", "BOR", "BXOR"};

static int op_applies(enum opk o, enum cls c)
{
    switch (o) {
    case O_MAX:
    case O_MIN: return c == C_SINT || c == C_UINT || c == C_FLT;
    case O_SUM:
    case O_PROD: return c == C_SINT || c == C_UINT || c == C_FLT || c == C_CPLX;
    case O_LAND:
    case O_LOR:
    case O_LXOR: return c == C_SINT || c == C_UINT || c == C_BOOL;
    default: return c == C_SINT || c == C_UINT || c == C_BYTE;
    }
}

/* The value rank r contributes at index i (kept small: fits int8 after the reduction). */
static long long gen(enum opk o, enum cls c, int r, int i, int np)
{
    int sgn = c == C_SINT || c == C_FLT;
    switch (o) {
    case O_MAX:
    case O_MIN: return (r * 37 + i * 11 + 5) % 100 - (sgn ? 50 : 0);
    case O_SUM: return (r * 7 + i * 3) % 11 - (sgn ? 5 : 0);
    case O_PROD: return (sgn && (r + 2 * i) % 5 == 0) ? -1 : ((r + i) % 7 == 0 ? 2 : 1);
    case O_LAND: return (r * 3 + i) % (np + 1) == 0 ? 0 : 1;
    case O_LOR: return (r * 3 + i) % (np + 1) == 0 ? 1 : 0;
    case O_LXOR: return (r + i * 5) % 3 == 0;
    case O_BAND: return 0x7F & ~(1 << ((r + i) % 7));
    case O_BOR: return (1 << ((r * 3 + i) % 7)) | (i % 2);
    default: return (r * 53 + i * 29 + 17) & 0x7F;
    }
}

static long long combine(enum opk o, long long a, long long b)
{
    switch (o) {
    case O_MAX: return a > b ? a : b;
    case O_MIN: return a < b ? a : b;
    case O_SUM: return a + b;
    case O_PROD: return a * b;
    case O_LAND: return (a && b) ? 1 : 0;
    case O_LOR: return (a || b) ? 1 : 0;
    case O_LXOR: return (!a != !b) ? 1 : 0;
    case O_BAND: return a & b;
    case O_BOR: return a | b;
    default: return a ^ b;
    }
}

static double complex cgen(enum opk o, int r, int i)
{
    int m = (r + i) % 3;
    if (o == O_SUM) return (double)((r * 7 + i) % 9 - 4) + (double)((r + 3 * i) % 5 - 2) * I;
    return m == 0 ? 1.0 + 1.0 * I : m == 1 ? 1.0 + 0.0 * I : 0.0 + 1.0 * I; /* Gaussian integers: exact */
}

static int case_no = 0;

static void reduce_case(const tinfo *t, enum opk o, MPI_Op op, int count)
{
    int me = chk_rank, np = chk_size;
    size_t bytes = t->size * (size_t)count;
    unsigned char *in = chk_malloc(bytes), *out = chk_malloc(bytes), *want = chk_malloc(bytes);
    int root = case_no % np, in_place = case_no % 3 == 2;
    case_no++;
    char what[160];
    snprintf(what, sizeof what, "%s on %s, count %d, root %d%s", op_name[o], t->name, count, root,
             in_place ? ", MPI_IN_PLACE" : "");
    chk_case("Reduce/Allreduce %s", what);
    if (t->cls == C_CPLX) {
        for (int i = 0; i < count; i++) {
            double complex w = cgen(o, 0, i);
            for (int r = 1; r < np; r++) w = o == O_SUM ? w + cgen(o, r, i) : w * cgen(o, r, i);
            ((double complex *)in)[i] = cgen(o, me, i);
            ((double complex *)want)[i] = w;
        }
    } else {
        for (int i = 0; i < count; i++) {
            long long w = gen(o, t->cls, 0, i, np);
            for (int r = 1; r < np; r++) w = combine(o, w, gen(o, t->cls, r, i, np));
            store(t->kind, in, i, gen(o, t->cls, me, i, np));
            store(t->kind, want, i, w);
        }
    }
    for (int pass = 0; pass < 2; pass++) { /* 0: Reduce, 1: Allreduce */
        memset(out, 0xA5, bytes);
        if (pass == 0) {
            if (in_place && me == root) {
                memcpy(out, in, bytes);
                MPI_OK(MPI_Reduce(MPI_IN_PLACE, out, count, t->dt, op, root, MPI_COMM_WORLD));
            } else {
                MPI_OK(MPI_Reduce(in, out, count, t->dt, op, root, MPI_COMM_WORLD));
            }
            if (me != root) continue;
        } else {
            if (in_place) {
                memcpy(out, in, bytes);
                MPI_OK(MPI_Allreduce(MPI_IN_PLACE, out, count, t->dt, op, MPI_COMM_WORLD));
            } else {
                MPI_OK(MPI_Allreduce(in, out, count, t->dt, op, MPI_COMM_WORLD));
            }
        }
        for (int i = 0; i < count; i++) {
            if (t->cls == C_CPLX) {
                double complex g = ((double complex *)out)[i], w = ((double complex *)want)[i];
                if (g != w)
                    chk_fail(__FILE__, __LINE__, "%s %s: element %d is %g%+gi, expected %g%+gi",
                             pass ? "Allreduce" : "Reduce", what, i, creal(g), cimag(g), creal(w), cimag(w));
            } else {
                long double g = load(t->kind, out, i), w = load(t->kind, want, i);
                if (g != w)
                    chk_fail(__FILE__, __LINE__, "%s %s: element %d is %.0Lf, expected %.0Lf",
                             pass ? "Allreduce" : "Reduce", what, i, g, w);
            }
        }
        chk_passed++;
    }
    free(in);
    free(out);
    free(want);
}

static void reductions(void)
{
    const tinfo types[] = {
        {MPI_SIGNED_CHAR, "MPI_SIGNED_CHAR", K_SCHAR, C_SINT, sizeof(signed char)},
        {MPI_UNSIGNED_CHAR, "MPI_UNSIGNED_CHAR", K_UCHAR, C_UINT, sizeof(unsigned char)},
        {MPI_SHORT, "MPI_SHORT", K_SHORT, C_SINT, sizeof(short)},
        {MPI_UNSIGNED_SHORT, "MPI_UNSIGNED_SHORT", K_USHORT, C_UINT, sizeof(unsigned short)},
        {MPI_INT, "MPI_INT", K_INT, C_SINT, sizeof(int)},
        {MPI_UNSIGNED, "MPI_UNSIGNED", K_UINT, C_UINT, sizeof(unsigned)},
        {MPI_LONG, "MPI_LONG", K_LONG, C_SINT, sizeof(long)},
        {MPI_UNSIGNED_LONG, "MPI_UNSIGNED_LONG", K_ULONG, C_UINT, sizeof(unsigned long)},
        {MPI_LONG_LONG, "MPI_LONG_LONG", K_LL, C_SINT, sizeof(long long)},
        {MPI_UNSIGNED_LONG_LONG, "MPI_UNSIGNED_LONG_LONG", K_ULL, C_UINT, sizeof(unsigned long long)},
        {MPI_INT8_T, "MPI_INT8_T", K_I8, C_SINT, 1},
        {MPI_INT16_T, "MPI_INT16_T", K_I16, C_SINT, 2},
        {MPI_INT32_T, "MPI_INT32_T", K_I32, C_SINT, 4},
        {MPI_INT64_T, "MPI_INT64_T", K_I64, C_SINT, 8},
        {MPI_UINT8_T, "MPI_UINT8_T", K_U8, C_UINT, 1},
        {MPI_UINT16_T, "MPI_UINT16_T", K_U16, C_UINT, 2},
        {MPI_UINT32_T, "MPI_UINT32_T", K_U32, C_UINT, 4},
        {MPI_UINT64_T, "MPI_UINT64_T", K_U64, C_UINT, 8},
        {MPI_FLOAT, "MPI_FLOAT", K_FLOAT, C_FLT, sizeof(float)},
        {MPI_DOUBLE, "MPI_DOUBLE", K_DOUBLE, C_FLT, sizeof(double)},
        {MPI_LONG_DOUBLE, "MPI_LONG_DOUBLE", K_LDOUBLE, C_FLT, sizeof(long double)},
        {MPI_C_BOOL, "MPI_C_BOOL", K_BOOL, C_BOOL, sizeof(bool)},
        {MPI_BYTE, "MPI_BYTE", K_BYTE, C_BYTE, 1},
        {MPI_C_DOUBLE_COMPLEX, "MPI_C_DOUBLE_COMPLEX", K_DCOMPLEX, C_CPLX, sizeof(double complex)},
    };
    const MPI_Op ops[NOPS] = {MPI_MAX, MPI_MIN,  MPI_SUM,  MPI_PROD, MPI_LAND,
                              MPI_LOR, MPI_LXOR, MPI_BAND, MPI_BOR,  MPI_BXOR};
    static const int counts[] = {1, 7, 1000};
    for (size_t t = 0; t < sizeof types / sizeof types[0]; t++)
        for (int o = 0; o < NOPS; o++) {
            if (!op_applies((enum opk)o, types[t].cls)) continue;
            for (int c = 0; c < 3; c++) reduce_case(&types[t], (enum opk)o, ops[o], counts[c]);
        }
    /* large counts */
    reduce_case(&types[4], O_SUM, MPI_SUM, 100000);  /* MPI_INT */
    reduce_case(&types[19], O_SUM, MPI_SUM, 100000); /* MPI_DOUBLE */
    reduce_case(&types[19], O_MAX, MPI_MAX, 262144); /* MPI_DOUBLE, 2 MiB */
    reduce_case(&types[1], O_BXOR, MPI_BXOR, 65537); /* MPI_UNSIGNED_CHAR */
}

/* ---- MINLOC / MAXLOC ---- */
typedef struct {
    double v;
    int i;
} dbl_int;
typedef struct {
    int v;
    int i;
} int_int;
typedef struct {
    long v;
    int i;
} long_int;

static int loc_val(int r, int i)
{
    return (r * 5 + i * 3) % 4;
} /* many ties */
static int loc_idx(int r, int i, int np)
{
    return (np - r) * 3 + i % 3;
} /* smallest index not at rank 0 */

static void loc_case(int which, int maxloc, int count)
{
    int me = chk_rank, np = chk_size;
    int root = case_no++ % np;
    const char *tn = which == 0 ? "MPI_DOUBLE_INT" : which == 1 ? "MPI_2INT" : "MPI_LONG_INT";
    MPI_Datatype dt = which == 0 ? MPI_DOUBLE_INT : which == 1 ? MPI_2INT : MPI_LONG_INT;
    MPI_Op op = maxloc ? MPI_MAXLOC : MPI_MINLOC;
    size_t esz = which == 0 ? sizeof(dbl_int) : which == 1 ? sizeof(int_int) : sizeof(long_int);
    unsigned char *in = chk_malloc(esz * (size_t)count), *out = chk_malloc(esz * (size_t)count);
    chk_case("%s on %s, count %d, root %d", maxloc ? "MAXLOC" : "MINLOC", tn, count, root);
    for (int i = 0; i < count; i++) {
        int v = loc_val(me, i), x = loc_idx(me, i, np);
        if (which == 0)
            ((dbl_int *)in)[i] = (dbl_int){v + 0.5, x};
        else if (which == 1)
            ((int_int *)in)[i] = (int_int){v, x};
        else
            ((long_int *)in)[i] = (long_int){(long)v - 2, x};
    }
    for (int pass = 0; pass < 2; pass++) {
        memset(out, 0, esz * (size_t)count);
        if (pass == 0)
            MPI_OK(MPI_Reduce(in, out, count, dt, op, root, MPI_COMM_WORLD));
        else
            MPI_OK(MPI_Allreduce(in, out, count, dt, op, MPI_COMM_WORLD));
        if (pass == 0 && me != root) continue;
        for (int i = 0; i < count; i++) {
            int bv = loc_val(0, i), bx = loc_idx(0, i, np);
            for (int r = 1; r < np; r++) {
                int v = loc_val(r, i), x = loc_idx(r, i, np);
                if ((maxloc ? v > bv : v < bv) || (v == bv && x < bx)) bv = v, bx = x;
            }
            double gv;
            int gx;
            double wv = which == 0 ? bv + 0.5 : which == 1 ? bv : bv - 2;
            if (which == 0)
                gv = ((dbl_int *)out)[i].v, gx = ((dbl_int *)out)[i].i;
            else if (which == 1)
                gv = ((int_int *)out)[i].v, gx = ((int_int *)out)[i].i;
            else
                gv = (double)((long_int *)out)[i].v, gx = ((long_int *)out)[i].i;
            if (gv != wv || gx != bx)
                chk_fail(__FILE__, __LINE__, "%s: element %d is (%g, %d), expected (%g, %d)",
                         pass ? "Allreduce" : "Reduce", i, gv, gx, wv, bx);
        }
        chk_passed++;
    }
    free(in);
    free(out);
}

static void bcasts(void)
{
    int me = chk_rank, np = chk_size;
    static const size_t sizes[] = {0, 1, 100, 4096, 65537, 1 << 20};
    unsigned char *buf = chk_malloc((size_t)1 << 20);
    char what[120];
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t n = sizes[k];
        for (int root = 0; root < np; root++) {
            if (n > 65537 && !(root == 0 || root == np - 1 || root == np / 2)) continue;
            snprintf(what, sizeof what, "Bcast %zu bytes from root %d", n, root);
            chk_case("%s", what);
            uint32_t seed = chk_seed(60, (uint32_t)root, (uint32_t)n, 0);
            if (me == root)
                chk_fill(buf, n, seed);
            else
                memset(buf, 0xEE, n);
            MPI_OK(MPI_Bcast(buf, (int)n, MPI_BYTE, root, MPI_COMM_WORLD));
            CHECK_BUF(buf, n, seed, what);
        }
    }
    /* typed: doubles */
    chk_case("Bcast of 1000 doubles");
    double *d = (double *)buf;
    for (int i = 0; i < 1000; i++) d[i] = me == np - 1 ? i * 0.25 : -1.0;
    MPI_OK(MPI_Bcast(d, 1000, MPI_DOUBLE, np - 1, MPI_COMM_WORLD));
    for (int i = 0; i < 1000; i++)
        if (d[i] != i * 0.25)
            chk_fail(__FILE__, __LINE__, "Bcast doubles: element %d is %g, expected %g", i, d[i], i * 0.25);
    chk_passed++;
    free(buf);
}

/* A barrier must not let anyone out before everyone is in: every rank reports "out" to a late
 * rank, which looks for such reports (and gives them time to arrive) before entering. */
static void barriers(void)
{
    int me = chk_rank, np = chk_size;
    MPI_OK(MPI_Barrier(MPI_COMM_WORLD));
    for (int round = 0; round < 3 && np > 1; round++) {
        int late = (np - 1 + round * 5) % np;
        chk_case("Barrier round %d, late rank %d", round, late);
        if (me == late) {
            for (int i = 0; i < 20; i++) {
                int flag = 1;
                MPI_OK(MPI_Iprobe(MPI_ANY_SOURCE, 900 + round, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE));
                CHECK(flag == 0, "a rank left the barrier before rank %d entered it", late);
                chk_sleep_ms(1);
            }
        }
        MPI_OK(MPI_Barrier(MPI_COMM_WORLD));
        int x = me;
        if (me != late) {
            MPI_OK(MPI_Send(&x, 1, MPI_INT, late, 900 + round, MPI_COMM_WORLD));
        } else {
            for (int i = 0; i < np - 1; i++)
                MPI_OK(MPI_Recv(&x, 1, MPI_INT, MPI_ANY_SOURCE, 900 + round, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
        }
    }
    MPI_OK(MPI_Barrier(MPI_COMM_SELF));
}

static void communicators(void)
{
    int me = chk_rank, np = chk_size;
    MPI_Comm half, dup, none, same;
    int r, s, v;
    chk_case("Comm_split by parity, reversed keys");
    MPI_OK(MPI_Comm_split(MPI_COMM_WORLD, me % 2, np - me, &half));
    int want_size = (np - me % 2 + 1) / 2, want_rank = 0, sum = 0, top = -1;
    for (int q = me % 2; q < np; q += 2) {
        sum += q;
        if (q > me) want_rank++;
        if (q > top) top = q;
    }
    MPI_OK(MPI_Comm_size(half, &s));
    MPI_OK(MPI_Comm_rank(half, &r));
    CHECK_INT(s, want_size, "size of the parity communicator");
    CHECK_INT(r, want_rank, "rank in the parity communicator (reversed keys)");
    MPI_OK(MPI_Allreduce(&me, &v, 1, MPI_INT, MPI_SUM, half));
    CHECK_INT(v, sum, "Allreduce(SUM of world ranks) on the parity communicator");
    v = me;
    MPI_OK(MPI_Bcast(&v, 1, MPI_INT, 0, half));
    CHECK_INT(v, top, "Bcast from rank 0 of the parity communicator (highest world rank)");
    /* point-to-point inside: ranks and statuses are communicator ranks */
    chk_case("point-to-point on the parity communicator");
    {
        int to = (r + 1) % s, from = (r - 1 + s) % s, got = -1;
        MPI_Status st;
        MPI_OK(MPI_Sendrecv(&me, 1, MPI_INT, to, 5, &got, 1, MPI_INT, from, 5, half, &st));
        CHECK_STATUS(&st, from, 5, MPI_INT, 1, "Sendrecv on the parity communicator");
        /* from's world rank: members in descending order */
        CHECK_INT(got, top - 2 * from, "world rank of the left neighbour in the parity communicator");
    }

    chk_case("Comm_split with MPI_UNDEFINED on rank 0");
    MPI_OK(MPI_Comm_split(MPI_COMM_WORLD, me == 0 ? MPI_UNDEFINED : 1, 0, &none));
    if (me == 0) {
        CHECK(none == MPI_COMM_NULL, "MPI_UNDEFINED color did not give MPI_COMM_NULL");
    } else {
        MPI_OK(MPI_Comm_size(none, &s));
        MPI_OK(MPI_Comm_rank(none, &r));
        CHECK_INT(s, np - 1, "size without rank 0");
        CHECK_INT(r, me - 1, "rank without rank 0 (equal keys keep the old order)");
        MPI_OK(MPI_Allreduce(&me, &v, 1, MPI_INT, MPI_MAX, none));
        CHECK_INT(v, np - 1, "Allreduce(MAX) without rank 0");
        MPI_OK(MPI_Comm_free(&none));
    }

    chk_case("Comm_split, one color, key 0");
    MPI_OK(MPI_Comm_split(MPI_COMM_WORLD, 7, 0, &same));
    MPI_OK(MPI_Comm_rank(same, &r));
    CHECK_INT(r, me, "rank after a split with one color and equal keys");

    chk_case("Comm_dup");
    MPI_OK(MPI_Comm_dup(MPI_COMM_WORLD, &dup));
    MPI_OK(MPI_Comm_size(dup, &s));
    MPI_OK(MPI_Comm_rank(dup, &r));
    CHECK(s == np && r == me, "Comm_dup: size %d rank %d, expected %d %d", s, r, np, me);
    /* interleave collectives on the three communicators */
    int a = me + 1, b = 0, c = 0, p = me % 4 == 1 ? 2 : 1;
    MPI_OK(MPI_Allreduce(&a, &b, 1, MPI_INT, MPI_SUM, dup));
    MPI_OK(MPI_Allreduce(&p, &c, 1, MPI_INT, MPI_PROD, same));
    CHECK_INT(b, np * (np + 1) / 2, "Allreduce(SUM) on the dup");
    long long f = 1;
    for (int q = 0; q < np; q++) f *= q % 4 == 1 ? 2 : 1;
    CHECK_INT(c, f, "Allreduce(PROD) on a split");
    a = me;
    MPI_OK(MPI_Allreduce(MPI_IN_PLACE, &a, 1, MPI_INT, MPI_MAX, MPI_COMM_SELF));
    CHECK_INT(a, me, "Allreduce on MPI_COMM_SELF");

    chk_case("Comm_free");
    MPI_OK(MPI_Comm_free(&dup));
    MPI_OK(MPI_Comm_free(&same));
    MPI_OK(MPI_Comm_free(&half));
    CHECK(dup == MPI_COMM_NULL && same == MPI_COMM_NULL && half == MPI_COMM_NULL,
          "Comm_free did not set the handles to MPI_COMM_NULL");
    /* many dup/free cycles: context ids must be recycled */
    for (int i = 0; i < 50; i++) {
        MPI_OK(MPI_Comm_dup(MPI_COMM_WORLD, &dup));
        MPI_OK(MPI_Barrier(dup));
        MPI_OK(MPI_Comm_free(&dup));
    }
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    chk_begin("coll_basic");
    barriers();
    bcasts();
    reductions();
    for (int which = 0; which < 3; which++)
        for (int maxloc = 0; maxloc < 2; maxloc++) {
            loc_case(which, maxloc, 1);
            loc_case(which, maxloc, 1000);
        }
    communicators();
    return chk_end();
}
