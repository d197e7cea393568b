/* Error handlers: MPI_ERRORS_ARE_FATAL and MPI_ERRORS_RETURN (predefined, handles 1 and 2) and
 * user handlers made by MPI_Comm_create_errhandler, reference counted: each communicator using a
 * handler and each handle given to the user holds one reference. */
#ifndef MP_ERRHANDLER_H
#define MP_ERRHANDLER_H

#include "core/mp.h"

int mp_errhandler_create(MPI_Comm_errhandler_function *fn, MPI_Errhandler *handle);
/* 1 when the handle names a live handler (predefined ones included). */
int mp_errhandler_valid(MPI_Errhandler handle);
/* The user function of a handler; NULL for the predefined ones. */
MPI_Comm_errhandler_function *mp_errhandler_fn(MPI_Errhandler handle);
void mp_errhandler_retain(MPI_Errhandler handle);
void mp_errhandler_release(MPI_Errhandler handle);
void mp_errhandler_finalize(void);

#endif
