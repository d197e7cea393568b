/* Shared by the files of the MPI binding layer. Every function is defined as PMPI_name and
 * exported under MPI_name too, as a weak alias, so profiling tools can interpose on MPI_name. */
#ifndef MP_API_H
#define MP_API_H

#include "core/comm.h"
#include "core/error.h"
#include "core/hang.h"
#include "core/mp.h"

#define MP_PRAGMA(x) _Pragma(#x)
#define MP_WEAK_ALIAS(name) MP_PRAGMA(weak MPI_##name = PMPI_##name)

/* Fails the call when MPI is not initialized (or already finalized); records the call in the
 * rank status block (mpprun --timeout reports it). */
#define MP_CHECK_INIT(call)                                                                                            \
    do {                                                                                                               \
        if (MP_UNLIKELY(!mp_g.initialized || mp_g.finalized))                                                          \
            return mp_error(NULL, MPI_ERR_OTHER, call, "called %s MPI_Init",                                           \
                            mp_g.finalized ? "after MPI_Finalize," : "before");                                        \
        mp_hang_enter(call);                                                                                           \
    } while (0)

/* Looks up `handle` into `var`, failing the call with MPI_ERR_COMM when it names no communicator. */
#define MP_GET_COMM(var, handle, call)                                                                                 \
    struct mp_comm *var = mp_comm_get(handle);                                                                         \
    if (MP_UNLIKELY(!var))                                                                                             \
        return mp_error(NULL, MPI_ERR_COMM, call, "invalid communicator %d (argument comm)", (int)(handle));           \
    mp_hang_comm(handle)

#endif
