/* MPI bindings: start-up, shut-down, abort and thread level. */
#include <pthread.h>
#include <stdio.h>

#include "api/api.h"
#include "boot/boot.h"
#include "core/init.h"

static pthread_t main_thread;

static int init_common(int required, int *provided, const char *call)
{
    if (mp_g.initialized || mp_g.finalized)
        return mp_error(NULL, MPI_ERR_OTHER, call, "MPI is already %s", mp_g.finalized ? "finalized" : "initialized");
    main_thread = pthread_self();
    int rc = mp_init(required, provided);
    if (rc != MPI_SUCCESS) return mp_error(NULL, rc, call, "start-up failed (see the messages above)");
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Init)
int PMPI_Init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    int provided;
    return init_common(MPI_THREAD_SINGLE, &provided, "MPI_Init");
}

MP_WEAK_ALIAS(Init_thread)
int PMPI_Init_thread(int *argc, char ***argv, int required, int *provided)
{
    (void)argc;
    (void)argv;
    if (!provided) return mp_error(NULL, MPI_ERR_ARG, "MPI_Init_thread", "NULL provided pointer (argument provided)");
    if (required < MPI_THREAD_SINGLE || required > MPI_THREAD_MULTIPLE)
        return mp_error(NULL, MPI_ERR_ARG, "MPI_Init_thread", "unknown thread level %d (argument required)", required);
    return init_common(required, provided, "MPI_Init_thread");
}

MP_WEAK_ALIAS(Finalize)
int PMPI_Finalize(void)
{
    MP_CHECK_INIT("MPI_Finalize");
    return mp_finalize();
}

MP_WEAK_ALIAS(Initialized)
int PMPI_Initialized(int *flag)
{
    if (!flag) return mp_error(NULL, MPI_ERR_ARG, "MPI_Initialized", "NULL flag pointer (argument flag)");
    *flag = mp_g.initialized;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Finalized)
int PMPI_Finalized(int *flag)
{
    if (!flag) return mp_error(NULL, MPI_ERR_ARG, "MPI_Finalized", "NULL flag pointer (argument flag)");
    *flag = mp_g.finalized;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Query_thread)
int PMPI_Query_thread(int *provided)
{
    MP_CHECK_INIT("MPI_Query_thread");
    if (!provided) return mp_error(NULL, MPI_ERR_ARG, "MPI_Query_thread", "NULL provided pointer (argument provided)");
    *provided = mp_g.thread_level;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Is_thread_main)
int PMPI_Is_thread_main(int *flag)
{
    MP_CHECK_INIT("MPI_Is_thread_main");
    if (!flag) return mp_error(NULL, MPI_ERR_ARG, "MPI_Is_thread_main", "NULL flag pointer (argument flag)");
    *flag = pthread_equal(pthread_self(), main_thread);
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Abort)
int PMPI_Abort(MPI_Comm comm, int errorcode)
{
    mp_hang_enter("MPI_Abort");
    char msg[160];
    snprintf(msg, sizeof msg, "MPI_Abort(%s, %d) called by rank %d", comm == MPI_COMM_WORLD ? "MPI_COMM_WORLD" : "comm",
             errorcode, mp_g.world_rank);
    mp_boot_abort(errorcode, msg);
}
