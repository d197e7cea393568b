/* Argument checks shared by the bindings of communicators, groups, topologies, attributes, info
 * and error handlers. Each returns from the calling function with the reported error. The
 * argument's name in the message is the C parameter's name, which is the standard's. */
#ifndef MP_API_COMM_ARGS_H
#define MP_API_COMM_ARGS_H

#include "api/api.h"
#include "core/group.h"

#define MP_GET_GROUP(var, handle, call)                                                                                \
    struct mp_group *var = mp_group_get(handle);                                                                       \
    if (!var) return mp_error(NULL, MPI_ERR_GROUP, call, "invalid group %d (argument %s)", (int)(handle), #handle)

/* A NULL pointer where the call must write or read something. */
#define MP_CHECK_PTR(c, ptr, call)                                                                                     \
    do {                                                                                                               \
        if (!(ptr)) return mp_error(c, MPI_ERR_ARG, call, "NULL pointer (argument %s)", #ptr);                         \
    } while (0)

/* Calls defined on intracommunicators only. */
#define MP_CHECK_INTRA(c, call)                                                                                        \
    do {                                                                                                               \
        if (mp_comm_is_inter(c))                                                                                       \
            return mp_error(c, MPI_ERR_COMM, call, "%s is an intercommunicator (argument comm)",                       \
                            (c)->name[0] ? (c)->name : "the communicator");                                            \
    } while (0)

/* Reports a failure of the internal call (no memory, a failed peer) on `c`. */
#define MP_CHECK_RC(c, rc, call)                                                                                       \
    do {                                                                                                               \
        int rc_ = (rc);                                                                                                \
        if (rc_ != MPI_SUCCESS) return mp_error(c, rc_, call, "could not complete the call");                          \
    } while (0)

#endif
