/* Argument checks of the point-to-point bindings, the thorough path (see p2p_args.h). */
#include "api/p2p_args.h"

#include "api/count_args.h"

int mp_check_p2p_args_slow(const char *call, struct mp_comm *c, const void *buf, int count, MPI_Datatype type, int peer,
                           int tag, int dir, struct mp_p2p_msg *m)
{
    if (MP_UNLIKELY(count < 0)) return mp_error(c, MPI_ERR_COUNT, call, "negative count %d (argument count)", count);
    const struct mp_dtype *dt = mp_dtype_get(type);
    if (MP_UNLIKELY(!dt)) return mp_error(c, MPI_ERR_TYPE, call, "invalid datatype %d (argument datatype)", type);
    if (MP_UNLIKELY(!dt->committed))
        return mp_error(c, MPI_ERR_TYPE, call, "datatype %d is not committed (argument datatype)", type);
    const char *peer_arg = dir == MP_ARG_SEND ? "dest" : "source";
    if (MP_UNLIKELY(peer < 0 || peer >= c->size)) {
        if (peer != MPI_PROC_NULL && !(dir == MP_ARG_RECV && peer == MPI_ANY_SOURCE))
            return mp_error(c, MPI_ERR_RANK, call, "rank %d is not in %s of size %d (argument %s)", peer, c->name,
                            c->size, peer_arg);
    }
    if (MP_UNLIKELY(tag < 0) && !(dir == MP_ARG_RECV && tag == MPI_ANY_TAG))
        return mp_error(c, MPI_ERR_TAG, call, "invalid tag %d: tags are 0..%d%s (argument tag)", tag, MP_TAG_UB,
                        dir == MP_ARG_RECV ? " or MPI_ANY_TAG" : "");
    /* MPI_BOTTOM (NULL) is a valid buffer for types whose displacements are absolute addresses. */
    if (MP_UNLIKELY(!buf && count > 0 && dt->size > 0 && dt->true_lb == 0))
        return mp_error(c, MPI_ERR_BUFFER, call, "NULL buffer with count %d (argument buf)", count);
    int rc = mp_check_count_bytes(c, call, "count", dt, (size_t)count, &m->bytes);
    if (MP_UNLIKELY(rc != MPI_SUCCESS)) return rc;
    m->at = (void *)buf;
    m->layout = NULL;
    if (dt->dense || m->bytes == 0) return MPI_SUCCESS;
    /* One block in all (a plane of an array, one field of a struct): contiguous after all, at an
     * offset, so it keeps every protocol, single copy included. */
    const struct mp_dtype_run *r = dt->runs;
    if (dt->nruns == 1 && r->count == 1 && (count == 1 || (MPI_Aint)r->len == dt->extent))
        m->at = (char *)buf + r->disp;
    else
        m->layout = (struct mp_dtype *)dt;
    return MPI_SUCCESS;
}
