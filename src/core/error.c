#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/boot.h"
#include "core/errhandler.h"
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

/* Codes added at run time: entry i is code MPI_ERR_LASTCODE + 1 + i. */
struct added {
    int errclass; /* itself for a class */
    char *text;   /* NULL until MPI_Add_error_string */
};
static struct added *added;
static int nadded, added_cap;

static const struct added *added_code(int errcode)
{
    int i = errcode - MPI_ERR_LASTCODE - 1;
    return i >= 0 && i < nadded ? &added[i] : NULL;
}

const char *mp_error_text(int errcode)
{
    if (errcode >= 0 && (size_t)errcode < sizeof texts / sizeof texts[0]) return texts[errcode];
    if (errcode >= 0 && errcode <= MPI_ERR_LASTCODE) return "reserved error class";
    const struct added *a = added_code(errcode);
    if (!a) return NULL;
    return a->text ? a->text : "";
}

int mp_error_class(int errcode)
{
    if (errcode >= 0 && errcode <= MPI_ERR_LASTCODE) return errcode;
    const struct added *a = added_code(errcode);
    return a ? a->errclass : -1;
}

static int add(int errclass)
{
    if (nadded == added_cap) {
        int cap = added_cap ? 2 * added_cap : 16;
        struct added *grown = realloc(added, (size_t)cap * sizeof *grown);
        if (!grown) return -1;
        added = grown;
        added_cap = cap;
    }
    int code = MPI_ERR_LASTCODE + 1 + nadded;
    added[nadded++] = (struct added){.errclass = errclass < 0 ? code : errclass};
    return code;
}

int mp_error_add_class(int *errclass)
{
    int code = add(-1);
    if (code < 0) return MPI_ERR_NO_MEM;
    *errclass = code;
    return MPI_SUCCESS;
}

int mp_error_add_code(int errclass, int *errcode)
{
    int code = add(errclass);
    if (code < 0) return MPI_ERR_NO_MEM;
    *errcode = code;
    return MPI_SUCCESS;
}

int mp_error_add_string(int errcode, const char *text)
{
    if (!added_code(errcode)) return MPI_ERR_ARG;
    char *copy = strdup(text);
    if (!copy) return MPI_ERR_NO_MEM;
    struct added *a = &added[errcode - MPI_ERR_LASTCODE - 1];
    free(a->text);
    a->text = copy;
    return MPI_SUCCESS;
}

int mp_error_last_code(void)
{
    return MPI_ERR_LASTCODE + nadded;
}

void mp_error_finalize(void)
{
    for (int i = 0; i < nadded; i++) free(added[i].text);
    free(added);
    added = NULL;
    nadded = added_cap = 0;
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

int mp_error(struct mp_comm *comm, int errcode, const char *call, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    const char *text = mp_error_text(errcode);
    if (!text) text = "unknown error code";

    MPI_Errhandler h = handler_of(comm);
    if (h == MPI_ERRORS_RETURN) {
        MP_DEBUG("%s: %s: %s", call, what, text);
        return errcode;
    }
    MPI_Comm_errhandler_function *fn = mp_errhandler_fn(h);
    if (fn) {
        MP_DEBUG("%s: %s: %s (calling the user's error handler)", call, what, text);
        MPI_Comm handle = comm ? comm->handle : MPI_COMM_WORLD;
        int code = errcode;
        fn(&handle, &code);
        return errcode;
    }
    char msg[768];
    snprintf(msg, sizeof msg, "rank %d: %s: %s: %s", mp_g.world_rank, call, what, text);
    /* The launcher prints the message once for the whole job (a singleton prints it itself). */
    int errclass = mp_error_class(errcode);
    mp_boot_abort(errclass > 0 ? errclass : MPI_ERR_UNKNOWN, msg);
}
