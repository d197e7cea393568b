/* Fuzz target: the datatype engine (src/core/datatype.c, dtype_build.c, dtype_pack.c). The input
 * is a little program: a predefined type, then up to four constructors with fuzzed small
 * parameters, each applied to the type so far; then commit, and pack and unpack 1 to 3 elements
 * in a buffer exactly as large as their bounds say. Packing in two pieces at a fuzzed split must
 * give the stream packing at once gives, unpacking that stream and packing it again must give it
 * back, and nothing may touch a byte outside the elements' bounds. Datatypes carry no attributes
 * here: the attribute calls of the constructors are stood in. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/attr.h"
#include "core/datatype.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int mp_attr_copy_all(enum mp_attr_kind kind, int old_handle, int new_handle)
{
    (void)kind;
    (void)old_handle;
    (void)new_handle;
    return MPI_SUCCESS;
}

int mp_attr_delete_all(enum mp_attr_kind kind, int handle)
{
    (void)kind;
    (void)handle;
    return MPI_SUCCESS;
}

struct input {
    const uint8_t *p;
    size_t left;
};

static int next(struct input *in)
{
    if (!in->left) return 0;
    in->left--;
    return *in->p++;
}

/* A small signed value in [-range, range]. */
static int small(struct input *in, int range)
{
    return next(in) % (2 * range + 1) - range;
}

static MPI_Datatype construct(struct input *in, MPI_Datatype old, MPI_Datatype base)
{
    MPI_Datatype t = MPI_DATATYPE_NULL;
    int lens[4], idisp[4], sizes[2], subs[2], starts[2];
    MPI_Aint adisp[4];
    MPI_Datatype types[4];
    int op = next(in) % 8, n = next(in) % 5;
    for (int i = 0; i < 4; i++) {
        lens[i] = next(in) % 4;
        idisp[i] = small(in, 8);
        adisp[i] = small(in, 64);
        types[i] = i % 2 ? base : old;
    }
    switch (op) {
    case 0: mp_dtype_contiguous(next(in) % 6, old, &t); break;
    case 1: mp_dtype_vector(n, next(in) % 4, small(in, 6), 0, old, &t); break;
    case 2: mp_dtype_vector(n, next(in) % 4, small(in, 64), 1, old, &t); break;
    case 3: mp_dtype_indexed(n, lens, idisp, 0, old, &t); break;
    case 4: mp_dtype_indexed_block(n, next(in) % 3, adisp, 1, old, &t); break;
    case 5: mp_dtype_struct(n ? n : 1, lens, adisp, types, &t); break;
    case 6: mp_dtype_resized(old, small(in, 16), small(in, 64), &t); break;
    default:
        for (int d = 0; d < 2; d++) {
            sizes[d] = 1 + next(in) % 5;
            subs[d] = 1 + next(in) % sizes[d];
            starts[d] = next(in) % (sizes[d] - subs[d] + 1);
        }
        mp_dtype_subarray(1 + n % 2, sizes, subs, starts, next(in) % 2 ? MPI_ORDER_C : MPI_ORDER_FORTRAN, old, &t);
        break;
    }
    return t;
}

static void pack_checks(const struct mp_dtype *dt, int count, size_t split_seed)
{
    size_t bytes = dt->size * (size_t)count;
    if (bytes == 0 || bytes > (1u << 20)) return;
    /* the bytes the elements may touch: element i's data lies in [true_lb, true_ub) + i * extent */
    MPI_Aint span_lo = dt->true_lb, span_hi = dt->true_ub, shift = (MPI_Aint)(count - 1) * dt->extent;
    if (shift < 0)
        span_lo += shift;
    else
        span_hi += shift;
    size_t span = (size_t)(span_hi - span_lo);
    if (span > (1u << 22)) return;
    unsigned char *mem = malloc(span), *mem2 = calloc(1, span), *p1 = malloc(bytes), *p2 = malloc(bytes),
                  *p3 = malloc(bytes);
    if (mem && mem2 && p1 && p2 && p3) {
        for (size_t i = 0; i < span; i++) mem[i] = (unsigned char)(i * 31 + 7);
        const unsigned char *origin = mem - span_lo;
        mp_dtype_pack(dt, origin, 0, p1, bytes);
        size_t split = split_seed % (bytes + 1);
        mp_dtype_pack(dt, origin, 0, p2, split);
        mp_dtype_pack(dt, origin, split, p2 + split, bytes - split);
        if (memcmp(p1, p2, bytes)) abort();
        unsigned char *origin2 = mem2 - span_lo;
        mp_dtype_unpack(dt, origin2, 0, p1, split);
        mp_dtype_unpack(dt, origin2, split, p1 + split, bytes - split);
        mp_dtype_pack(dt, origin2, 0, p3, bytes);
        if (memcmp(p1, p3, bytes)) abort();
    }
    free(mem);
    free(mem2);
    free(p1);
    free(p2);
    free(p3);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        mp_dtype_init();
        ready = 1;
    }
    static const MPI_Datatype bases[] = {MPI_BYTE, MPI_INT, MPI_DOUBLE, MPI_SHORT_INT, MPI_CHAR, MPI_LONG_DOUBLE_INT};
    struct input in = {data, size};
    MPI_Datatype base = bases[next(&in) % (sizeof bases / sizeof bases[0])], cur = base, made[4];
    int nmade = 0, steps = 1 + next(&in) % 4;
    for (int s = 0; s < steps; s++) {
        MPI_Datatype t = construct(&in, cur, base);
        if (t == MPI_DATATYPE_NULL) continue;
        made[nmade++] = t;
        cur = t;
    }
    if (cur != base && mp_dtype_commit(cur) == MPI_SUCCESS) {
        const struct mp_dtype *dt = mp_dtype_get(cur);
        if (!dt) abort();
        pack_checks(dt, 1 + next(&in) % 3, (size_t)next(&in) << 8 | (size_t)next(&in));
    }
    for (int i = 0; i < nmade; i++) mp_dtype_free(&made[i]);
    return 0;
}
