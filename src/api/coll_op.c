/* MPI bindings: user-defined reduction ops and MPI_Reduce_local. */
#include "api/coll_args.h"
#include "collectives/coll_buf.h"
#include "core/op.h"

MP_WEAK_ALIAS(Op_create)
int PMPI_Op_create(MPI_User_function *user_fn, int commute, MPI_Op *op)
{
    static const char call[] = "MPI_Op_create";
    MP_CHECK_INIT(call);
    if (!user_fn) return mp_error(NULL, MPI_ERR_ARG, call, "NULL function (argument user_fn)");
    if (!op) return mp_error(NULL, MPI_ERR_ARG, call, "NULL output pointer (argument op)");
    int rc = mp_op_create(user_fn, commute, op);
    if (rc != MPI_SUCCESS) return mp_error(NULL, rc, call, "cannot allocate a new operation");
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Op_free)
int PMPI_Op_free(MPI_Op *op)
{
    static const char call[] = "MPI_Op_free";
    MP_CHECK_INIT(call);
    if (!op) return mp_error(NULL, MPI_ERR_ARG, call, "NULL pointer (argument op)");
    if (mp_op_free(op) != MPI_SUCCESS)
        return mp_error(NULL, MPI_ERR_OP, call, "operation %d is predefined or not a live user operation (argument op)",
                        *op);
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Op_commutative)
int PMPI_Op_commutative(MPI_Op op, int *commute)
{
    static const char call[] = "MPI_Op_commutative";
    MP_CHECK_INIT(call);
    if (!mp_op_valid(op)) return mp_error(NULL, MPI_ERR_OP, call, "invalid operation %d (argument op)", op);
    if (!commute) return mp_error(NULL, MPI_ERR_ARG, call, "NULL output pointer (argument commute)");
    *commute = mp_op_commutative(op);
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Reduce_local)
int PMPI_Reduce_local(const void *inbuf, void *inoutbuf, int count, MPI_Datatype datatype, MPI_Op op)
{
    static const char call[] = "MPI_Reduce_local";
    MP_CHECK_INIT(call);
    MP_TRY(mp_check_count_type(NULL, call, count, datatype, ""));
    MP_TRY(mp_check_op(NULL, call, op, datatype));
    MP_TRY(mp_check_buf(NULL, call, inbuf, count, datatype, "inbuf"));
    MP_TRY(mp_check_buf(NULL, call, inoutbuf, count, datatype, "inoutbuf"));
    int rc = mp_coll_reduce_local(inbuf, inoutbuf, (size_t)count, datatype, op);
    if (rc != MPI_SUCCESS) return mp_error(NULL, rc, call, "no memory to reduce %d elements", count);
    return MPI_SUCCESS;
}
