/* Argument checks shared by the collective bindings. Each returns MPI_SUCCESS or the error class
 * after reporting it through mp_error (message naming call and argument). */
#ifndef MP_API_COLL_ARGS_H
#define MP_API_COLL_ARGS_H

#include "api/api.h"
#include "core/datatype.h"

/* count >= 0 and a live, committed datatype; `which` names the pair ("" for count/datatype,
 * "send" or "recv" for sendcount/sendtype and recvcount/recvtype). */
int mp_check_count_type(struct mp_comm *c, const char *call, int count, MPI_Datatype type, const char *which);
/* A live op usable in collectives on `type`. */
int mp_check_op(struct mp_comm *c, const char *call, MPI_Op op, MPI_Datatype type);
int mp_check_root(struct mp_comm *c, const char *call, int root);
/* A buffer for `count` elements: not MPI_IN_PLACE, and not NULL unless empty. */
int mp_check_buf(struct mp_comm *c, const char *call, const void *buf, int count, MPI_Datatype type, const char *arg);
/* sendbuf and recvbuf must differ unless nothing is sent; MPI_IN_PLACE is the way to share. */
int mp_check_alias(struct mp_comm *c, const char *call, const void *sbuf, const void *rbuf, int count,
                   MPI_Datatype type);
/* The two sides of this rank's own block carry the same number of bytes. */
int mp_check_match(struct mp_comm *c, const char *call, int scount, MPI_Datatype stype, int rcount, MPI_Datatype rtype);
/* An array of comm->size counts (each >= 0) and, when displs_arg is not NULL, displacements. */
int mp_check_counts(struct mp_comm *c, const char *call, const int *counts, const char *counts_arg, const int *displs,
                    const char *displs_arg);
/* One live committed datatype per rank. */
int mp_check_types(struct mp_comm *c, const char *call, const MPI_Datatype *types, const char *arg);
int mp_check_request(struct mp_comm *c, const char *call, MPI_Request *request);

#define MP_TRY(expr)                                                                                                   \
    do {                                                                                                               \
        int rc_ = (expr);                                                                                              \
        if (MP_UNLIKELY(rc_ != MPI_SUCCESS)) return rc_;                                                               \
    } while (0)

/* Errors from the algorithms themselves (a peer's failure, out of memory) go to the handler too. */
#define MP_RUN_COLL(c, call, expr)                                                                                     \
    do {                                                                                                               \
        int rc_ = (expr);                                                                                              \
        if (MP_UNLIKELY(rc_ != MPI_SUCCESS)) return mp_error(c, rc_, call, "collective operation failed");             \
        return MPI_SUCCESS;                                                                                            \
    } while (0)

/* Looks up an intracommunicator: collectives on intercommunicators are not supported. */
#define MP_GET_INTRACOMM(var, handle, call)                                                                            \
    MP_GET_COMM(var, handle, call);                                                                                    \
    if (MP_UNLIKELY(mp_comm_is_inter(var)))                                                                            \
    return mp_error(var, MPI_ERR_COMM, call,                                                                           \
                    "intercommunicator %d: collectives on intercommunicators are not "                                 \
                    "supported (argument comm)",                                                                       \
                    (int)(handle))

#endif
