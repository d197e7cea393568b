#include "collectives/coll_buf.h"

#include <limits.h>

#include "core/datatype.h"
#include "core/op.h"

size_t mp_coll_bytes(size_t count, MPI_Datatype type)
{
    return mp_dtype_bytes(mp_dtype_get(type), count);
}

size_t mp_coll_size(size_t count, MPI_Datatype type)
{
    return count * mp_dtype_get(type)->size;
}

void mp_coll_red_init(struct mp_coll_red *r, MPI_Op op, MPI_Datatype type)
{
    const struct mp_dtype *dt = mp_dtype_get(type);
    r->op = op;
    r->type = type;
    r->base = dt->base;
    r->base_per = dt->base_count;
    r->extent = (size_t)dt->extent;
    r->commutative = mp_op_commutative(op);
    r->user_fn = mp_op_user_fn(op);
}

void mp_coll_red_apply(const struct mp_coll_red *r, const void *in, void *inout, size_t count)
{
    if (MP_LIKELY(!r->user_fn)) {
        mp_op_apply(r->op, r->base, in, inout, count * r->base_per);
        return;
    }
    /* User functions take an int count: hand them long vectors in pieces. */
    const char *a = in;
    char *b = inout;
    while (count > 0) {
        int k = count > INT_MAX ? INT_MAX : (int)count;
        MPI_Datatype type = r->type;
        r->user_fn((void *)a, b, &k, &type);
        a += (size_t)k * r->extent;
        b += (size_t)k * r->extent;
        count -= (size_t)k;
    }
}
