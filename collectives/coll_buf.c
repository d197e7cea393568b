#include "collectives/coll_buf.h"

#include <limits.h>
#include <stdlib.h>

#include "collectives/sched.h"
#include "core/datatype.h"
#include "core/op.h"

size_t mp_coll_size(size_t count, MPI_Datatype type)
{
    return count * mp_dtype_get(type)->size;
}

void *mp_coll_stage(struct mp_sched *s, const void *buf, size_t count, MPI_Datatype type, int in, int out)
{
    const struct mp_dtype *dt = mp_dtype_get(type);
    if (MP_LIKELY(dt->dense)) return (void *)buf;
    const size_t bytes = count * dt->size;
    void *view = mp_sched_scratch(s, bytes);
    if (!view) return NULL;
    if (in) mp_sched_pack(s, buf, type, view, bytes);
    if (out) mp_sched_unpack_last(s, view, type, (void *)buf, bytes);
    return view;
}

void *mp_coll_stage_copy(struct mp_sched *s, const void *buf, size_t count, MPI_Datatype type)
{
    const size_t bytes = mp_coll_size(count, type);
    void *copy = mp_sched_scratch(s, bytes);
    if (!copy) return NULL;
    if (mp_dtype_get(type)->dense)
        mp_sched_copy(s, buf, copy, bytes);
    else
        mp_sched_pack(s, buf, type, copy, bytes);
    return copy;
}

void mp_coll_stage_part(struct mp_sched *s, const void *buf, MPI_Datatype type, size_t first, size_t count, void *view)
{
    const struct mp_dtype *dt = mp_dtype_get(type);
    if (dt->dense || !view) return;
    mp_sched_pack(s, (const char *)buf + (MPI_Aint)first * dt->extent, type, (char *)view + first * dt->size,
                  count * dt->size);
}

void *mp_coll_stage_blocks(struct mp_sched *s, const void *buf, int n, const int *counts, const int *displs,
                           const MPI_Datatype *types, int per_type, int disp_bytes, int in_from, int in_to, int out,
                           size_t *len, size_t *off)
{
    int dense = 1;
    size_t total = 0;
    for (int i = 0; i < n; i++) {
        const struct mp_dtype *dt = mp_dtype_get(types[per_type ? i : 0]);
        dense &= dt->dense;
        len[i] = (size_t)counts[i] * dt->size;
        off[i] = disp_bytes ? (size_t)displs[i] : (size_t)displs[i] * (size_t)dt->extent;
        total += len[i];
    }
    if (MP_LIKELY(dense)) return (void *)buf;
    char *view = mp_sched_scratch(s, total);
    if (!view) return NULL;
    size_t at = 0;
    for (int i = 0; i < n; i++) {
        MPI_Datatype t = types[per_type ? i : 0];
        const struct mp_dtype *dt = mp_dtype_get(t);
        char *user = (char *)buf + (disp_bytes ? (MPI_Aint)displs[i] : (MPI_Aint)displs[i] * dt->extent);
        off[i] = at;
        if (i >= in_from && i < in_to) mp_sched_pack(s, user, t, view + at, len[i]);
        if (out) mp_sched_unpack_last(s, view + at, t, user, len[i]);
        at += len[i];
    }
    return view;
}

int mp_coll_red_packed(MPI_Datatype type)
{
    const struct mp_dtype *dt = mp_dtype_get(type);
    return !dt->dense && !dt->predefined;
}

/* Bytes a pass of `k` elements of `dt` spans in memory, and where element 0 starts in them: at a
 * 16-byte boundary, as are the bytes after the span, so each element's data is aligned as in a
 * C array of it. */
static size_t span_of(const struct mp_dtype *dt, size_t k, MPI_Aint *origin)
{
    MPI_Aint last = (MPI_Aint)(k - 1) * dt->extent;
    MPI_Aint lo = dt->true_lb + (last < 0 ? last : 0), hi = dt->true_ub + (last > 0 ? last : 0);
    lo &= ~(MPI_Aint)15;
    *origin = -lo;
    return ((size_t)(hi - lo) + 15) & ~(size_t)15;
}

int mp_coll_red_init(struct mp_coll_red *r, MPI_Op op, MPI_Datatype type, int packed)
{
    const struct mp_dtype *dt = mp_dtype_get(type);
    *r = (struct mp_coll_red){
        .op = op,
        .type = type,
        .base = dt->base,
        .base_per = dt->base_count,
        .extent = packed ? dt->size : (size_t)dt->extent,
        .commutative = mp_op_commutative(op),
        .user_fn = mp_op_user_fn(op),
    };
    struct mp_dtype *unit = r->user_fn ? mp_dtype_get(type) : mp_dtype_get(dt->base);
    if (!packed || unit->dense || unit->size == 0) return MPI_SUCCESS;
    /* Passes of about 64 KiB of memory each, at least one element. */
    MPI_Aint ext = unit->extent < 0 ? -unit->extent : unit->extent;
    r->pass = ext > 0 && ext < 65536 ? (size_t)(65536 / ext) : 1;
    r->span = span_of(unit, r->pass, &r->origin);
    r->tmp = malloc(2 * r->span);
    if (!r->tmp) return MPI_ERR_NO_MEM;
    r->unit = unit;
    mp_dtype_retain_desc(unit);
    return MPI_SUCCESS;
}

void mp_coll_red_fini(struct mp_coll_red *r)
{
    if (r->unit) mp_dtype_release(r->unit);
    free(r->tmp);
    r->unit = NULL;
    r->tmp = NULL;
}

/* inout = in op inout on `units` elements in memory layout: of r->type for user functions, of
 * r->base for predefined ops. */
static void apply_units(const struct mp_coll_red *r, const void *in, void *inout, size_t units, MPI_Aint stride)
{
    if (MP_LIKELY(!r->user_fn)) {
        mp_op_apply(r->op, r->base, in, inout, units);
        return;
    }
    /* User functions take an int count: hand them long vectors in pieces. */
    const char *a = in;
    char *b = inout;
    while (units > 0) {
        int k = units > INT_MAX ? INT_MAX : (int)units;
        MPI_Datatype type = r->type;
        r->user_fn((void *)a, b, &k, &type);
        a += (MPI_Aint)k * stride;
        b += (MPI_Aint)k * stride;
        units -= (size_t)k;
    }
}

void mp_coll_red_apply(const struct mp_coll_red *r, const void *in, void *inout, size_t count)
{
    if (MP_LIKELY(!r->unit)) {
        apply_units(r, in, inout, r->user_fn ? count : count * r->base_per, (MPI_Aint)r->extent);
        return;
    }
    const size_t units = r->user_fn ? count : count * r->base_per, usize = r->unit->size;
    char *ti = r->tmp + r->origin, *tio = ti + r->span;
    const char *a = in;
    char *b = inout;
    for (size_t done = 0; done < units;) {
        size_t k = units - done < r->pass ? units - done : r->pass, bytes = k * usize;
        mp_dtype_unpack(r->unit, ti, 0, a + done * usize, bytes);
        mp_dtype_unpack(r->unit, tio, 0, b + done * usize, bytes);
        apply_units(r, ti, tio, k, r->unit->extent);
        mp_dtype_pack(r->unit, tio, 0, b + done * usize, bytes);
        done += k;
    }
}

int mp_coll_reduce_local(const void *in, void *inout, size_t count, MPI_Datatype type, MPI_Op op)
{
    struct mp_coll_red r;
    /* A user function takes the elements as they are; a predefined op on a type with gaps is
     * applied to their packed streams. */
    const int packed = !mp_op_user_fn(op) && mp_coll_red_packed(type);
    int rc = mp_coll_red_init(&r, op, type, packed);
    if (rc != MPI_SUCCESS) return rc;
    if (!packed) {
        mp_coll_red_apply(&r, in, inout, count);
        mp_coll_red_fini(&r);
        return MPI_SUCCESS;
    }
    const struct mp_dtype *dt = mp_dtype_get(type);
    const size_t bytes = count * dt->size;
    char *a = malloc(2 * bytes + 1);
    if (a) {
        mp_dtype_pack(dt, in, 0, a, bytes);
        mp_dtype_pack(dt, inout, 0, a + bytes, bytes);
        mp_coll_red_apply(&r, a, a + bytes, count);
        mp_dtype_unpack(dt, inout, 0, a + bytes, bytes);
        free(a);
    }
    mp_coll_red_fini(&r);
    return a ? MPI_SUCCESS : MPI_ERR_NO_MEM;
}
