/* MPI bindings: datatype constructors and queries, and MPI_Get_count. */
#include <limits.h>
#include <string.h>

#include "api/api.h"
#include "core/datatype.h"

#define GET_TYPE(var, handle, call)                                                                                    \
    struct mp_dtype *var = mp_dtype_get(handle);                                                                       \
    if (MP_UNLIKELY(!var)) return mp_error(NULL, MPI_ERR_TYPE, call, "invalid datatype %d (argument datatype)", handle)

MP_WEAK_ALIAS(Type_size)
int PMPI_Type_size(MPI_Datatype datatype, int *size)
{
    MP_CHECK_INIT("MPI_Type_size");
    GET_TYPE(dt, datatype, "MPI_Type_size");
    if (!size) return mp_error(NULL, MPI_ERR_ARG, "MPI_Type_size", "NULL output pointer (argument size)");
    *size = dt->size > INT_MAX ? MPI_UNDEFINED : (int)dt->size;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Type_contiguous)
int PMPI_Type_contiguous(int count, MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    MP_CHECK_INIT("MPI_Type_contiguous");
    if (count < 0)
        return mp_error(NULL, MPI_ERR_COUNT, "MPI_Type_contiguous", "negative count %d (argument count)", count);
    if (!mp_dtype_get(oldtype))
        return mp_error(NULL, MPI_ERR_TYPE, "MPI_Type_contiguous", "invalid datatype %d (argument oldtype)", oldtype);
    if (!newtype) return mp_error(NULL, MPI_ERR_ARG, "MPI_Type_contiguous", "NULL output pointer (argument newtype)");
    int rc = mp_dtype_contiguous(count, oldtype, newtype);
    if (rc != MPI_SUCCESS)
        return mp_error(NULL, rc, "MPI_Type_contiguous", "cannot make %d elements of datatype %d", count, oldtype);
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Type_commit)
int PMPI_Type_commit(MPI_Datatype *datatype)
{
    MP_CHECK_INIT("MPI_Type_commit");
    if (!datatype) return mp_error(NULL, MPI_ERR_ARG, "MPI_Type_commit", "NULL pointer (argument datatype)");
    if (mp_dtype_commit(*datatype) != MPI_SUCCESS)
        return mp_error(NULL, MPI_ERR_TYPE, "MPI_Type_commit", "invalid datatype %d (argument datatype)", *datatype);
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Type_free)
int PMPI_Type_free(MPI_Datatype *datatype)
{
    MP_CHECK_INIT("MPI_Type_free");
    if (!datatype) return mp_error(NULL, MPI_ERR_ARG, "MPI_Type_free", "NULL pointer (argument datatype)");
    GET_TYPE(dt, *datatype, "MPI_Type_free");
    if (dt->predefined)
        return mp_error(NULL, MPI_ERR_TYPE, "MPI_Type_free",
                        "predefined datatype %s cannot be freed (argument datatype)", dt->name);
    return mp_dtype_free(datatype);
}

MP_WEAK_ALIAS(Type_get_name)
int PMPI_Type_get_name(MPI_Datatype datatype, char *type_name, int *resultlen)
{
    MP_CHECK_INIT("MPI_Type_get_name");
    GET_TYPE(dt, datatype, "MPI_Type_get_name");
    if (!type_name || !resultlen)
        return mp_error(NULL, MPI_ERR_ARG, "MPI_Type_get_name", "NULL output pointer (argument %s)",
                        type_name ? "resultlen" : "type_name");
    size_t len = strlen(dt->name);
    memcpy(type_name, dt->name, len + 1);
    *resultlen = (int)len;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Get_count)
int PMPI_Get_count(const MPI_Status *status, MPI_Datatype datatype, int *count)
{
    MP_CHECK_INIT("MPI_Get_count");
    if (!status) return mp_error(NULL, MPI_ERR_ARG, "MPI_Get_count", "MPI_STATUS_IGNORE or NULL (argument status)");
    GET_TYPE(dt, datatype, "MPI_Get_count");
    if (!dt->committed)
        return mp_error(NULL, MPI_ERR_TYPE, "MPI_Get_count", "datatype %d is not committed (argument datatype)",
                        datatype);
    if (!count) return mp_error(NULL, MPI_ERR_ARG, "MPI_Get_count", "NULL output pointer (argument count)");
    unsigned long long bytes = (unsigned long long)status->mp_count;
    /* Messages carry whole elements as laid out in memory (mp_dtype_bytes), so they are counted by
     * extent. */
    const unsigned long long unit = (unsigned long long)dt->extent;
    if (unit == 0) {
        /* Any number of empty elements fits in zero bytes; MPICH and Open MPI answer 0. */
        *count = bytes == 0 ? 0 : MPI_UNDEFINED;
    } else {
        unsigned long long n = bytes / unit;
        *count = (bytes % unit || n > INT_MAX) ? MPI_UNDEFINED : (int)n;
    }
    return MPI_SUCCESS;
}
