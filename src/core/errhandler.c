#include "core/errhandler.h"

#include <stdlib.h>
#include <string.h>

struct handler {
    MPI_Comm_errhandler_function *fn; /* NULL: free slot */
    int refs;
};

/* Slot i is handle i; 0 (MPI_ERRHANDLER_NULL) and the two predefined ones are never used. */
static struct handler *handlers;
static int nhandlers;

int mp_errhandler_create(MPI_Comm_errhandler_function *fn, MPI_Errhandler *handle)
{
    int i = MPI_ERRORS_RETURN + 1;
    while (i < nhandlers && handlers[i].fn) i++;
    if (i >= nhandlers) {
        int cap = nhandlers ? 2 * nhandlers : 8;
        struct handler *grown = realloc(handlers, (size_t)cap * sizeof *grown);
        if (!grown) return MPI_ERR_NO_MEM;
        memset(grown + nhandlers, 0, (size_t)(cap - nhandlers) * sizeof *grown);
        handlers = grown;
        nhandlers = cap;
    }
    handlers[i] = (struct handler){.fn = fn, .refs = 1};
    *handle = i;
    return MPI_SUCCESS;
}

static struct handler *user(MPI_Errhandler h)
{
    return h > MPI_ERRORS_RETURN && h < nhandlers && handlers[h].fn ? &handlers[h] : NULL;
}

int mp_errhandler_valid(MPI_Errhandler h)
{
    return h == MPI_ERRORS_ARE_FATAL || h == MPI_ERRORS_RETURN || user(h);
}

MPI_Comm_errhandler_function *mp_errhandler_fn(MPI_Errhandler h)
{
    struct handler *u = user(h);
    return u ? u->fn : NULL;
}

void mp_errhandler_retain(MPI_Errhandler h)
{
    struct handler *u = user(h);
    if (u) u->refs++;
}

void mp_errhandler_release(MPI_Errhandler h)
{
    struct handler *u = user(h);
    if (u && --u->refs == 0) *u = (struct handler){0};
}

void mp_errhandler_finalize(void)
{
    free(handlers);
    handlers = NULL;
    nhandlers = 0;
}
