/* MPI bindings: blocking collectives. */
#include "api/api.h"
#include "collectives/coll.h"
#include "core/datatype.h"
#include "core/op.h"

static int check_count_type(struct mp_comm *c, const char *call, int count, MPI_Datatype type,
                            const struct mp_dtype **out)
{
    if (MP_UNLIKELY(count < 0)) return mp_error(c, MPI_ERR_COUNT, call, "negative count %d (argument count)", count);
    const struct mp_dtype *dt = mp_dtype_get(type);
    if (MP_UNLIKELY(!dt)) return mp_error(c, MPI_ERR_TYPE, call, "invalid datatype %d (argument datatype)", type);
    if (MP_UNLIKELY(!dt->committed))
        return mp_error(c, MPI_ERR_TYPE, call, "datatype %d is not committed (argument datatype)", type);
    *out = dt;
    return MPI_SUCCESS;
}

static int check_op(struct mp_comm *c, const char *call, MPI_Op op, const struct mp_dtype *dt, MPI_Datatype type)
{
    if (MP_UNLIKELY(op < 1 || op > MP_OP_LAST_PREDEF))
        return mp_error(c, MPI_ERR_OP, call, "invalid operation %d (argument op)", op);
    if (MP_UNLIKELY(op == MPI_REPLACE || op == MPI_NO_OP))
        return mp_error(c, MPI_ERR_OP, call, "MPI_REPLACE and MPI_NO_OP are only for accumulate calls (argument op)");
    if (MP_UNLIKELY(mp_op_check(op, dt->base) != MPI_SUCCESS))
        return mp_error(c, MPI_ERR_OP, call, "operation %d is not defined on datatype %d, made of %s (argument op)", op,
                        type, mp_dtype_get(dt->base)->name);
    return MPI_SUCCESS;
}

static int check_root(struct mp_comm *c, const char *call, int root)
{
    if (MP_UNLIKELY(root < 0 || root >= c->size))
        return mp_error(c, MPI_ERR_ROOT, call, "root %d is not a rank of %s of size %d (argument root)", root,
                        c->name[0] ? c->name : "the communicator", c->size);
    return MPI_SUCCESS;
}

/* A buffer that must hold `count` elements: not MPI_IN_PLACE, and not NULL unless empty. */
static int check_buf(struct mp_comm *c, const char *call, const void *buf, int count, const struct mp_dtype *dt,
                     const char *arg)
{
    if (MP_UNLIKELY(buf == MPI_IN_PLACE))
        return mp_error(c, MPI_ERR_BUFFER, call, "MPI_IN_PLACE is not allowed here (argument %s)", arg);
    if (MP_UNLIKELY(!buf && count > 0 && dt->size > 0))
        return mp_error(c, MPI_ERR_BUFFER, call, "NULL buffer with count %d (argument %s)", count, arg);
    return MPI_SUCCESS;
}

/* The standard forbids aliased send and receive buffers; MPI_IN_PLACE is the way to share one. */
static int check_alias(struct mp_comm *c, const char *call, const void *sendbuf, const void *recvbuf, int count,
                       const struct mp_dtype *dt)
{
    if (MP_UNLIKELY(sendbuf == recvbuf && count > 0 && dt->size > 0))
        return mp_error(c, MPI_ERR_BUFFER, call, "sendbuf and recvbuf are the same buffer; use MPI_IN_PLACE");
    return MPI_SUCCESS;
}

#define TRY(expr)                                                                                                      \
    do {                                                                                                               \
        int rc_ = (expr);                                                                                              \
        if (MP_UNLIKELY(rc_ != MPI_SUCCESS)) return rc_;                                                               \
    } while (0)

/* Errors from the algorithms themselves (a peer's failure, out of memory) go to the handler too. */
#define RUN(c, call, expr)                                                                                             \
    do {                                                                                                               \
        int rc_ = (expr);                                                                                              \
        if (MP_UNLIKELY(rc_ != MPI_SUCCESS)) return mp_error(c, rc_, call, "collective operation failed");             \
        return MPI_SUCCESS;                                                                                            \
    } while (0)

MP_WEAK_ALIAS(Barrier)
int PMPI_Barrier(MPI_Comm comm)
{
    MP_CHECK_INIT("MPI_Barrier");
    MP_GET_COMM(c, comm, "MPI_Barrier");
    RUN(c, "MPI_Barrier", mp_barrier(c));
}

MP_WEAK_ALIAS(Bcast)
int PMPI_Bcast(void *buffer, int count, MPI_Datatype datatype, int root, MPI_Comm comm)
{
    static const char call[] = "MPI_Bcast";
    MP_CHECK_INIT(call);
    MP_GET_COMM(c, comm, call);
    const struct mp_dtype *dt;
    TRY(check_count_type(c, call, count, datatype, &dt));
    TRY(check_root(c, call, root));
    TRY(check_buf(c, call, buffer, count, dt, "buffer"));
    RUN(c, call, mp_bcast(buffer, count, datatype, root, c));
}

MP_WEAK_ALIAS(Reduce)
int PMPI_Reduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op, int root,
                MPI_Comm comm)
{
    static const char call[] = "MPI_Reduce";
    MP_CHECK_INIT(call);
    MP_GET_COMM(c, comm, call);
    const struct mp_dtype *dt;
    TRY(check_count_type(c, call, count, datatype, &dt));
    TRY(check_op(c, call, op, dt, datatype));
    TRY(check_root(c, call, root));
    if (c->rank == root) {
        if (sendbuf != MPI_IN_PLACE) {
            TRY(check_buf(c, call, sendbuf, count, dt, "sendbuf"));
            TRY(check_alias(c, call, sendbuf, recvbuf, count, dt));
        }
        TRY(check_buf(c, call, recvbuf, count, dt, "recvbuf"));
    } else {
        if (MP_UNLIKELY(sendbuf == MPI_IN_PLACE))
            return mp_error(c, MPI_ERR_BUFFER, call, "MPI_IN_PLACE is allowed only at the root (argument sendbuf)");
        TRY(check_buf(c, call, sendbuf, count, dt, "sendbuf"));
    }
    RUN(c, call, mp_reduce(sendbuf, recvbuf, count, datatype, op, root, c));
}

MP_WEAK_ALIAS(Allreduce)
int PMPI_Allreduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op, MPI_Comm comm)
{
    static const char call[] = "MPI_Allreduce";
    MP_CHECK_INIT(call);
    MP_GET_COMM(c, comm, call);
    const struct mp_dtype *dt;
    TRY(check_count_type(c, call, count, datatype, &dt));
    TRY(check_op(c, call, op, dt, datatype));
    if (sendbuf != MPI_IN_PLACE) {
        TRY(check_buf(c, call, sendbuf, count, dt, "sendbuf"));
        TRY(check_alias(c, call, sendbuf, recvbuf, count, dt));
    }
    TRY(check_buf(c, call, recvbuf, count, dt, "recvbuf"));
    RUN(c, call, mp_allreduce(sendbuf, recvbuf, count, datatype, op, c));
}
