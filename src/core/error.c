#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>

#include "boot/boot.h"
#include "core/log.h"

static const char *const texts[] = {
    [MPI_SUCCESS] = "no error",
    [MPI_ERR_BUFFER] = "invalid buffer pointer",
    [MPI_ERR_COUNT] = "invalid count argument",
    [MPI_ERR_TYPE] = "invalid datatype",
    [MPI_ERR_TAG] = "invalid tag",
    [MPI_ERR_COMM] = "invalid communicator",
    [MPI_ERR_RANK] = "invalid rank",
    [MPI_ERR_REQUEST] = "invalid request",
    [MPI_ERR_ROOT] = "invalid root",
    [MPI_ERR_GROUP] = "invalid group",
    [MPI_ERR_OP] = "invalid reduction operation",
    [MPI_ERR_TOPOLOGY] = "invalid topology",
    [MPI_ERR_DIMS] = "invalid dimension argument",
    [MPI_ERR_ARG] = "invalid argument of some other kind",
    [MPI_ERR_UNKNOWN] = "unknown error",
    [MPI_ERR_TRUNCATE] = "message truncated",
    [MPI_ERR_OTHER] = "known error not in this list",
    [MPI_ERR_INTERN] = "internal error",
    [MPI_ERR_IN_STATUS] = "error code is in status",
    [MPI_ERR_PENDING] = "pending request",
    [MPI_ERR_NO_MEM] = "out of memory",
    [MPI_ERR_UNSUPPORTED_OPERATION] = "operation not supported",
    [MPI_ERR_KEYVAL] = "invalid keyval",
    [MPI_ERR_INFO_KEY] = "invalid info key",
    [MPI_ERR_INFO_VALUE] = "invalid info value",
    [MPI_ERR_INFO_NOKEY] = "info key not defined",
    [MPI_ERR_INFO] = "invalid info object",
};

const char *mp_error_text(int errclass)
{
    if (errclass < 0 || (size_t)errclass >= sizeof texts / sizeof texts[0]) return NULL;
    return texts[errclass];
}

/* The handler that applies when no communicator is at hand: WORLD's, or fatal when there is no
 * WORLD (before MPI_Init, after MPI_Finalize). */
static MPI_Errhandler handler_of(const struct mp_comm *comm)
{
    if (comm) return comm->errhandler;
    if (!mp_g.initialized) return MPI_ERRORS_ARE_FATAL;
    const struct mp_comm *world = mp_comm_get(MPI_COMM_WORLD);
    return world ? world->errhandler : MPI_ERRORS_ARE_FATAL;
}

int mp_error(struct mp_comm *comm, int errclass, const char *call, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    const char *text = mp_error_text(errclass);
    if (!text) text = "unknown error class";

    if (handler_of(comm) == MPI_ERRORS_RETURN) {
        MP_DEBUG("%s: %s: %s", call, what, text);
        return errclass;
    }
    char msg[768];
    snprintf(msg, sizeof msg, "rank %d: %s: %s: %s", mp_g.world_rank, call, what, text);
    /* The launcher prints the message once for the whole job (a singleton prints it itself). */
    mp_boot_abort(errclass, msg);
}
