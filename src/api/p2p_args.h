/* Argument checks shared by the point-to-point bindings. */
#ifndef MP_API_P2P_ARGS_H
#define MP_API_P2P_ARGS_H

#include "api/api.h"
#include "core/datatype.h"
#include "p2p/p2p.h"

enum { MP_ARG_SEND = 0, MP_ARG_RECV = 1 };

/* A checked message: `bytes` packed bytes (count * the type's size), which are either contiguous
 * from `at` (layout NULL) or gathered from / scattered into the blocks of `layout` at the user
 * buffer. */
struct mp_p2p_msg {
    size_t bytes;
    void *at;
    struct mp_dtype *layout;
};

/* Validates buffer, count, datatype, peer and tag of a send (dir MP_ARG_SEND) or receive and
 * describes the message in *m. Returns MPI_SUCCESS or the reported error class. */
int mp_check_p2p_args_slow(const char *call, struct mp_comm *c, const void *buf, int count, MPI_Datatype type, int peer,
                           int tag, int dir, struct mp_p2p_msg *m);

/* The common case — a committed contiguous type, a real peer, a tag, a buffer — is decided inline
 * in a few compares; anything else (derived layouts, wildcards, MPI_PROC_NULL, errors, types so
 * large that count * size might overflow) takes the out-of-line path. */
static inline int mp_check_p2p_args(const char *call, struct mp_comm *c, const void *buf, int count, MPI_Datatype type,
                                    int peer, int tag, int dir, struct mp_p2p_msg *m)
{
    const struct mp_dtype *dt = mp_dtype_get(type);
    mp_hang_args(peer, tag, count, type);
    if (MP_LIKELY(dt && dt->committed && dt->dense && dt->size <= UINT32_MAX && count >= 0 &&
                  (unsigned)peer < (unsigned)c->size && tag >= 0 && (buf || count == 0))) {
        m->bytes = mp_dtype_packed_size(dt, (size_t)count);
        m->at = (void *)buf;
        m->layout = NULL;
        return MPI_SUCCESS;
    }
    return mp_check_p2p_args_slow(call, c, buf, count, type, peer, tag, dir, m);
}

/* Starts a send or receive of `count` elements described by mp_check_p2p_args at buf. */
static inline int mp_api_isend(const void *buf, int count, const struct mp_p2p_msg *m, int peer, int tag,
                               struct mp_comm *c, enum mp_send_mode mode, struct mp_request **req)
{
    if (MP_LIKELY(!m->layout)) return mp_isend(m->at, m->bytes, peer, tag, c, MP_PT2PT, mode, req);
    return mp_isend_typed(buf, (size_t)count, m->layout, peer, tag, c, MP_PT2PT, mode, req);
}

static inline int mp_api_irecv(void *buf, int count, const struct mp_p2p_msg *m, int peer, int tag, struct mp_comm *c,
                               struct mp_request **req)
{
    if (MP_LIKELY(!m->layout)) return mp_irecv(m->at, m->bytes, peer, tag, c, MP_PT2PT, req);
    return mp_irecv_typed(buf, (size_t)count, m->layout, peer, tag, c, MP_PT2PT, req);
}

#define MP_CHECK_REQ_ARG(c, req, call)                                                                                 \
    do {                                                                                                               \
        if (MP_UNLIKELY(!(req))) return mp_error(c, MPI_ERR_ARG, call, "NULL request pointer (argument request)");     \
    } while (0)

#endif
