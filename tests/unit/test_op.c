/* Predefined reduction ops: results against hand-computed values, and which (op, type) pairs the
 * MPI standard allows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include "core/datatype.h"
#include "core/op.h"

/* Complex values from parts. Not CMPLX: glibc defines it only for GCC >= 4.7, and clang
 * identifies itself as GCC 4.2. C11 lays a complex out as an array of its two parts. */
#define MAKE_COMPLEX(name, R)                                                                                          \
    static R _Complex name(R re, R im)                                                                                 \
    {                                                                                                                  \
        R _Complex z;                                                                                                  \
        ((R *)&z)[0] = re;                                                                                             \
        ((R *)&z)[1] = im;                                                                                             \
        return z;                                                                                                      \
    }
MAKE_COMPLEX(cf, float)
MAKE_COMPLEX(cd, double)
MAKE_COMPLEX(cld, long double)

/* Applies `op` to n elements and compares the bytes of inout with `expect`. */
static void check_bytes(MPI_Op op, MPI_Datatype t, const void *in, void *inout, const void *expect, size_t n,
                        size_t elem)
{
    assert_int_equal(mp_op_check(op, t), MPI_SUCCESS);
    mp_op_apply(op, t, in, inout, n);
    assert_memory_equal(inout, expect, n * elem);
}

#define CHECK(op, t, T, IN, IO, EXP)                                                                                   \
    do {                                                                                                               \
        const T in_[] = IN;                                                                                            \
        T io_[] = IO;                                                                                                  \
        const T exp_[] = EXP;                                                                                          \
        _Static_assert(sizeof in_ == sizeof io_ && sizeof io_ == sizeof exp_, "same lengths");                         \
        check_bytes(op, t, in_, io_, exp_, sizeof in_ / sizeof in_[0], sizeof(T));                                     \
    } while (0)
#define L(...)                                                                                                         \
    {                                                                                                                  \
        __VA_ARGS__                                                                                                    \
    }

static void test_int_arith(void **state)
{
    (void)state;
    CHECK(MPI_MAX, MPI_INT, int, L(1, -5, 7, INT_MIN), L(2, -6, 7, INT_MAX), L(2, -5, 7, INT_MAX));
    CHECK(MPI_MIN, MPI_INT, int, L(1, -5, 7, INT_MIN), L(2, -6, 7, INT_MAX), L(1, -6, 7, INT_MIN));
    CHECK(MPI_SUM, MPI_INT, int, L(1, -5, 0, 100000), L(2, -6, 0, 23), L(3, -11, 0, 100023));
    CHECK(MPI_PROD, MPI_INT, int, L(3, -5, 0, 1000), L(4, 6, 9, -1000), L(12, -30, 0, -1000000));
    /* Wrap-around is modulo 2^N, never undefined behaviour. */
    CHECK(MPI_SUM, MPI_INT, int, L(INT_MAX), L(1), L(INT_MIN));
    CHECK(MPI_SUM, MPI_UNSIGNED_CHAR, unsigned char, L(200, 1), L(100, 2), L(44, 3));
    CHECK(MPI_PROD, MPI_UNSIGNED_SHORT, unsigned short, L(65535, 300), L(65535, 200), L(1, 60000));
    CHECK(MPI_SUM, MPI_SIGNED_CHAR, signed char, L(-100, 5), L(-100, -7), L(56, -2));
    CHECK(MPI_MAX, MPI_SHORT, short, L(-3, 300), L(-4, 301), L(-3, 301));
    CHECK(MPI_MIN, MPI_UNSIGNED, unsigned, L(0u, UINT_MAX), L(5u, 7u), L(0u, 7u));
    CHECK(MPI_SUM, MPI_LONG, long, L(LONG_MAX - 1, -1), L(1, -1), L(LONG_MAX, -2));
    CHECK(MPI_PROD, MPI_UNSIGNED_LONG, unsigned long, L(1UL << 32), L(1UL << 31), L(1UL << 63));
    CHECK(MPI_SUM, MPI_LONG_LONG, long long, L(1LL << 40), L(-(1LL << 41)), L(-(1LL << 40)));
    CHECK(MPI_MAX, MPI_UNSIGNED_LONG_LONG, unsigned long long, L(ULLONG_MAX, 1), L(0, 2), L(ULLONG_MAX, 2));
    CHECK(MPI_SUM, MPI_INT8_T, int8_t, L(127, -128), L(1, -1), L(-128, 127));
    CHECK(MPI_PROD, MPI_INT16_T, int16_t, L(-300), L(100), L(-30000));
    CHECK(MPI_MIN, MPI_INT32_T, int32_t, L(INT32_MIN, 4), L(0, 3), L(INT32_MIN, 3));
    CHECK(MPI_SUM, MPI_INT64_T, int64_t, L(INT64_MAX), L(INT64_MIN), L(-1));
    CHECK(MPI_SUM, MPI_UINT8_T, uint8_t, L(255), L(2), L(1));
    CHECK(MPI_MAX, MPI_UINT16_T, uint16_t, L(65535, 0), L(1, 1), L(65535, 1));
    CHECK(MPI_PROD, MPI_UINT32_T, uint32_t, L(65536u), L(65537u), L(65536u));
    CHECK(MPI_SUM, MPI_UINT64_T, uint64_t, L(UINT64_MAX), L(3), L(2));
    CHECK(MPI_SUM, MPI_AINT, MPI_Aint, L(-8, 16), L(8, 16), L(0, 32));
    CHECK(MPI_MAX, MPI_OFFSET, MPI_Offset, L(1LL << 50), L(3), L(1LL << 50));
    CHECK(MPI_PROD, MPI_COUNT, MPI_Count, L(-3), L(1LL << 40), L(-3 * (1LL << 40)));
}

static void test_int_logical_bitwise(void **state)
{
    (void)state;
    CHECK(MPI_LAND, MPI_INT, int, L(0, 5, 0, -1), L(0, 0, 7, 9), L(0, 0, 0, 1));
    CHECK(MPI_LOR, MPI_INT, int, L(0, 5, 0, -1), L(0, 0, 7, 9), L(0, 1, 1, 1));
    CHECK(MPI_LXOR, MPI_INT, int, L(0, 5, 0, -1), L(0, 0, 7, 9), L(0, 1, 1, 0));
    CHECK(MPI_LAND, MPI_UNSIGNED_CHAR, unsigned char, L(2, 0), L(3, 3), L(1, 0));
    CHECK(MPI_LXOR, MPI_INT64_T, int64_t, L(1LL << 40, 0), L(0, 0), L(1, 0));
    CHECK(MPI_BAND, MPI_INT, int, L(0x0f0f, -1), L(0x00ff, 0x1234), L(0x000f, 0x1234));
    CHECK(MPI_BOR, MPI_UNSIGNED_SHORT, unsigned short, L(0xf000), L(0x000f), L(0xf00f));
    CHECK(MPI_BXOR, MPI_UINT64_T, uint64_t, L(~0ULL), L(0xffULL), L(~0xffULL));
    CHECK(MPI_BXOR, MPI_SIGNED_CHAR, signed char, L(-1), L(0x0f), L(-16));
    CHECK(MPI_BAND, MPI_AINT, MPI_Aint, L(-1), L(0x70), L(0x70));
    CHECK(MPI_BOR, MPI_COUNT, MPI_Count, L(1), L(2), L(3));
    CHECK(MPI_BAND, MPI_BYTE, unsigned char, L(0xf0, 0xff), L(0x3c, 0x00), L(0x30, 0x00));
    CHECK(MPI_BOR, MPI_BYTE, unsigned char, L(0xf0), L(0x0f), L(0xff));
    CHECK(MPI_BXOR, MPI_BYTE, unsigned char, L(0xff), L(0x0f), L(0xf0));
    CHECK(MPI_LAND, MPI_C_BOOL, bool, L(true, true, false, false), L(true, false, true, false),
          L(true, false, false, false));
    CHECK(MPI_LOR, MPI_C_BOOL, bool, L(true, true, false, false), L(true, false, true, false),
          L(true, true, true, false));
    CHECK(MPI_LXOR, MPI_C_BOOL, bool, L(true, true, false, false), L(true, false, true, false),
          L(false, true, true, false));
}

static void test_floating(void **state)
{
    (void)state;
    CHECK(MPI_MAX, MPI_FLOAT, float, L(1.5f, -2.0f), L(1.25f, -3.0f), L(1.5f, -2.0f));
    CHECK(MPI_MIN, MPI_FLOAT, float, L(1.5f, -2.0f), L(1.25f, -3.0f), L(1.25f, -3.0f));
    CHECK(MPI_SUM, MPI_FLOAT, float, L(1.5f, -2.0f), L(1.25f, -3.0f), L(2.75f, -5.0f));
    CHECK(MPI_PROD, MPI_FLOAT, float, L(1.5f, -2.0f), L(4.0f, -3.0f), L(6.0f, 6.0f));
    CHECK(MPI_MAX, MPI_DOUBLE, double, L(1e300, -0.5), L(-1e300, -0.25), L(1e300, -0.25));
    CHECK(MPI_MIN, MPI_DOUBLE, double, L(1e300, -0.5), L(-1e300, -0.25), L(-1e300, -0.5));
    CHECK(MPI_SUM, MPI_DOUBLE, double, L(0.5, 1e10), L(0.25, 1.0), L(0.75, 10000000001.0));
    CHECK(MPI_PROD, MPI_DOUBLE, double, L(0.5, -8.0), L(0.25, 0.125), L(0.125, -1.0));
    long double in[] = {2.5L, -1.0L}, io[] = {4.0L, 3.0L};
    assert_int_equal(mp_op_check(MPI_PROD, MPI_LONG_DOUBLE), MPI_SUCCESS);
    mp_op_apply(MPI_PROD, MPI_LONG_DOUBLE, in, io, 2);
    assert_true(io[0] == 10.0L && io[1] == -3.0L);
    mp_op_apply(MPI_MAX, MPI_LONG_DOUBLE, in, io, 2);
    assert_true(io[0] == 10.0L && io[1] == -1.0L);
    mp_op_apply(MPI_SUM, MPI_LONG_DOUBLE, in, io, 2);
    assert_true(io[0] == 12.5L && io[1] == -2.0L);
    mp_op_apply(MPI_MIN, MPI_LONG_DOUBLE, in, io, 2);
    assert_true(io[0] == 2.5L && io[1] == -2.0L);
}

static void test_complex(void **state)
{
    (void)state;
    /* (1+2i)(3+4i) = -5+10i */
    CHECK(MPI_SUM, MPI_C_DOUBLE_COMPLEX, double _Complex, L(cd(1, 2)), L(cd(3, 4)), L(cd(4, 6)));
    CHECK(MPI_PROD, MPI_C_DOUBLE_COMPLEX, double _Complex, L(cd(1, 2)), L(cd(3, 4)), L(cd(-5, 10)));
    CHECK(MPI_SUM, MPI_C_FLOAT_COMPLEX, float _Complex, L(cf(0.5f, -1)), L(cf(0.25f, 3)), L(cf(0.75f, 2)));
    CHECK(MPI_PROD, MPI_C_FLOAT_COMPLEX, float _Complex, L(cf(0, 2)), L(cf(0, 2)), L(cf(-4, 0)));
    long double _Complex a[] = {cld(1, 1)}, b[] = {cld(1, -1)};
    mp_op_apply(MPI_PROD, MPI_C_LONG_DOUBLE_COMPLEX, a, b, 1);
    assert_true(b[0] == cld(2, 0));
    mp_op_apply(MPI_SUM, MPI_C_LONG_DOUBLE_COMPLEX, a, b, 1);
    assert_true(b[0] == cld(3, 1));
}

/* Pairs are compared field by field: padding bytes need not be copied. */
#define CHECK_LOC(op, t, T, IN, IO, EXP)                                                                               \
    do {                                                                                                               \
        const T in_[] = IN;                                                                                            \
        T io_[] = IO;                                                                                                  \
        const T exp_[] = EXP;                                                                                          \
        size_t n_ = sizeof in_ / sizeof in_[0];                                                                        \
        assert_int_equal(mp_op_check(op, t), MPI_SUCCESS);                                                             \
        mp_op_apply(op, t, in_, io_, n_);                                                                              \
        for (size_t k = 0; k < n_; k++) {                                                                              \
            assert_true(io_[k].v == exp_[k].v);                                                                        \
            assert_int_equal(io_[k].i, exp_[k].i);                                                                     \
        }                                                                                                              \
    } while (0)
#define P(v, i)                                                                                                        \
    {                                                                                                                  \
        v, i                                                                                                           \
    }

static void test_maxloc_minloc(void **state)
{
    (void)state;
    /* Elements: larger/smaller value wins; on a tie the smaller index wins, from either side. */
    CHECK_LOC(MPI_MAXLOC, MPI_2INT, struct mp_2int, L(P(5, 1), P(3, 0), P(7, 4), P(7, 2)),
              L(P(4, 0), P(9, 3), P(7, 3), P(7, 5)), L(P(5, 1), P(9, 3), P(7, 3), P(7, 2)));
    CHECK_LOC(MPI_MINLOC, MPI_2INT, struct mp_2int, L(P(5, 1), P(3, 0), P(7, 4), P(7, 2)),
              L(P(4, 0), P(9, 3), P(7, 3), P(7, 5)), L(P(4, 0), P(3, 0), P(7, 3), P(7, 2)));
    CHECK_LOC(MPI_MAXLOC, MPI_FLOAT_INT, struct mp_float_int, L(P(1.5f, 2), P(2.0f, 9)), L(P(1.5f, 1), P(1.0f, 0)),
              L(P(1.5f, 1), P(2.0f, 9)));
    CHECK_LOC(MPI_MINLOC, MPI_FLOAT_INT, struct mp_float_int, L(P(1.5f, 2), P(2.0f, 9)), L(P(1.5f, 1), P(1.0f, 0)),
              L(P(1.5f, 1), P(1.0f, 0)));
    CHECK_LOC(MPI_MAXLOC, MPI_DOUBLE_INT, struct mp_double_int, L(P(-1.0, 7), P(3.0, 3)), L(P(-2.0, 1), P(3.0, 2)),
              L(P(-1.0, 7), P(3.0, 2)));
    CHECK_LOC(MPI_MINLOC, MPI_DOUBLE_INT, struct mp_double_int, L(P(-1.0, 7), P(3.0, 1)), L(P(-2.0, 1), P(3.0, 2)),
              L(P(-2.0, 1), P(3.0, 1)));
    CHECK_LOC(MPI_MAXLOC, MPI_LONG_INT, struct mp_long_int, L(P(LONG_MAX, 4)), L(P(LONG_MAX, 3)), L(P(LONG_MAX, 3)));
    CHECK_LOC(MPI_MINLOC, MPI_LONG_INT, struct mp_long_int, L(P(LONG_MIN, 4)), L(P(0, 3)), L(P(LONG_MIN, 4)));
    CHECK_LOC(MPI_MAXLOC, MPI_SHORT_INT, struct mp_short_int, L(P(-1, 0)), L(P(-2, 1)), L(P(-1, 0)));
    CHECK_LOC(MPI_MINLOC, MPI_SHORT_INT, struct mp_short_int, L(P(10, 8)), L(P(10, 8)), L(P(10, 8)));
    CHECK_LOC(MPI_MAXLOC, MPI_LONG_DOUBLE_INT, struct mp_long_double_int, L(P(0.5L, 1)), L(P(0.25L, 0)), L(P(0.5L, 1)));
    CHECK_LOC(MPI_MINLOC, MPI_LONG_DOUBLE_INT, struct mp_long_double_int, L(P(0.5L, 1)), L(P(0.25L, 0)),
              L(P(0.25L, 0)));
}

static void test_replace_no_op(void **state)
{
    (void)state;
    CHECK(MPI_REPLACE, MPI_INT, int, L(1, 2), L(3, 4), L(1, 2));
    CHECK(MPI_REPLACE, MPI_CHAR, char, L('a', 'b'), L('c', 'd'), L('a', 'b'));
    CHECK(MPI_REPLACE, MPI_C_DOUBLE_COMPLEX, double _Complex, L(cd(0, 1)), L(cd(2, 0)), L(cd(0, 1)));
    CHECK_LOC(MPI_REPLACE, MPI_2INT, struct mp_2int, L(P(1, 2)), L(P(3, 4)), L(P(1, 2)));
    CHECK(MPI_NO_OP, MPI_DOUBLE, double, L(1.0, 2.0), L(3.0, 4.0), L(3.0, 4.0));
    CHECK(MPI_NO_OP, MPI_PACKED, unsigned char, L(1), L(2), L(2));
    for (MPI_Datatype t = 1; t <= MP_DTYPE_LAST_PREDEF; t++) {
        assert_int_equal(mp_op_check(MPI_REPLACE, t), MPI_SUCCESS);
        assert_int_equal(mp_op_check(MPI_NO_OP, t), MPI_SUCCESS);
    }
}

static void test_count_zero(void **state)
{
    (void)state;
    int in = 1, io = 2;
    mp_op_apply(MPI_SUM, MPI_INT, &in, &io, 0);
    assert_int_equal(io, 2);
}

/* Which (op, type) pairs the standard's table allows. */
static void test_check_table(void **state)
{
    (void)state;
    static const MPI_Datatype integer[] = {
        MPI_SIGNED_CHAR, MPI_UNSIGNED_CHAR, MPI_SHORT,     MPI_UNSIGNED_SHORT,     MPI_INT,      MPI_UNSIGNED,
        MPI_LONG,        MPI_UNSIGNED_LONG, MPI_LONG_LONG, MPI_UNSIGNED_LONG_LONG, MPI_INT8_T,   MPI_INT16_T,
        MPI_INT32_T,     MPI_INT64_T,       MPI_UINT8_T,   MPI_UINT16_T,           MPI_UINT32_T, MPI_UINT64_T};
    for (size_t k = 0; k < sizeof integer / sizeof integer[0]; k++)
        for (MPI_Op op = MPI_MAX; op <= MPI_BXOR; op++) assert_int_equal(mp_op_check(op, integer[k]), MPI_SUCCESS);

    struct {
        MPI_Op op;
        MPI_Datatype t;
        int expect;
    } cases[] = {
        {MPI_SUM, MPI_AINT, MPI_SUCCESS},
        {MPI_BAND, MPI_OFFSET, MPI_SUCCESS},
        {MPI_LAND, MPI_AINT, MPI_ERR_OP},
        {MPI_LXOR, MPI_COUNT, MPI_ERR_OP},
        {MPI_MAX, MPI_DOUBLE, MPI_SUCCESS},
        {MPI_PROD, MPI_LONG_DOUBLE, MPI_SUCCESS},
        {MPI_LAND, MPI_FLOAT, MPI_ERR_OP},
        {MPI_LOR, MPI_DOUBLE, MPI_ERR_OP},
        {MPI_BAND, MPI_DOUBLE, MPI_ERR_OP},
        {MPI_BXOR, MPI_FLOAT, MPI_ERR_OP},
        {MPI_MAXLOC, MPI_DOUBLE, MPI_ERR_OP},
        {MPI_SUM, MPI_C_FLOAT_COMPLEX, MPI_SUCCESS},
        {MPI_MAX, MPI_C_DOUBLE_COMPLEX, MPI_ERR_OP},
        {MPI_LAND, MPI_C_DOUBLE_COMPLEX, MPI_ERR_OP},
        {MPI_LAND, MPI_C_BOOL, MPI_SUCCESS},
        {MPI_SUM, MPI_C_BOOL, MPI_ERR_OP},
        {MPI_BAND, MPI_C_BOOL, MPI_ERR_OP},
        {MPI_BOR, MPI_BYTE, MPI_SUCCESS},
        {MPI_SUM, MPI_BYTE, MPI_ERR_OP},
        {MPI_LAND, MPI_BYTE, MPI_ERR_OP},
        {MPI_MAXLOC, MPI_2INT, MPI_SUCCESS},
        {MPI_MINLOC, MPI_LONG_DOUBLE_INT, MPI_SUCCESS},
        {MPI_SUM, MPI_2INT, MPI_ERR_OP},
        {MPI_MAX, MPI_DOUBLE_INT, MPI_ERR_OP},
        {MPI_MAXLOC, MPI_INT, MPI_ERR_OP},
        {MPI_SUM, MPI_CHAR, MPI_ERR_OP},
        {MPI_MAX, MPI_WCHAR, MPI_ERR_OP},
        {MPI_BOR, MPI_PACKED, MPI_ERR_OP},
        {MPI_OP_NULL, MPI_INT, MPI_ERR_OP},
        {MP_OP_LAST_PREDEF + 1, MPI_INT, MPI_ERR_OP},
        {-1, MPI_INT, MPI_ERR_OP},
        {MPI_SUM, MPI_DATATYPE_NULL, MPI_ERR_TYPE},
        {MPI_SUM, MP_DTYPE_LAST_PREDEF + 1, MPI_ERR_TYPE},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        int got = mp_op_check(cases[k].op, cases[k].t);
        if (got != cases[k].expect)
            fail_msg("op %d on type %d: got %d, expected %d", cases[k].op, cases[k].t, got, cases[k].expect);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_int_arith),     cmocka_unit_test(test_int_logical_bitwise),
        cmocka_unit_test(test_floating),      cmocka_unit_test(test_complex),
        cmocka_unit_test(test_maxloc_minloc), cmocka_unit_test(test_replace_no_op),
        cmocka_unit_test(test_count_zero),    cmocka_unit_test(test_check_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
