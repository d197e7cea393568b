/* Derived datatype layouts: every constructor, nesting, resized and struct types with gaps;
 * subarrays and distributed arrays; bounds and sizes against hand-computed values; pack, unpack and scatter/gather
 * lists over arbitrary chunk boundaries against a byte-by-byte reference built from the types' contents (not from the
 * merged runs the engine packs with); element counts of partial messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

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

/* The reference: the memory offset of every byte of the packed stream, in order, found by
 * walking the constructor tree. */
struct offsets {
    MPI_Aint *v;
    size_t n, cap;
};

static void add(struct offsets *o, MPI_Aint off)
{
    if (o->n == o->cap) {
        o->cap = o->cap ? 2 * o->cap : 256;
        o->v = realloc(o->v, o->cap * sizeof *o->v);
        assert_non_null(o->v);
    }
    o->v[o->n++] = off;
}

static void ref_walk(const struct mp_dtype *dt, MPI_Aint at, struct offsets *o);

static void ref_copies(const struct mp_dtype *old, size_t n, MPI_Aint at, MPI_Aint step, struct offsets *o)
{
    for (size_t j = 0; j < n; j++) ref_walk(old, at + (MPI_Aint)j * step, o);
}

static void ref_subarray(const struct mp_dtype *dt, int dim, MPI_Aint at, struct offsets *o)
{
    int nd = dt->ints[0];
    const int *sizes = dt->ints + 1, *subs = sizes + nd, *starts = subs + nd;
    int fortran = dt->ints[1 + 3 * nd] == MPI_ORDER_FORTRAN;
    int d = fortran ? nd - 1 - dim : dim; /* the slowest dimension first */
    MPI_Aint stride = dt->types[0]->extent;
    for (int k = 0; k < nd; k++)
        if (fortran ? k < d : k > d) stride *= sizes[k];
    for (int i = starts[d]; i < starts[d] + subs[d]; i++) {
        if (dim == nd - 1)
            ref_walk(dt->types[0], at + i * stride, o);
        else
            ref_subarray(dt, dim + 1, at + i * stride, o);
    }
}

/* Whether process coordinate `coord` holds index i of a dimension, by the definition of each
 * distribution (not by the ranges the library computes). */
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

/* A distributed array holds, in memory order, every element whose index it holds in each
 * dimension. */
static void ref_darray(const struct mp_dtype *dt, MPI_Aint at, struct offsets *o)
{
    const int *in = dt->ints;
    int rank = in[1], nd = in[2];
    const int *g = in + 3, *dist = g + nd, *darg = dist + nd, *ps = darg + nd;
    int fortran = in[3 + 4 * nd] == MPI_ORDER_FORTRAN;
    int coord[8], rest = rank;
    for (int d = nd - 1; d >= 0; d--) {
        coord[d] = rest % ps[d];
        rest /= ps[d];
    }
    long total = 1;
    for (int d = 0; d < nd; d++) total *= g[d];
    for (long lin = 0; lin < total; lin++) {
        long r = lin;
        int ok = 1;
        for (int k = 0; k < nd; k++) {
            int d = fortran ? k : nd - 1 - k; /* fastest dimension first */
            int i = (int)(r % g[d]);
            r /= g[d];
            ok &= holds(i, g[d], dist[d], darg[d], ps[d], coord[d]);
        }
        if (ok) ref_walk(dt->types[0], at + lin * dt->types[0]->extent, o);
    }
}

static void ref_walk(const struct mp_dtype *dt, MPI_Aint at, struct offsets *o)
{
    const int *in = dt->ints;
    const MPI_Aint *a = dt->aints;
    MPI_Aint ext = dt->nt ? dt->types[0]->extent : 0;
    switch (dt->combiner) {
    case MPI_COMBINER_NAMED:
        for (size_t r = 0; r < dt->nruns; r++)
            for (size_t b = 0; b < dt->runs[r].len; b++) add(o, at + dt->runs[r].disp + (MPI_Aint)b);
        break;
    case MPI_COMBINER_CONTIGUOUS: ref_copies(dt->types[0], (size_t)in[0], at, ext, o); break;
    case MPI_COMBINER_VECTOR:
        for (int i = 0; i < in[0]; i++) ref_copies(dt->types[0], (size_t)in[1], at + i * in[2] * ext, ext, o);
        break;
    case MPI_COMBINER_HVECTOR:
        for (int i = 0; i < in[0]; i++) ref_copies(dt->types[0], (size_t)in[1], at + i * a[0], ext, o);
        break;
    case MPI_COMBINER_INDEXED:
        for (int i = 0; i < in[0]; i++)
            ref_copies(dt->types[0], (size_t)in[1 + i], at + in[1 + in[0] + i] * ext, ext, o);
        break;
    case MPI_COMBINER_HINDEXED:
        for (int i = 0; i < in[0]; i++) ref_copies(dt->types[0], (size_t)in[1 + i], at + a[i], ext, o);
        break;
    case MPI_COMBINER_INDEXED_BLOCK:
        for (int i = 0; i < in[0]; i++) ref_copies(dt->types[0], (size_t)in[1], at + in[2 + i] * ext, ext, o);
        break;
    case MPI_COMBINER_HINDEXED_BLOCK:
        for (int i = 0; i < in[0]; i++) ref_copies(dt->types[0], (size_t)in[1], at + a[i], ext, o);
        break;
    case MPI_COMBINER_STRUCT:
        for (int i = 0; i < in[0]; i++) ref_copies(dt->types[i], (size_t)in[1 + i], at + a[i], dt->types[i]->extent, o);
        break;
    case MPI_COMBINER_SUBARRAY: ref_subarray(dt, 0, at, o); break;
    case MPI_COMBINER_DARRAY: ref_darray(dt, at, o); break;
    case MPI_COMBINER_RESIZED:
    case MPI_COMBINER_DUP: ref_walk(dt->types[0], at, o); break;
    default: fail_msg("combiner %d", dt->combiner);
    }
}

/* Checks pack, unpack and iov of `count` elements of `t` against the reference, cutting the
 * stream into chunks of every size in `chunks`. */
static void check_stream(MPI_Datatype t, size_t count)
{
    const struct mp_dtype *dt = mp_dtype_get(t);
    assert_non_null(dt);
    struct offsets o = {0};
    for (size_t e = 0; e < count; e++) ref_walk(dt, (MPI_Aint)e * dt->extent, &o);
    assert_int_equal(o.n, count * dt->size);
    MPI_Aint lo = 0, hi = 0;
    for (size_t k = 0; k < o.n; k++) {
        lo = o.v[k] < lo ? o.v[k] : lo;
        hi = o.v[k] + 1 > hi ? o.v[k] + 1 : hi;
    }
    if (o.n) {
        /* True bounds agree with the reference for one element (lo/hi are over all of them). */
        assert_true(dt->true_lb >= lo);
        assert_true(dt->true_ub <= hi);
    }
    size_t span = (size_t)(hi - lo), packed = o.n;
    unsigned char *mem = malloc(span + 1), *ref = malloc(packed + 1), *got = malloc(packed + 1);
    unsigned char *back = calloc(span + 1, 1), *expect = calloc(span + 1, 1);
    assert_true(mem && ref && got && back && expect);
    for (size_t i = 0; i < span; i++) mem[i] = (unsigned char)(i * 7 + 3);
    unsigned char *buf = mem - lo;
    for (size_t k = 0; k < packed; k++) {
        ref[k] = buf[o.v[k]];
        expect[o.v[k] - lo] = ref[k];
    }
    const size_t chunks[] = {1, 2, 3, 5, 7, 13, 64, 1000, packed ? packed : 1};
    for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
        size_t chunk = chunks[c];
        memset(got, 0, packed + 1);
        memset(back, 0, span + 1);
        for (size_t off = 0; off < packed; off += chunk) {
            size_t n = packed - off < chunk ? packed - off : chunk;
            mp_dtype_pack(dt, buf, off, got + off, n);
            mp_dtype_unpack(dt, back - lo, off, ref + off, n);
        }
        assert_memory_equal(got, ref, packed);
        /* Zero-stride types write the same byte more than once: the last write wins in both. */
        assert_memory_equal(back, expect, span);
        /* Scatter/gather lists, at most 3 entries a call: they must cover the stream in order. */
        size_t off = 0, at = 0;
        memset(got, 0, packed + 1);
        while (off < packed) {
            struct iovec iov[3];
            size_t want = packed - off < chunk ? packed - off : chunk, covered;
            int k = mp_dtype_iov(dt, buf, off, want, iov, 3, &covered);
            assert_true(k > 0 && k <= 3 && covered > 0 && covered <= want);
            size_t sum = 0;
            for (int i = 0; i < k; i++) {
                memcpy(got + at, iov[i].iov_base, iov[i].iov_len);
                at += iov[i].iov_len;
                sum += iov[i].iov_len;
            }
            assert_int_equal(sum, covered);
            off += covered;
        }
        assert_memory_equal(got, ref, packed);
    }
    free(o.v);
    free(mem);
    free(ref);
    free(got);
    free(back);
    free(expect);
}

static void expect_bounds(MPI_Datatype t, size_t size, MPI_Aint lb, MPI_Aint extent, MPI_Aint true_lb,
                          MPI_Aint true_extent)
{
    const struct mp_dtype *dt = mp_dtype_get(t);
    assert_non_null(dt);
    assert_int_equal(dt->size, size);
    assert_int_equal(dt->lb, lb);
    assert_int_equal(dt->extent, extent);
    assert_int_equal(dt->ub, lb + extent);
    assert_int_equal(dt->true_lb, true_lb);
    assert_int_equal(dt->true_ub - dt->true_lb, true_extent);
}

static void test_contiguous_and_vector(void **state)
{
    (void)state;
    MPI_Datatype c, v, hv, neg;
    assert_int_equal(mp_dtype_contiguous(5, MPI_INT, &c), MPI_SUCCESS);
    expect_bounds(c, 20, 0, 20, 0, 20);
    assert_true(mp_dtype_is_contig(mp_dtype_get(c)));
    assert_int_equal(mp_dtype_get(c)->nruns, 1);
    check_stream(c, 3);

    /* A matrix column of 4 rows of 2 doubles, rows of 5: one strided run, however long. */
    assert_int_equal(mp_dtype_vector(4, 2, 5, 0, MPI_DOUBLE, &v), MPI_SUCCESS);
    expect_bounds(v, 64, 0, (3 * 5 + 2) * 8, 0, (3 * 5 + 2) * 8);
    assert_false(mp_dtype_is_contig(mp_dtype_get(v)));
    assert_int_equal(mp_dtype_get(v)->nruns, 1);
    assert_int_equal(mp_dtype_get(v)->runs[0].count, 4);
    assert_int_equal(mp_dtype_get(v)->base, MPI_DOUBLE);
    assert_int_equal(mp_dtype_get(v)->base_count, 8);
    check_stream(v, 1);
    check_stream(v, 3);

    /* Negative byte stride: blocks go backwards in memory. */
    assert_int_equal(mp_dtype_vector(3, 1, -24, 1, MPI_INT, &neg), MPI_SUCCESS);
    expect_bounds(neg, 12, -48, 52, -48, 52);
    check_stream(neg, 2);

    /* A vector whose blocks touch is contiguous. */
    assert_int_equal(mp_dtype_vector(6, 2, 2, 0, MPI_SHORT, &hv), MPI_SUCCESS);
    assert_true(mp_dtype_is_contig(mp_dtype_get(hv)));
    check_stream(hv, 2);

    /* A vector of vectors: a 3x4 block of an 8x10 matrix. */
    MPI_Datatype row, blk;
    assert_int_equal(mp_dtype_vector(1, 4, 1, 0, MPI_FLOAT, &row), MPI_SUCCESS);
    assert_int_equal(mp_dtype_vector(3, 1, 10 * (MPI_Aint)sizeof(float), 1, row, &blk), MPI_SUCCESS);
    expect_bounds(blk, 48, 0, (2 * 10 + 4) * 4, 0, (2 * 10 + 4) * 4);
    assert_int_equal(mp_dtype_get(blk)->nruns, 1);
    check_stream(blk, 2);

    /* Huge counts are described, not enumerated. */
    MPI_Datatype big;
    assert_int_equal(mp_dtype_vector(1 << 30, 1, 2, 0, MPI_CHAR, &big), MPI_SUCCESS);
    assert_int_equal(mp_dtype_get(big)->nruns, 1);
    assert_int_equal(mp_dtype_get(big)->size, (size_t)1 << 30);
    assert_int_equal(mp_dtype_vector(-1, 1, 1, 0, MPI_INT, &big), MPI_ERR_COUNT);
    assert_int_equal(mp_dtype_vector(1, -1, 1, 0, MPI_INT, &big), MPI_ERR_ARG);
    assert_int_equal(mp_dtype_vector(1, 1, 1, 0, MPI_DATATYPE_NULL, &big), MPI_ERR_TYPE);
}

static void test_indexed(void **state)
{
    (void)state;
    MPI_Datatype t, h, ib, hb;
    const int bl[] = {2, 0, 3}, disp[] = {5, 1, 0};
    assert_int_equal(mp_dtype_indexed(3, bl, disp, 0, MPI_SHORT, &t), MPI_SUCCESS);
    /* Blocks [10,14) and [0,6): lb 0, ub 14; the zero-length block does not count. */
    expect_bounds(t, 10, 0, 14, 0, 14);
    check_stream(t, 3);

    const int hbl[] = {1, 2};
    const MPI_Aint hdisp[] = {40, -8};
    assert_int_equal(mp_dtype_indexed(2, hbl, hdisp, 1, MPI_DOUBLE, &h), MPI_SUCCESS);
    expect_bounds(h, 24, -8, 56, -8, 56);
    check_stream(h, 2);

    const int bdisp[] = {0, 3, 7};
    assert_int_equal(mp_dtype_indexed_block(3, 2, bdisp, 0, MPI_INT, &ib), MPI_SUCCESS);
    expect_bounds(ib, 24, 0, 36, 0, 36);
    check_stream(ib, 2);

    const MPI_Aint hbdisp[] = {16, 0};
    assert_int_equal(mp_dtype_indexed_block(2, 1, hbdisp, 1, t, &hb), MPI_SUCCESS);
    expect_bounds(hb, 20, 0, 30, 0, 30);
    check_stream(hb, 2);
    assert_int_equal(mp_dtype_get(hb)->nprims, 10);

    const int badbl[] = {1, -1};
    assert_int_equal(mp_dtype_indexed(2, badbl, disp, 0, MPI_INT, &t), MPI_ERR_ARG);
}

struct rec {
    int a;
    double b;
    char c[3];
};

static void test_struct(void **state)
{
    (void)state;
    MPI_Datatype s;
    const int bl[] = {1, 1, 3};
    const MPI_Aint disp[] = {offsetof(struct rec, a), offsetof(struct rec, b), offsetof(struct rec, c)};
    const MPI_Datatype types[] = {MPI_INT, MPI_DOUBLE, MPI_CHAR};
    assert_int_equal(mp_dtype_struct(3, bl, disp, types, &s), MPI_SUCCESS);
    /* Padded to the C struct: arrays of the type are arrays of the struct. */
    expect_bounds(s, 15, 0, sizeof(struct rec), 0, offsetof(struct rec, c) + 3);
    assert_int_equal(mp_dtype_get(s)->base, MPI_DATATYPE_NULL);
    assert_int_equal(mp_dtype_get(s)->nprims, 5);
    check_stream(s, 4);

    /* Struct of a vector and a pair type, nested in a contiguous type. */
    MPI_Datatype v, s2, c;
    assert_int_equal(mp_dtype_vector(2, 1, 3, 0, MPI_INT, &v), MPI_SUCCESS);
    const int bl2[] = {2, 1};
    const MPI_Aint disp2[] = {8, 64};
    const MPI_Datatype types2[] = {v, MPI_SHORT_INT};
    assert_int_equal(mp_dtype_struct(2, bl2, disp2, types2, &s2), MPI_SUCCESS);
    assert_int_equal(mp_dtype_contiguous(3, s2, &c), MPI_SUCCESS);
    check_stream(s2, 2);
    check_stream(c, 2);

    /* Homogeneous structs keep a base type for reductions. */
    MPI_Datatype hs;
    const int bl3[] = {2, 3};
    const MPI_Aint disp3[] = {0, 32};
    const MPI_Datatype types3[] = {MPI_DOUBLE, MPI_DOUBLE};
    assert_int_equal(mp_dtype_struct(2, bl3, disp3, types3, &hs), MPI_SUCCESS);
    assert_int_equal(mp_dtype_get(hs)->base, MPI_DOUBLE);
    assert_int_equal(mp_dtype_get(hs)->base_count, 5);
    check_stream(hs, 3);

    const MPI_Datatype bad[] = {MPI_INT, MPI_DATATYPE_NULL, MPI_CHAR};
    assert_int_equal(mp_dtype_struct(3, bl, disp, bad, &s), MPI_ERR_TYPE);
}

static void test_resized_and_dup(void **state)
{
    (void)state;
    /* A column of a 4x6 int matrix, resized to one int so consecutive columns follow. */
    MPI_Datatype col, col1, cols, d;
    assert_int_equal(mp_dtype_vector(4, 1, 6, 0, MPI_INT, &col), MPI_SUCCESS);
    assert_int_equal(mp_dtype_resized(col, 0, sizeof(int), &col1), MPI_SUCCESS);
    expect_bounds(col1, 16, 0, 4, 0, 3 * 6 * 4 + 4);
    assert_int_equal(mp_dtype_contiguous(3, col1, &cols), MPI_SUCCESS);
    expect_bounds(cols, 48, 0, 12, 0, 3 * 6 * 4 + 12);
    check_stream(col1, 6);
    check_stream(cols, 2);

    /* Resized with a negative lb and a struct containing it: no padding of sticky bounds. */
    MPI_Datatype r, s;
    assert_int_equal(mp_dtype_resized(MPI_INT, -4, 12, &r), MPI_SUCCESS);
    expect_bounds(r, 4, -4, 12, 0, 4);
    assert_false(mp_dtype_is_contig(mp_dtype_get(r)));
    const int bl[] = {1, 1};
    const MPI_Aint disp[] = {0, 9};
    const MPI_Datatype types[] = {r, MPI_CHAR};
    assert_int_equal(mp_dtype_struct(2, bl, disp, types, &s), MPI_SUCCESS);
    expect_bounds(s, 5, -4, 14, 0, 10);
    check_stream(r, 3);
    check_stream(s, 3);

    assert_int_equal(mp_dtype_dup(col1, &d), MPI_SUCCESS);
    expect_bounds(d, 16, 0, 4, 0, 3 * 6 * 4 + 4);
    assert_int_equal(mp_dtype_get(d)->combiner, MPI_COMBINER_DUP);
    check_stream(d, 5);
}

static void test_subarray(void **state)
{
    (void)state;
    /* The interior face of a 5x6x7 C array: [1..3] x [2..5] x [0..6] */
    const int sizes[] = {5, 6, 7}, subs[] = {3, 4, 7}, starts[] = {1, 2, 0};
    MPI_Datatype c, f, face;
    assert_int_equal(mp_dtype_subarray(3, sizes, subs, starts, MPI_ORDER_C, MPI_DOUBLE, &c), MPI_SUCCESS);
    expect_bounds(c, 3 * 4 * 7 * 8, 0, 5 * 6 * 7 * 8, (1 * 42 + 2 * 7) * 8, ((2 * 42 + 3 * 7 + 7) * 8));
    /* Whole rows merge: one run per plane. */
    assert_int_equal(mp_dtype_get(c)->nruns, 1);
    check_stream(c, 2);
    assert_int_equal(mp_dtype_subarray(3, sizes, subs, starts, MPI_ORDER_FORTRAN, MPI_INT, &f), MPI_SUCCESS);
    expect_bounds(f, 3 * 4 * 7 * 4, 0, 5 * 6 * 7 * 4, (1 + 2 * 5) * 4, (3 + 5 * 5 + 6 * 30 + 1) * 4 - (1 + 2 * 5) * 4);
    check_stream(f, 2);
    /* A one-plane halo face, x = 4 */
    const int fsubs[] = {1, 6, 7}, fstarts[] = {4, 0, 0};
    assert_int_equal(mp_dtype_subarray(3, sizes, fsubs, fstarts, MPI_ORDER_FORTRAN, MPI_FLOAT, &face), MPI_SUCCESS);
    assert_int_equal(mp_dtype_get(face)->size, 42 * 4);
    check_stream(face, 1);

    const int bad_starts[] = {3, 0, 0};
    assert_int_equal(mp_dtype_subarray(3, sizes, subs, bad_starts, MPI_ORDER_C, MPI_INT, &c), MPI_ERR_ARG);
    assert_int_equal(mp_dtype_subarray(3, sizes, subs, starts, 99, MPI_INT, &c), MPI_ERR_ARG);
}

static void check_darray(int nd, const int *g, const int *dist, const int *darg, const int *ps, int order,
                         MPI_Datatype old)
{
    int procs = 1;
    size_t total = 1, sum = 0;
    for (int d = 0; d < nd; d++) {
        procs *= ps[d];
        total *= (size_t)g[d];
    }
    for (int r = 0; r < procs; r++) {
        MPI_Datatype t;
        assert_int_equal(mp_dtype_darray(procs, r, nd, g, dist, darg, ps, order, old, &t), MPI_SUCCESS);
        const struct mp_dtype *dt = mp_dtype_get(t);
        assert_int_equal(dt->lb, 0);
        assert_int_equal(dt->extent, (MPI_Aint)total * mp_dtype_get(old)->extent);
        sum += dt->size;
        check_stream(t, 2);
        assert_int_equal(mp_dtype_free(&t), MPI_SUCCESS);
    }
    int none = 0;
    for (int d = 0; d < nd; d++) none |= dist[d] == MPI_DISTRIBUTE_NONE && ps[d] > 1;
    if (!none) assert_int_equal(sum, total * mp_dtype_get(old)->size); /* every element held once */
}

static void test_darray(void **state)
{
    (void)state;
    const int B = MPI_DISTRIBUTE_BLOCK, C = MPI_DISTRIBUTE_CYCLIC, N = MPI_DISTRIBUTE_NONE,
              D = MPI_DISTRIBUTE_DFLT_DARG;
    check_darray(2, (int[]){10, 7}, (int[]){B, B}, (int[]){D, D}, (int[]){2, 3}, MPI_ORDER_C, MPI_DOUBLE);
    check_darray(2, (int[]){10, 7}, (int[]){B, C}, (int[]){D, 2}, (int[]){2, 3}, MPI_ORDER_FORTRAN, MPI_INT);
    check_darray(2, (int[]){9, 11}, (int[]){C, C}, (int[]){D, 3}, (int[]){4, 2}, MPI_ORDER_C, MPI_SHORT_INT);
    check_darray(3, (int[]){5, 6, 4}, (int[]){B, N, C}, (int[]){3, D, D}, (int[]){2, 1, 3}, MPI_ORDER_C, MPI_CHAR);
    check_darray(3, (int[]){5, 6, 4}, (int[]){C, B, N}, (int[]){2, 4, D}, (int[]){3, 2, 1}, MPI_ORDER_FORTRAN,
                 MPI_FLOAT);
    /* More processes than elements: some hold nothing. */
    check_darray(1, (int[]){3}, (int[]){B}, (int[]){D}, (int[]){5}, MPI_ORDER_C, MPI_INT);
    MPI_Datatype t;
    assert_int_equal(
        mp_dtype_darray(4, 0, 1, (int[]){10}, (int[]){B}, (int[]){2}, (int[]){4}, MPI_ORDER_C, MPI_INT, &t),
        MPI_ERR_ARG); /* blocks of 2 on 4 processes do not cover 10 */
    assert_int_equal(
        mp_dtype_darray(6, 0, 2, (int[]){4, 4}, (int[]){B, B}, (int[]){D, D}, (int[]){2, 2}, MPI_ORDER_C, MPI_INT, &t),
        MPI_ERR_ARG); /* 2 x 2 grid for 6 processes */
}

static void test_pairs(void **state)
{
    (void)state;
    /* Padded pairs are not dense: their padding never travels. */
    assert_false(mp_dtype_is_contig(mp_dtype_get(MPI_DOUBLE_INT)));
    assert_false(mp_dtype_is_contig(mp_dtype_get(MPI_SHORT_INT)));
    assert_true(mp_dtype_is_contig(mp_dtype_get(MPI_2INT)));
    check_stream(MPI_DOUBLE_INT, 3);
    check_stream(MPI_SHORT_INT, 3);
    check_stream(MPI_LONG_DOUBLE_INT, 2);
    MPI_Datatype v;
    assert_int_equal(mp_dtype_vector(3, 2, 3, 0, MPI_SHORT_INT, &v), MPI_SUCCESS);
    assert_int_equal(mp_dtype_get(v)->base, MPI_SHORT_INT);
    check_stream(v, 2);
}

static void test_elements(void **state)
{
    (void)state;
    MPI_Datatype s;
    const int bl[] = {1, 2};
    const MPI_Aint disp[] = {0, 8};
    const MPI_Datatype types[] = {MPI_INT, MPI_DOUBLE};
    assert_int_equal(mp_dtype_struct(2, bl, disp, types, &s), MPI_SUCCESS);
    const struct mp_dtype *dt = mp_dtype_get(s);
    assert_int_equal(dt->size, 20);
    assert_int_equal(mp_dtype_elements(dt, 0), 0);
    assert_int_equal(mp_dtype_elements(dt, 4), 1);
    assert_int_equal(mp_dtype_elements(dt, 12), 2);
    assert_int_equal(mp_dtype_elements(dt, 20), 3);
    assert_int_equal(mp_dtype_elements(dt, 24), 4);
    assert_int_equal(mp_dtype_elements(dt, 6), -1);
    assert_int_equal(mp_dtype_elements(dt, 2 * 20 + 12), 8);
    const struct mp_dtype *pair = mp_dtype_get(MPI_DOUBLE_INT);
    assert_int_equal(mp_dtype_elements(pair, 8), 1);
    assert_int_equal(mp_dtype_elements(pair, 12), 2);
    assert_int_equal(mp_dtype_elements(pair, 10), -1);
    MPI_Datatype v;
    assert_int_equal(mp_dtype_vector(3, 2, 4, 0, s, &v), MPI_SUCCESS);
    assert_int_equal(mp_dtype_elements(mp_dtype_get(v), 20 * 4 + 12), 14);
    assert_int_equal(mp_dtype_elements(mp_dtype_get(MPI_INT), 8), 2);
    assert_int_equal(mp_dtype_elements(mp_dtype_get(MPI_INT), 7), -1);
}

/* Types hold their parts: freeing a part's handle leaves the type whole. */
static void test_parts_outlive_handles(void **state)
{
    (void)state;
    MPI_Datatype c, v;
    assert_int_equal(mp_dtype_contiguous(2, MPI_INT, &c), MPI_SUCCESS);
    assert_int_equal(mp_dtype_vector(3, 1, 4, 0, c, &v), MPI_SUCCESS);
    struct mp_dtype *part = mp_dtype_get(c);
    assert_int_equal(part->refcount, 2);
    assert_int_equal(mp_dtype_free(&c), MPI_SUCCESS);
    assert_int_equal(part->refcount, 1);
    check_stream(v, 2);
    MPI_Datatype again;
    assert_int_equal(mp_dtype_handle(mp_dtype_get(v)->types[0], &again), MPI_SUCCESS);
    assert_ptr_equal(mp_dtype_get(again), part);
    assert_int_equal(part->refcount, 2);
    assert_int_equal(mp_dtype_free(&again), MPI_SUCCESS);
    assert_int_equal(mp_dtype_free(&v), MPI_SUCCESS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_contiguous_and_vector, setup, teardown),
        cmocka_unit_test_setup_teardown(test_indexed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_struct, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resized_and_dup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_subarray, setup, teardown),
        cmocka_unit_test_setup_teardown(test_darray, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pairs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_elements, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parts_outlive_handles, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
