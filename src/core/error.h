/* Error reporting: every failing MPI call goes through mp_error, which names the rank, the call
 * and the argument, and hands the error to the communicator's error handler. Also the error
 * classes and codes a program adds at run time (MPI_Add_error_class/code/string). */
#ifndef MP_ERROR_H
#define MP_ERROR_H

#include "core/comm.h"

/* Formats "rank R: CALL: <message>", then: under MPI_ERRORS_ARE_FATAL prints it with the error
 * code's text on stderr and ends the whole job (mp_boot_abort with the class as exit code);
 * under MPI_ERRORS_RETURN logs it at debug level; under a user handler calls it with the
 * communicator's handle and the code. Returns errcode. `comm` may be NULL (then
 * MPI_COMM_WORLD's handler applies, or fatal before MPI_Init). */
int mp_error(struct mp_comm *comm, int errcode, const char *call, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Text for an error class or code; NULL for an unknown one. Codes between the last class in use
 * and MPI_ERR_LASTCODE are valid, reserved classes. */
const char *mp_error_text(int errcode);
/* The class of an error code, or -1 for an unknown code. */
int mp_error_class(int errcode);

/* Run-time classes and codes, numbered from MPI_ERR_LASTCODE + 1. Each returns an error class. */
int mp_error_add_class(int *errclass);
int mp_error_add_code(int errclass, int *errcode);
/* MPI_ERR_ARG unless errcode was added at run time. */
int mp_error_add_string(int errcode, const char *text);
/* The largest code in use (the MPI_LASTUSEDCODE attribute). */
int mp_error_last_code(void);
void mp_error_finalize(void);

#endif
