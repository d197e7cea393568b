/* Argument checks shared by the point-to-point bindings. */
#ifndef MP_API_P2P_ARGS_H
#define MP_API_P2P_ARGS_H

#include "api/api.h"
#include "core/datatype.h"
#include "p2p/p2p.h"

enum { MP_ARG_SEND = 0, MP_ARG_RECV = 1 };

/* Validates buffer, count, datatype, peer and tag of a send (dir MP_ARG_SEND) or receive and
 * stores the message size in bytes (the packed size: count * the type's size). Returns MPI_SUCCESS or the reported
 * error class. */
int mp_check_p2p_args_slow(const char *call, struct mp_comm *c, const void *buf, int count, MPI_Datatype type, int peer,
                           int tag, int dir, size_t *bytes);

/* The common case — a committed type, a real peer, a tag, a buffer — is decided inline in a few
 * compares; anything else (wildcards, MPI_PROC_NULL, errors) takes the out-of-line path. */
static inline int mp_check_p2p_args(const char *call, struct mp_comm *c, const void *buf, int count, MPI_Datatype type,
                                    int peer, int tag, int dir, size_t *bytes)
{
    const struct mp_dtype *dt = mp_dtype_get(type);
    if (MP_LIKELY(dt && dt->committed && count >= 0 && (unsigned)peer < (unsigned)c->size && tag >= 0 &&
                  (buf || count == 0))) {
        *bytes = mp_dtype_packed_size(dt, (size_t)count);
        return MPI_SUCCESS;
    }
    return mp_check_p2p_args_slow(call, c, buf, count, type, peer, tag, dir, bytes);
}

/* After the checks passed: how `count` elements of `type` (`bytes` packed bytes) lie at buf.
 * NULL when they are `bytes` contiguous bytes from *at, else the datatype whose blocks must be
 * gathered or scattered. */
static inline struct mp_dtype *mp_p2p_layout(MPI_Datatype type, int count, size_t bytes, const void *buf, void **at)
{
    struct mp_dtype *dt = mp_dtype_get(type);
    *at = (void *)buf;
    if (MP_LIKELY(dt->dense) || bytes == 0) return NULL;
    /* One block in all (a plane of an array, one field of a struct): contiguous after all, at an
     * offset, so it keeps every protocol, single copy included. */
    const struct mp_dtype_run *r = dt->runs;
    if (dt->nruns == 1 && r->count == 1 && (count == 1 || (MPI_Aint)r->len == dt->extent)) {
        *at = (char *)buf + r->disp;
        return NULL;
    }
    return dt;
}

/* Starts a send or receive of `count` elements of `type` that passed mp_check_p2p_args. */
static inline int mp_api_isend(const void *buf, int count, MPI_Datatype type, size_t bytes, int peer, int tag,
                               struct mp_comm *c, enum mp_send_mode mode, struct mp_request **req)
{
    void *at;
    struct mp_dtype *layout = mp_p2p_layout(type, count, bytes, buf, &at);
    if (MP_LIKELY(!layout)) return mp_isend(at, bytes, peer, tag, c, MP_PT2PT, mode, req);
    return mp_isend_typed(buf, (size_t)count, layout, peer, tag, c, MP_PT2PT, mode, req);
}

static inline int mp_api_irecv(void *buf, int count, MPI_Datatype type, size_t bytes, int peer, int tag,
                               struct mp_comm *c, struct mp_request **req)
{
    void *at;
    struct mp_dtype *layout = mp_p2p_layout(type, count, bytes, buf, &at);
    if (MP_LIKELY(!layout)) return mp_irecv(at, bytes, peer, tag, c, MP_PT2PT, req);
    return mp_irecv_typed(buf, (size_t)count, layout, peer, tag, c, MP_PT2PT, req);
}

#define MP_CHECK_REQ_ARG(c, req, call)                                                                                 \
    do {                                                                                                               \
        if (MP_UNLIKELY(!(req))) return mp_error(c, MPI_ERR_ARG, call, "NULL request pointer (argument request)");     \
    } while (0)

#endif
