#include "api/coll_args.h"

#include "core/op.h"

/* The collectives move count * extent bytes at the buffer: right for predefined types (padded
 * pairs included) and dense derived ones, but a type with gaps would have its gaps overwritten. */
static int coll_layout_ok(const struct mp_dtype *dt)
{
    return dt->predefined || dt->dense;
}

int mp_check_count_type(struct mp_comm *c, const char *call, int count, MPI_Datatype type, const char *which)
{
    if (MP_UNLIKELY(count < 0))
        return mp_error(c, MPI_ERR_COUNT, call, "negative count %d (argument %scount)", count, which);
    const struct mp_dtype *dt = mp_dtype_get(type);
    if (MP_UNLIKELY(!dt))
        return mp_error(c, MPI_ERR_TYPE, call, "invalid datatype %d (argument %s%s)", type, which,
                        *which ? "type" : "datatype");
    if (MP_UNLIKELY(!dt->committed))
        return mp_error(c, MPI_ERR_TYPE, call, "datatype %d is not committed (argument %s%s)", type, which,
                        *which ? "type" : "datatype");
    if (MP_UNLIKELY(!coll_layout_ok(dt)))
        return mp_error(c, MPI_ERR_TYPE, call,
                        "datatype %d has gaps or a lower bound other than 0: collectives take contiguous types "
                        "only in this version (argument %s%s); pack it with MPI_Pack first",
                        type, which, *which ? "type" : "datatype");
    return MPI_SUCCESS;
}

int mp_check_op(struct mp_comm *c, const char *call, MPI_Op op, MPI_Datatype type)
{
    if (MP_UNLIKELY(!mp_op_valid(op))) return mp_error(c, MPI_ERR_OP, call, "invalid operation %d (argument op)", op);
    if (MP_UNLIKELY(op == MPI_REPLACE || op == MPI_NO_OP))
        return mp_error(c, MPI_ERR_OP, call, "MPI_REPLACE and MPI_NO_OP are only for accumulate calls (argument op)");
    const struct mp_dtype *dt = mp_dtype_get(type);
    if (MP_UNLIKELY(mp_op_check(op, dt->base) != MPI_SUCCESS))
        return mp_error(c, MPI_ERR_OP, call, "operation %d is not defined on datatype %d, made of %s (argument op)", op,
                        type, dt->base ? mp_dtype_get(dt->base)->name : "several types");
    return MPI_SUCCESS;
}

int mp_check_root(struct mp_comm *c, const char *call, int root)
{
    if (MP_UNLIKELY(root < 0 || root >= c->size))
        return mp_error(c, MPI_ERR_ROOT, call, "root %d is not a rank of %s of size %d (argument root)", root,
                        c->name[0] ? c->name : "the communicator", c->size);
    return MPI_SUCCESS;
}

int mp_check_buf(struct mp_comm *c, const char *call, const void *buf, int count, MPI_Datatype type, const char *arg)
{
    if (MP_UNLIKELY(buf == MPI_IN_PLACE))
        return mp_error(c, MPI_ERR_BUFFER, call, "MPI_IN_PLACE is not allowed here (argument %s)", arg);
    if (MP_UNLIKELY(!buf && count > 0 && mp_dtype_get(type)->size > 0))
        return mp_error(c, MPI_ERR_BUFFER, call, "NULL buffer with count %d (argument %s)", count, arg);
    return MPI_SUCCESS;
}

int mp_check_alias(struct mp_comm *c, const char *call, const void *sbuf, const void *rbuf, int count,
                   MPI_Datatype type)
{
    if (MP_UNLIKELY(sbuf == rbuf && count > 0 && mp_dtype_get(type)->size > 0))
        return mp_error(c, MPI_ERR_BUFFER, call, "sendbuf and recvbuf are the same buffer; use MPI_IN_PLACE");
    return MPI_SUCCESS;
}

int mp_check_match(struct mp_comm *c, const char *call, int scount, MPI_Datatype stype, int rcount, MPI_Datatype rtype)
{
    size_t sb = (size_t)scount * mp_dtype_get(stype)->size, rb = (size_t)rcount * mp_dtype_get(rtype)->size;
    if (MP_UNLIKELY(sb != rb))
        return mp_error(c, MPI_ERR_TRUNCATE, call,
                        "sendcount and sendtype describe %zu bytes but recvcount and recvtype %zu (arguments "
                        "sendcount, recvcount)",
                        sb, rb);
    return MPI_SUCCESS;
}

int mp_check_counts(struct mp_comm *c, const char *call, const int *counts, const char *counts_arg, const int *displs,
                    const char *displs_arg)
{
    if (MP_UNLIKELY(!counts)) return mp_error(c, MPI_ERR_ARG, call, "NULL array (argument %s)", counts_arg);
    if (MP_UNLIKELY(displs_arg && !displs))
        return mp_error(c, MPI_ERR_ARG, call, "NULL array (argument %s)", displs_arg);
    for (int i = 0; i < c->size; i++)
        if (MP_UNLIKELY(counts[i] < 0))
            return mp_error(c, MPI_ERR_COUNT, call, "negative count %d for rank %d (argument %s)", counts[i], i,
                            counts_arg);
    return MPI_SUCCESS;
}

int mp_check_types(struct mp_comm *c, const char *call, const MPI_Datatype *types, const char *arg)
{
    if (MP_UNLIKELY(!types)) return mp_error(c, MPI_ERR_ARG, call, "NULL array (argument %s)", arg);
    for (int i = 0; i < c->size; i++) {
        const struct mp_dtype *dt = mp_dtype_get(types[i]);
        if (MP_UNLIKELY(!dt || !dt->committed || !coll_layout_ok(dt)))
            return mp_error(c, MPI_ERR_TYPE, call, "%s datatype %d for rank %d (argument %s)",
                            !dt              ? "invalid"
                            : !dt->committed ? "uncommitted"
                                             : "non-contiguous",
                            types[i], i, arg);
    }
    return MPI_SUCCESS;
}

int mp_check_request(struct mp_comm *c, const char *call, MPI_Request *request)
{
    if (MP_UNLIKELY(!request)) return mp_error(c, MPI_ERR_ARG, call, "NULL request pointer (argument request)");
    return MPI_SUCCESS;
}
