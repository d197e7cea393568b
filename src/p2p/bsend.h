/* Buffered sends (MPI_Bsend and friends): the user attaches one buffer; each buffered message is
 * copied into it and sent from there by an internal standard-mode send, so the user's send
 * completes at once. The space of a message is reused once its internal send has completed. */
#ifndef MP_BSEND_H
#define MP_BSEND_H

#include <stddef.h>

#include "core/request.h"

/* Per-message bookkeeping inside the attached buffer: a header and alignment padding.
 * MPI_BSEND_OVERHEAD in mpi.h must stay >= this. */
#define MP_BSEND_OVERHEAD 64

/* Returns MPI_SUCCESS, or the reported error class (buffer already attached). */
int mp_bsend_attach(void *buf, size_t size, const char *call);

/* Waits until every buffered message has been sent, then detaches the buffer and returns its
 * address and size. Fails with MPI_ERR_BUFFER when none is attached. */
int mp_bsend_detach(void **buf, size_t *size, const char *call);

/* Starts buffered send `r` (a request of mode MP_SEND_BUFFERED): copies the message into the
 * attached buffer, starts its internal send and completes `r`. Fails with MPI_ERR_BUFFER, `r`
 * untouched, when the free space is too small. */
int mp_bsend_start(struct mp_request *r, const char *call);

#endif
