/* MPI bindings: clocks, names and versions. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"

MP_WEAK_ALIAS(Wtime)
double PMPI_Wtime(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ((double)ts.tv_sec - mp_g.wtime_base) + (double)ts.tv_nsec * 1e-9;
}

MP_WEAK_ALIAS(Wtick)
double PMPI_Wtick(void)
{
    struct timespec ts;
    if (clock_getres(CLOCK_MONOTONIC, &ts) != 0 || (ts.tv_sec == 0 && ts.tv_nsec == 0)) return 1e-9;
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

MP_WEAK_ALIAS(Get_processor_name)
int PMPI_Get_processor_name(char *name, int *resultlen)
{
    if (!name || !resultlen)
        return mp_error(NULL, MPI_ERR_ARG, "MPI_Get_processor_name", "NULL %s (argument %s)",
                        name ? "resultlen pointer" : "name buffer", name ? "resultlen" : "name");
    if (!mp_g.hostname[0] && gethostname(mp_g.hostname, sizeof mp_g.hostname) != 0)
        snprintf(mp_g.hostname, sizeof mp_g.hostname, "localhost");
    snprintf(name, MPI_MAX_PROCESSOR_NAME, "%s", mp_g.hostname);
    *resultlen = (int)strlen(name);
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Get_version)
int PMPI_Get_version(int *version, int *subversion)
{
    if (!version || !subversion)
        return mp_error(NULL, MPI_ERR_ARG, "MPI_Get_version", "NULL pointer (argument %s)",
                        version ? "subversion" : "version");
    *version = MPI_VERSION;
    *subversion = MPI_SUBVERSION;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Get_library_version)
int PMPI_Get_library_version(char *version, int *resultlen)
{
    if (!version || !resultlen)
        return mp_error(NULL, MPI_ERR_ARG, "MPI_Get_library_version", "NULL pointer (argument %s)",
                        version ? "resultlen" : "version");
    snprintf(version, MPI_MAX_LIBRARY_VERSION_STRING, "libmsgpass %s (MPI %d.%d subset; transports: shm, tcp)",
             MSGPASS_VERSION_STRING, MPI_VERSION, MPI_SUBVERSION);
    *resultlen = (int)strlen(version);
    return MPI_SUCCESS;
}
