/* Argument checks shared by the point-to-point bindings. */
#ifndef MP_API_P2P_ARGS_H
#define MP_API_P2P_ARGS_H

#include "api/api.h"
#include "core/datatype.h"

enum { MP_ARG_SEND = 0, MP_ARG_RECV = 1 };

/* Validates buffer, count, datatype, peer and tag of a send (dir MP_ARG_SEND) or receive and
 * stores the message size in bytes. Returns MPI_SUCCESS or the reported error class. */
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
        *bytes = mp_dtype_bytes(dt, (size_t)count);
        return MPI_SUCCESS;
    }
    return mp_check_p2p_args_slow(call, c, buf, count, type, peer, tag, dir, bytes);
}

#define MP_CHECK_REQ_ARG(c, req, call)                                                                                 \
    do {                                                                                                               \
        if (MP_UNLIKELY(!(req))) return mp_error(c, MPI_ERR_ARG, call, "NULL request pointer (argument request)");     \
    } while (0)

#endif
