#include "core/op.h"

/* Reductions of large buffers are bandwidth work: let GCC vectorize these loops at -O2 too, whose
 * "very cheap" cost model skips any loop of unknown trip count. Clang vectorizes them anyway. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("vect-cost-model=dynamic")
#endif

#include <stdbool.h>
#include <stdlib.h>
#include <wchar.h>

#include "core/datatype.h"

/* Type lists: X(op, tag, handle, T, U). U is the unsigned type the arithmetic is done in, at
 * least as wide as int, so that signed overflow wraps instead of being undefined behaviour and
 * narrow types are not promoted to (signed) int. Which list a type is in follows the MPI
 * standard's table of ops per type class. */
#define C_INTEGER_TYPES(X, op)                                                                                         \
    X(op, schar, MPI_SIGNED_CHAR, signed char, unsigned)                                                               \
    X(op, uchar, MPI_UNSIGNED_CHAR, unsigned char, unsigned)                                                           \
    X(op, short, MPI_SHORT, short, unsigned)                                                                           \
    X(op, ushort, MPI_UNSIGNED_SHORT, unsigned short, unsigned)                                                        \
    X(op, int, MPI_INT, int, unsigned)                                                                                 \
    X(op, uint, MPI_UNSIGNED, unsigned, unsigned)                                                                      \
    X(op, long, MPI_LONG, long, unsigned long)                                                                         \
    X(op, ulong, MPI_UNSIGNED_LONG, unsigned long, unsigned long)                                                      \
    X(op, llong, MPI_LONG_LONG_INT, long long, unsigned long long)                                                     \
    X(op, ullong, MPI_UNSIGNED_LONG_LONG, unsigned long long, unsigned long long)                                      \
    X(op, i8, MPI_INT8_T, int8_t, unsigned)                                                                            \
    X(op, i16, MPI_INT16_T, int16_t, unsigned)                                                                         \
    X(op, i32, MPI_INT32_T, int32_t, uint32_t)                                                                         \
    X(op, i64, MPI_INT64_T, int64_t, uint64_t)                                                                         \
    X(op, u8, MPI_UINT8_T, uint8_t, unsigned)                                                                          \
    X(op, u16, MPI_UINT16_T, uint16_t, unsigned)                                                                       \
    X(op, u32, MPI_UINT32_T, uint32_t, uint32_t)                                                                       \
    X(op, u64, MPI_UINT64_T, uint64_t, uint64_t)

/* "Multi-language types": arithmetic and bitwise ops, but no logical ones. */
#define MULTI_LANGUAGE_TYPES(X, op)                                                                                    \
    X(op, aint, MPI_AINT, MPI_Aint, uintptr_t)                                                                         \
    X(op, offset, MPI_OFFSET, MPI_Offset, unsigned long long)                                                          \
    X(op, count, MPI_COUNT, MPI_Count, unsigned long long)

#define FLOATING_TYPES(X, op)                                                                                          \
    X(op, float, MPI_FLOAT, float, float)                                                                              \
    X(op, double, MPI_DOUBLE, double, double)                                                                          \
    X(op, ldouble, MPI_LONG_DOUBLE, long double, long double)

#define COMPLEX_TYPES(X, op)                                                                                           \
    X(op, cfloat, MPI_C_FLOAT_COMPLEX, float _Complex, float _Complex)                                                 \
    X(op, cdouble, MPI_C_DOUBLE_COMPLEX, double _Complex, double _Complex)                                             \
    X(op, cldouble, MPI_C_LONG_DOUBLE_COMPLEX, long double _Complex, long double _Complex)

#define LOGICAL_TYPES(X, op) X(op, bool, MPI_C_BOOL, bool, unsigned)

#define BYTE_TYPES(X, op) X(op, byte, MPI_BYTE, unsigned char, unsigned)

#define PAIR_TYPES(X, op)                                                                                              \
    X(op, float_int, MPI_FLOAT_INT, struct mp_float_int, void)                                                         \
    X(op, double_int, MPI_DOUBLE_INT, struct mp_double_int, void)                                                      \
    X(op, long_int, MPI_LONG_INT, struct mp_long_int, void)                                                            \
    X(op, 2int, MPI_2INT, struct mp_2int, void)                                                                        \
    X(op, short_int, MPI_SHORT_INT, struct mp_short_int, void)                                                         \
    X(op, long_double_int, MPI_LONG_DOUBLE_INT, struct mp_long_double_int, void)

/* Types no reduction is defined on; only MPI_REPLACE and MPI_NO_OP apply. */
#define OPAQUE_TYPES(X, op)                                                                                            \
    X(op, char, MPI_CHAR, char, void)                                                                                  \
    X(op, wchar, MPI_WCHAR, wchar_t, void)                                                                             \
    X(op, packed, MPI_PACKED, unsigned char, void)

#define ALL_TYPES(X, op)                                                                                               \
    C_INTEGER_TYPES(X, op)                                                                                             \
    MULTI_LANGUAGE_TYPES(X, op)                                                                                        \
    FLOATING_TYPES(X, op)                                                                                              \
    COMPLEX_TYPES(X, op) LOGICAL_TYPES(X, op) BYTE_TYPES(X, op) PAIR_TYPES(X, op) OPAQUE_TYPES(X, op)

/* b = a op b, with a from `in` and b from `inout`. MAXLOC/MINLOC keep the smaller index on ties,
 * as the standard requires. */
#define EXPR_max(T, U, a, b) ((a) > (b) ? (a) : (b))
#define EXPR_min(T, U, a, b) ((a) < (b) ? (a) : (b))
#define EXPR_sum(T, U, a, b) ((T)((U)(a) + (U)(b)))
#define EXPR_prod(T, U, a, b) ((T)((U)(a) * (U)(b)))
#define EXPR_land(T, U, a, b) ((T)((a) && (b)))
#define EXPR_lor(T, U, a, b) ((T)((a) || (b)))
#define EXPR_lxor(T, U, a, b) ((T)(!(a) != !(b)))
#define EXPR_band(T, U, a, b) ((T)((U)(a) & (U)(b)))
#define EXPR_bor(T, U, a, b) ((T)((U)(a) | (U)(b)))
#define EXPR_bxor(T, U, a, b) ((T)((U)(a) ^ (U)(b)))
#define EXPR_maxloc(T, U, a, b) ((a).v > (b).v || ((a).v == (b).v && (a).i < (b).i) ? (a) : (b))
#define EXPR_minloc(T, U, a, b) ((a).v < (b).v || ((a).v == (b).v && (a).i < (b).i) ? (a) : (b))
#define EXPR_replace(T, U, a, b) ((void)(b), (a))

typedef void (*kernel_fn)(const void *restrict in, void *restrict inout, size_t n);

#define KERNEL(op, tag, handle, T, U)                                                                                  \
    static void op##_##tag(const void *restrict in_, void *restrict inout_, size_t n)                                  \
    {                                                                                                                  \
        const T *restrict in = in_;                                                                                    \
        T *restrict io = inout_;                                                                                       \
        for (size_t i = 0; i < n; i++) {                                                                               \
            const T a = in[i], b = io[i];                                                                              \
            io[i] = EXPR_##op(T, U, a, b);                                                                             \
        }                                                                                                              \
    }

static void no_op(const void *restrict in, void *restrict inout, size_t n)
{
    (void)in;
    (void)inout;
    (void)n;
}

/* The types each op is defined on: the single source for both the kernels and the table. */
#define OP_max(X) C_INTEGER_TYPES(X, max) MULTI_LANGUAGE_TYPES(X, max) FLOATING_TYPES(X, max)
#define OP_min(X) C_INTEGER_TYPES(X, min) MULTI_LANGUAGE_TYPES(X, min) FLOATING_TYPES(X, min)
#define OP_sum(X) C_INTEGER_TYPES(X, sum) MULTI_LANGUAGE_TYPES(X, sum) FLOATING_TYPES(X, sum) COMPLEX_TYPES(X, sum)
#define OP_prod(X) C_INTEGER_TYPES(X, prod) MULTI_LANGUAGE_TYPES(X, prod) FLOATING_TYPES(X, prod) COMPLEX_TYPES(X, prod)
#define OP_land(X) C_INTEGER_TYPES(X, land) LOGICAL_TYPES(X, land)
#define OP_lor(X) C_INTEGER_TYPES(X, lor) LOGICAL_TYPES(X, lor)
#define OP_lxor(X) C_INTEGER_TYPES(X, lxor) LOGICAL_TYPES(X, lxor)
#define OP_band(X) C_INTEGER_TYPES(X, band) MULTI_LANGUAGE_TYPES(X, band) BYTE_TYPES(X, band)
#define OP_bor(X) C_INTEGER_TYPES(X, bor) MULTI_LANGUAGE_TYPES(X, bor) BYTE_TYPES(X, bor)
#define OP_bxor(X) C_INTEGER_TYPES(X, bxor) MULTI_LANGUAGE_TYPES(X, bxor) BYTE_TYPES(X, bxor)
#define OP_maxloc(X) PAIR_TYPES(X, maxloc)
#define OP_minloc(X) PAIR_TYPES(X, minloc)
#define OP_replace(X) ALL_TYPES(X, replace)

// clang-format off
OP_max(KERNEL)
OP_min(KERNEL)
OP_sum(KERNEL)
OP_prod(KERNEL)
OP_land(KERNEL)
OP_lor(KERNEL)
OP_lxor(KERNEL)
OP_band(KERNEL)
OP_bor(KERNEL)
OP_bxor(KERNEL)
OP_maxloc(KERNEL)
OP_minloc(KERNEL)
OP_replace(KERNEL)

#define ENTRY(op, tag, handle, T, U) [handle] = op##_##tag,
#define NO_OP_ENTRY(op, tag, handle, T, U) [handle] = no_op,

/* NULL where the op is not defined on the type. */
static const kernel_fn kernels[MP_OP_LAST_PREDEF + 1][MP_DTYPE_LAST_PREDEF + 1] = {
    [MPI_MAX] = {OP_max(ENTRY)},
    [MPI_MIN] = {OP_min(ENTRY)},
    [MPI_SUM] = {OP_sum(ENTRY)},
    [MPI_PROD] = {OP_prod(ENTRY)},
    [MPI_LAND] = {OP_land(ENTRY)},
    [MPI_LOR] = {OP_lor(ENTRY)},
    [MPI_LXOR] = {OP_lxor(ENTRY)},
    [MPI_BAND] = {OP_band(ENTRY)},
    [MPI_BOR] = {OP_bor(ENTRY)},
    [MPI_BXOR] = {OP_bxor(ENTRY)},
    [MPI_MAXLOC] = {OP_maxloc(ENTRY)},
    [MPI_MINLOC] = {OP_minloc(ENTRY)},
    [MPI_REPLACE] = {OP_replace(ENTRY)},
    [MPI_NO_OP] = {ALL_TYPES(NO_OP_ENTRY, no_op)},
};
// clang-format on

/* User ops: slot i holds handle MP_OP_LAST_PREDEF + 1 + i; a NULL function marks a free slot. */
struct user_op {
    MPI_User_function *fn;
    int commute;
};
static struct user_op *user_ops;
static int n_user_ops;

static struct user_op *user_op(MPI_Op op)
{
    int i = op - MP_OP_LAST_PREDEF - 1;
    return i >= 0 && i < n_user_ops && user_ops[i].fn ? &user_ops[i] : NULL;
}

int mp_op_create(MPI_User_function *fn, int commute, MPI_Op *op)
{
    int i = 0;
    while (i < n_user_ops && user_ops[i].fn) i++;
    if (i == n_user_ops) {
        int n = n_user_ops ? 2 * n_user_ops : 16;
        struct user_op *t = realloc(user_ops, (size_t)n * sizeof *t);
        if (!t) return MPI_ERR_NO_MEM;
        for (int k = n_user_ops; k < n; k++) t[k].fn = NULL;
        user_ops = t;
        n_user_ops = n;
    }
    user_ops[i].fn = fn;
    user_ops[i].commute = commute != 0;
    *op = MP_OP_LAST_PREDEF + 1 + i;
    return MPI_SUCCESS;
}

int mp_op_free(MPI_Op *op)
{
    struct user_op *u = user_op(*op);
    if (!u) return MPI_ERR_OP;
    u->fn = NULL;
    *op = MPI_OP_NULL;
    return MPI_SUCCESS;
}

int mp_op_valid(MPI_Op op)
{
    return (op >= 1 && op <= MP_OP_LAST_PREDEF) || user_op(op);
}

int mp_op_commutative(MPI_Op op)
{
    struct user_op *u = user_op(op);
    return u ? u->commute : 1;
}

MPI_User_function *mp_op_user_fn(MPI_Op op)
{
    struct user_op *u = user_op(op);
    return u ? u->fn : NULL;
}

int mp_op_check(MPI_Op op, MPI_Datatype base)
{
    if (user_op(op)) return MPI_SUCCESS;
    if (op < 1 || op > MP_OP_LAST_PREDEF) return MPI_ERR_OP;
    if (base < 1 || base > MP_DTYPE_LAST_PREDEF) return MPI_ERR_TYPE;
    return kernels[op][base] ? MPI_SUCCESS : MPI_ERR_OP;
}

void mp_op_apply(MPI_Op op, MPI_Datatype base, const void *in, void *inout, size_t count)
{
    kernels[op][base](in, inout, count);
}
