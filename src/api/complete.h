/* Finishing requests in the binding layer: status, release, and the error report. */
#ifndef MP_API_COMPLETE_H
#define MP_API_COMPLETE_H

#include "core/request.h"

/* Reports and releases completed request `r` (persistent ones become inactive). A failed request
 * (e.g. truncation) is reported through its communicator's error handler as failing `call`. */
int mp_api_finish(struct mp_request *r, MPI_Status *status, const char *call);

/* Status of a null or inactive request: empty, as the standard defines it. */
void mp_api_empty_status(MPI_Status *status);

#endif
