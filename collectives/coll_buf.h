/* Everything the collectives need to know about datatypes, in one place: how many bytes a
 * (count, datatype) buffer spans and how a reduction is applied to elements of a datatype. The
 * algorithms move bytes and reduce element ranges; they never look at datatypes themselves. */
#ifndef MP_COLL_BUF_H
#define MP_COLL_BUF_H

#include "core/mp.h"

/* Bytes that `count` elements of `type` occupy in a buffer, and so on the wire. */
size_t mp_coll_bytes(size_t count, MPI_Datatype type);
/* Bytes of data in `count` elements of `type` (the type signature's size): equal on every rank
 * whose arguments match, so algorithm selection uses it. */
size_t mp_coll_size(size_t count, MPI_Datatype type);

/* A reduction: `op` applied element-wise to elements of `type`. */
struct mp_coll_red {
    MPI_Op op;
    MPI_Datatype type; /* what user functions are given */
    MPI_Datatype base; /* predefined ops: the predefined type `type` is made of */
    size_t base_per;   /* elements of `base` per element of `type` */
    size_t extent;     /* bytes per element of `type` */
    int commutative;
    /* User ops: the function, taken when the operation starts, so that MPI_Op_free during a
     * nonblocking collective does not pull it away. */
    MPI_User_function *user_fn;
};

void mp_coll_red_init(struct mp_coll_red *r, MPI_Op op, MPI_Datatype type);
/* inout = in op inout on `count` elements of r->type. */
void mp_coll_red_apply(const struct mp_coll_red *r, const void *in, void *inout, size_t count);

#endif
