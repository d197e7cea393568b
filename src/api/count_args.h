/* Counts whose bytes do not fit: one check and one piece of advice for every binding. */
#ifndef MP_API_COUNT_ARGS_H
#define MP_API_COUNT_ARGS_H

#include <stddef.h>

#include "api/api.h"
#include "core/datatype.h"

/* What to do when a count, or the bytes it stands for, outgrows an int. */
#define MP_LARGE_COUNT_HINT                                                                                            \
    "large counts: describe the data with a bigger datatype (e.g. MPI_Type_contiguous of many elements) and a "        \
    "smaller count, or split it; MPI_Type_size_x and MPI_Get_elements_x report sizes above INT_MAX"

/* *bytes = count elements of dt; MPI_ERR_COUNT (reported for `call`, argument `arg`) when they
 * are more bytes than a buffer can hold. */
int mp_check_count_bytes(struct mp_comm *c, const char *call, const char *arg, const struct mp_dtype *dt, size_t count,
                         size_t *bytes);

#endif
