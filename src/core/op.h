/* Reduction operations: the predefined MPI ops applied element-wise to predefined types. */
#ifndef MP_OP_H
#define MP_OP_H

#include "core/mp.h"

/* Highest predefined op handle: predefined ops are 1..MP_OP_LAST_PREDEF. User-defined ops
 * (MPI_Op_create) will take handles above it. */
#define MP_OP_LAST_PREDEF MPI_NO_OP

/* MPI_SUCCESS when `op` may be applied to elements of predefined `base` type, else the error
 * class (MPI_ERR_OP for an unknown op or one not defined on that type, MPI_ERR_TYPE for a base
 * that is not a predefined type). MPI_REPLACE and MPI_NO_OP pass for every predefined type:
 * whether a call may use them at all (only accumulate-style calls may) is the caller's rule. */
int mp_op_check(MPI_Op op, MPI_Datatype base);

/* inout[i] = in[i] op inout[i] for `count` elements of predefined type `base`. The caller has
 * checked the pair with mp_op_check; `in` and `inout` must not overlap. */
void mp_op_apply(MPI_Op op, MPI_Datatype base, const void *in, void *inout, size_t count);

#endif
