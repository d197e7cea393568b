/* Datatype argument checks shared by the datatype bindings. */
#ifndef MP_API_DATATYPE_ARGS_H
#define MP_API_DATATYPE_ARGS_H

#include "api/api.h"
#include "core/datatype.h"

/* Looks up `handle` into `var`, failing the call with MPI_ERR_TYPE when it names no datatype. */
#define MP_GET_TYPE(var, handle, call, arg)                                                                            \
    struct mp_dtype *var = mp_dtype_get(handle);                                                                       \
    if (MP_UNLIKELY(!var)) return mp_error(NULL, MPI_ERR_TYPE, call, "invalid datatype %d (argument %s)", handle, arg)

/* The same for a type about to describe data: it must be committed too. */
#define MP_GET_COMMITTED_TYPE(var, handle, call, arg)                                                                  \
    MP_GET_TYPE(var, handle, call, arg);                                                                               \
    if (MP_UNLIKELY(!var->committed))                                                                                  \
    return mp_error(NULL, MPI_ERR_TYPE, call, "datatype %d is not committed (argument %s)", handle, arg)

#define MP_CHECK_OUT(ptr, call, arg)                                                                                   \
    do {                                                                                                               \
        if (MP_UNLIKELY(!(ptr))) return mp_error(NULL, MPI_ERR_ARG, call, "NULL output pointer (argument %s)", arg);   \
    } while (0)

#endif
