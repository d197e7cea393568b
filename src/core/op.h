/* Reduction operations: the predefined MPI ops applied element-wise to predefined types, and the
 * user's ops (MPI_Op_create), which take handles above the predefined ones. */
#ifndef MP_OP_H
#define MP_OP_H

#include "core/mp.h"

/* Highest predefined op handle: predefined ops are 1..MP_OP_LAST_PREDEF. */
#define MP_OP_LAST_PREDEF MPI_NO_OP

/* MPI_SUCCESS when `op` may be applied to elements of predefined `base` type (a user op may be
 * applied to any type), else the error class (MPI_ERR_OP for an unknown op or one not defined
 * on that type, MPI_ERR_TYPE for a base that is not a predefined type). MPI_REPLACE and MPI_NO_OP pass for every
 * predefined type: whether a call may use them at all (only accumulate-style calls may) is the caller's rule. */
int mp_op_check(MPI_Op op, MPI_Datatype base);

/* inout[i] = in[i] op inout[i] for `count` elements of predefined type `base`. The caller has
 * checked the pair with mp_op_check; `in` and `inout` must not overlap. */
void mp_op_apply(MPI_Op op, MPI_Datatype base, const void *in, void *inout, size_t count);

/* A new handle for the user function (MPI_ERR_NO_MEM when the table cannot grow). */
int mp_op_create(MPI_User_function *fn, int commute, MPI_Op *op);
/* MPI_ERR_OP when `op` is no live user op; else frees it and sets *op to MPI_OP_NULL. */
int mp_op_free(MPI_Op *op);
/* 1 when `op` is a predefined op or a live user op. */
int mp_op_valid(MPI_Op op);
/* 1 for the predefined ops and user ops created commutative. */
int mp_op_commutative(MPI_Op op);
/* The function of a live user op, else NULL. */
MPI_User_function *mp_op_user_fn(MPI_Op op);

#endif
