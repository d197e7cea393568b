/* MPI bindings: setting the element count of a status (for generalized requests and layered
 * libraries). */
#include "api/api.h"
#include "core/datatype.h"

static int set_elements(MPI_Status *status, MPI_Datatype datatype, MPI_Count count, const char *call)
{
    MP_CHECK_INIT(call);
    if (!status) return mp_error(NULL, MPI_ERR_ARG, call, "NULL status (or MPI_STATUS_IGNORE) (argument status)");
    const struct mp_dtype *dt = mp_dtype_get(datatype);
    if (!dt) return mp_error(NULL, MPI_ERR_TYPE, call, "invalid datatype %d (argument datatype)", datatype);
    if (!dt->committed)
        return mp_error(NULL, MPI_ERR_TYPE, call, "datatype %d is not committed (argument datatype)", datatype);
    if (count < 0) return mp_error(NULL, MPI_ERR_COUNT, call, "negative count %lld (argument count)", count);
    /* the status counts bytes as messages carry them (see MPI_Get_count) */
    status->mp_count = (long long)mp_dtype_packed_size(dt, (size_t)count);
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Status_set_elements)
int PMPI_Status_set_elements(MPI_Status *status, MPI_Datatype datatype, int count)
{
    return set_elements(status, datatype, count, "MPI_Status_set_elements");
}

MP_WEAK_ALIAS(Status_set_elements_x)
int PMPI_Status_set_elements_x(MPI_Status *status, MPI_Datatype datatype, MPI_Count count)
{
    return set_elements(status, datatype, count, "MPI_Status_set_elements_x");
}
