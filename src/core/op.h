/* Reduction operations: the predefined MPI ops applied element-wise to predefined types. */
#ifndef MP_OP_H
#define MP_OP_H

#include "core/mp.h"

/* MPI_SUCCESS when `op` may be applied to elements of predefined `base` type, else the error
 * class (MPI_ERR_OP for an unknown op or one not defined on that type). */
int mp_op_check(MPI_Op op, MPI_Datatype base);

/* inout[i] = in[i] op inout[i] for `count` elements of predefined type `base`. The caller has
 * checked the pair with mp_op_check. */
void mp_op_apply(MPI_Op op, MPI_Datatype base, const void *in, void *inout, size_t count);

#endif
