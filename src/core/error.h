/* Error reporting: every failing MPI call goes through mp_error, which names the rank, the call
 * and the argument, and hands the error to the communicator's error handler. */
#ifndef MP_ERROR_H
#define MP_ERROR_H

#include "core/comm.h"

/* Formats "rank R: CALL: <message>", then: under MPI_ERRORS_ARE_FATAL prints it with the error
 * class's text on stderr and ends the whole job (mp_boot_abort with the class as exit code);
 * under MPI_ERRORS_RETURN logs it at debug level. Returns errclass. `comm` may be NULL (then
 * MPI_COMM_WORLD's handler applies, or fatal before MPI_Init). */
int mp_error(struct mp_comm *comm, int errclass, const char *call, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Text for an error class or code; NULL for an unknown one. */
const char *mp_error_text(int errclass);

#endif
