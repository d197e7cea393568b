/* Everything the collectives need to know about datatypes, in one place: what the algorithms see
 * of a (count, datatype) buffer and how a reduction is applied to elements of a datatype. The
 * algorithms move bytes and reduce element ranges; they never look at datatypes themselves.
 *
 * The algorithms see a buffer as the packed stream of its elements, the bytes a message of them
 * carries. A dense type's buffer is its own packed stream and is used where it is (no copy, no
 * allocation); any other buffer is staged: packed into schedule scratch before the algorithm
 * reads it, unpacked from there once every message has completed. So the gaps of a receive
 * buffer are never written, and ranks may describe the same data with different types whose
 * signatures match. Reductions keep predefined types in their memory layout (the value-index
 * pairs of MAXLOC/MINLOC are padded there), so only derived types with gaps are staged for them. */
#ifndef MP_COLL_BUF_H
#define MP_COLL_BUF_H

#include "core/mp.h"

struct mp_sched;
struct mp_dtype;

/* Bytes of data in `count` elements of `type` (the type signature's size): what the algorithms
 * move for them, equal on every rank whose arguments match, so algorithm selection uses it. */
size_t mp_coll_size(size_t count, MPI_Datatype type);

/* The algorithms' view of `count` elements of `type` at `buf`: `buf` itself for a dense type,
 * else schedule scratch that is packed from `buf` first when `in` and unpacked into `buf` at the
 * end when `out`. NULL when out of memory (the schedule's error is then set). */
void *mp_coll_stage(struct mp_sched *s, const void *buf, size_t count, MPI_Datatype type, int in, int out);
/* A packed copy of `count` elements of `type` at `buf` in scratch, whatever the type: the input
 * of an in-place collective that overwrites it. */
void *mp_coll_stage_copy(struct mp_sched *s, const void *buf, size_t count, MPI_Datatype type);
/* After mp_coll_stage(s, buf, ..., type, 0, 1) returned `view`: packs elements [first, first +
 * count) of buf into their place in view (an in-place rank's own block), when view is staged. */
void mp_coll_stage_part(struct mp_sched *s, const void *buf, MPI_Datatype type, size_t first, size_t count, void *view);
/* Blocks i = 0..n-1 of counts[i] elements of types[i] (types[0] for all unless `per_type`) at
 * displs[i] from buf, in units of the type's extent (bytes when `disp_bytes`): the algorithms'
 * view as mp_coll_stage gives it, each block's bytes and offset in it stored in len[i] and
 * off[i]. When any type is not dense every block is staged, one after the other: blocks
 * in_from..in_to-1 are packed first, all are unpacked at the end when `out`. */
void *mp_coll_stage_blocks(struct mp_sched *s, const void *buf, int n, const int *counts, const int *displs,
                           const MPI_Datatype *types, int per_type, int disp_bytes, int in_from, int in_to, int out,
                           size_t *len, size_t *off);

/* A reduction: `op` applied element-wise to elements of `type`. */
struct mp_coll_red {
    MPI_Op op;
    MPI_Datatype type; /* what user functions are given */
    MPI_Datatype base; /* predefined ops: the predefined type `type` is made of */
    size_t base_per;   /* elements of `base` per element of `type` */
    size_t extent;     /* bytes per element of `type` in the buffers reduced (its size when packed) */
    int commutative;
    /* User ops: the function, taken when the operation starts, so that MPI_Op_free during a
     * nonblocking collective does not pull it away. */
    MPI_User_function *user_fn;
    /* Packed operands that the op cannot take as they are (a user op on a type with gaps, a
     * predefined op on pairs): passes of up to `pass` units (elements of `type` for user ops, of
     * `base` for predefined ones) are unpacked into `tmp` (two buffers of `span` bytes, element 0
     * at tmp + origin), reduced and packed back. NULL `unit` when no conversion is needed. */
    struct mp_dtype *unit;
    size_t pass, span;
    MPI_Aint origin;
    char *tmp;
};

/* 1 when reductions on `type` work on packed streams (derived types that are not dense). */
int mp_coll_red_packed(MPI_Datatype type);
/* `packed`: the operands are packed streams (see mp_coll_red_packed). MPI_ERR_NO_MEM or success. */
int mp_coll_red_init(struct mp_coll_red *r, MPI_Op op, MPI_Datatype type, int packed);
void mp_coll_red_fini(struct mp_coll_red *r);
/* inout = in op inout on `count` elements of r->type. */
void mp_coll_red_apply(const struct mp_coll_red *r, const void *in, void *inout, size_t count);
/* MPI_Reduce_local: inout = in op inout on `count` elements of `type` as laid out in memory. */
int mp_coll_reduce_local(const void *in, void *inout, size_t count, MPI_Datatype type, MPI_Op op);

#endif
