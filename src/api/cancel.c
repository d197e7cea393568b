/* MPI bindings: cancelling requests, and the cancelled flag of a status. */
#include "api/api.h"
#include "p2p/p2p.h"

MP_WEAK_ALIAS(Cancel)
int PMPI_Cancel(MPI_Request *request)
{
    MP_CHECK_INIT("MPI_Cancel");
    if (!request || *request == MPI_REQUEST_NULL)
        return mp_error(NULL, MPI_ERR_REQUEST, "MPI_Cancel", "%s (argument request)",
                        request ? "null request" : "NULL request pointer");
    mp_cancel(*request);
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Test_cancelled)
int PMPI_Test_cancelled(const MPI_Status *status, int *flag)
{
    MP_CHECK_INIT("MPI_Test_cancelled");
    if (!status || !flag)
        return mp_error(NULL, MPI_ERR_ARG, "MPI_Test_cancelled", "NULL %s (argument %s)",
                        status ? "flag pointer" : "status (or MPI_STATUS_IGNORE)", status ? "flag" : "status");
    *flag = status->mp_cancelled != 0;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Status_set_cancelled)
int PMPI_Status_set_cancelled(MPI_Status *status, int flag)
{
    MP_CHECK_INIT("MPI_Status_set_cancelled");
    if (!status)
        return mp_error(NULL, MPI_ERR_ARG, "MPI_Status_set_cancelled",
                        "NULL status (or MPI_STATUS_IGNORE) (argument status)");
    status->mp_cancelled = flag != 0;
    return MPI_SUCCESS;
}
