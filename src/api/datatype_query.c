/* MPI bindings: what a datatype is (size, bounds, how it was made, name) and what a received
 * message holds in its terms (MPI_Get_count, MPI_Get_elements). */
#include <limits.h>
#include <string.h>

#include "api/datatype_args.h"

/* The checks of a query with one or two output pointers (out2 NULL and arg2 NULL: one). */
static int query(const char *call, MPI_Datatype datatype, const void *out1, const char *arg1, const void *out2,
                 const char *arg2, const struct mp_dtype **out)
{
    MP_CHECK_INIT(call);
    MP_GET_TYPE(dt, datatype, call, "datatype");
    MP_CHECK_OUT(out1, call, arg1);
    if (arg2) MP_CHECK_OUT(out2, call, arg2);
    *out = dt;
    return MPI_SUCCESS;
}

#define QUERY_(call, out1, out2, arg2)                                                                                 \
    const struct mp_dtype *dt;                                                                                         \
    int rc = query(call, datatype, out1, #out1, out2, arg2, &dt);                                                      \
    if (rc) return rc
#define QUERY1(call, out) QUERY_(call, out, NULL, NULL)
#define QUERY2(call, out1, out2) QUERY_(call, out1, out2, #out2)

MP_WEAK_ALIAS(Type_size)
int PMPI_Type_size(MPI_Datatype datatype, int *size)
{
    QUERY1("MPI_Type_size", size);
    *size = dt->size > INT_MAX ? MPI_UNDEFINED : (int)dt->size;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Type_size_x)
int PMPI_Type_size_x(MPI_Datatype datatype, MPI_Count *size)
{
    QUERY1("MPI_Type_size_x", size);
    *size = (MPI_Count)dt->size;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Type_get_extent)
int PMPI_Type_get_extent(MPI_Datatype datatype, MPI_Aint *lb, MPI_Aint *extent)
{
    QUERY2("MPI_Type_get_extent", lb, extent);
    *lb = dt->lb;
    *extent = dt->extent;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Type_get_extent_x)
int PMPI_Type_get_extent_x(MPI_Datatype datatype, MPI_Count *lb, MPI_Count *extent)
{
    QUERY2("MPI_Type_get_extent_x", lb, extent);
    *lb = dt->lb;
    *extent = dt->extent;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Type_get_true_extent)
int PMPI_Type_get_true_extent(MPI_Datatype datatype, MPI_Aint *true_lb, MPI_Aint *true_extent)
{
    QUERY2("MPI_Type_get_true_extent", true_lb, true_extent);
    *true_lb = dt->true_lb;
    *true_extent = dt->true_ub - dt->true_lb;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Type_get_true_extent_x)
int PMPI_Type_get_true_extent_x(MPI_Datatype datatype, MPI_Count *true_lb, MPI_Count *true_extent)
{
    QUERY2("MPI_Type_get_true_extent_x", true_lb, true_extent);
    *true_lb = dt->true_lb;
    *true_extent = dt->true_ub - dt->true_lb;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Type_extent)
int PMPI_Type_extent(MPI_Datatype datatype, MPI_Aint *extent)
{
    QUERY1("MPI_Type_extent", extent);
    *extent = dt->extent;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Type_lb)
int PMPI_Type_lb(MPI_Datatype datatype, MPI_Aint *displacement)
{
    QUERY1("MPI_Type_lb", displacement);
    *displacement = dt->lb;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Type_ub)
int PMPI_Type_ub(MPI_Datatype datatype, MPI_Aint *displacement)
{
    QUERY1("MPI_Type_ub", displacement);
    *displacement = dt->ub;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Type_get_envelope)
int PMPI_Type_get_envelope(MPI_Datatype datatype, int *num_integers, int *num_addresses, int *num_datatypes,
                           int *combiner)
{
    MP_CHECK_INIT("MPI_Type_get_envelope");
    MP_GET_TYPE(dt, datatype, "MPI_Type_get_envelope", "datatype");
    if (!num_integers || !num_addresses || !num_datatypes || !combiner)
        return mp_error(NULL, MPI_ERR_ARG, "MPI_Type_get_envelope", "NULL output pointer (argument %s)",
                        !num_integers    ? "num_integers"
                        : !num_addresses ? "num_addresses"
                        : !num_datatypes ? "num_datatypes"
                                         : "combiner");
    *num_integers = dt->ni;
    *num_addresses = dt->na;
    *num_datatypes = dt->nt;
    *combiner = dt->combiner;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Type_get_contents)
int PMPI_Type_get_contents(MPI_Datatype datatype, int max_integers, int max_addresses, int max_datatypes,
                           int array_of_integers[], MPI_Aint array_of_addresses[], MPI_Datatype array_of_datatypes[])
{
    static const char call[] = "MPI_Type_get_contents";
    MP_CHECK_INIT(call);
    MP_GET_TYPE(dt, datatype, call, "datatype");
    if (dt->combiner == MPI_COMBINER_NAMED)
        return mp_error(NULL, MPI_ERR_TYPE, call, "predefined datatype %s has no contents (argument datatype)",
                        dt->name);
    if (max_integers < dt->ni || max_addresses < dt->na || max_datatypes < dt->nt)
        return mp_error(NULL, MPI_ERR_ARG, call,
                        "arrays too small: the type has %d integers, %d addresses and %d datatypes (arguments "
                        "max_integers, max_addresses, max_datatypes)",
                        dt->ni, dt->na, dt->nt);
    if ((dt->ni && !array_of_integers) || (dt->na && !array_of_addresses) || (dt->nt && !array_of_datatypes))
        return mp_error(NULL, MPI_ERR_ARG, call, "NULL output array (argument %s)",
                        dt->ni && !array_of_integers    ? "array_of_integers"
                        : dt->na && !array_of_addresses ? "array_of_addresses"
                                                        : "array_of_datatypes");
    if (dt->ni) memcpy(array_of_integers, dt->ints, (size_t)dt->ni * sizeof *dt->ints);
    if (dt->na) memcpy(array_of_addresses, dt->aints, (size_t)dt->na * sizeof *dt->aints);
    /* Derived parts come back as new handles the caller frees, as if made again. */
    for (int i = 0; i < dt->nt; i++) {
        if (mp_dtype_handle(dt->types[i], &array_of_datatypes[i]) != MPI_SUCCESS) {
            while (i-- > 0)
                if (!dt->types[i]->predefined) mp_dtype_free(&array_of_datatypes[i]);
            return mp_error(NULL, MPI_ERR_NO_MEM, call, "no handle left for the parts of datatype %d", datatype);
        }
    }
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Type_get_name)
int PMPI_Type_get_name(MPI_Datatype datatype, char *type_name, int *resultlen)
{
    MP_CHECK_INIT("MPI_Type_get_name");
    MP_GET_TYPE(dt, datatype, "MPI_Type_get_name", "datatype");
    MP_CHECK_OUT(type_name, "MPI_Type_get_name", "type_name");
    MP_CHECK_OUT(resultlen, "MPI_Type_get_name", "resultlen");
    size_t len = strlen(dt->name);
    memcpy(type_name, dt->name, len + 1);
    *resultlen = (int)len;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Type_set_name)
int PMPI_Type_set_name(MPI_Datatype datatype, const char *type_name)
{
    MP_CHECK_INIT("MPI_Type_set_name");
    MP_GET_TYPE(dt, datatype, "MPI_Type_set_name", "datatype");
    if (!type_name) return mp_error(NULL, MPI_ERR_ARG, "MPI_Type_set_name", "NULL name (argument type_name)");
    /* Longer names are cut to what MPI_Type_get_name can return. */
    size_t len = strnlen(type_name, MPI_MAX_OBJECT_NAME - 1);
    memcpy(dt->name, type_name, len);
    dt->name[len] = '\0';
    return MPI_SUCCESS;
}

static int status_args(const char *call, const MPI_Status *status, MPI_Datatype datatype, const void *count,
                       const struct mp_dtype **out)
{
    if (status == MPI_STATUS_IGNORE)
        return mp_error(NULL, MPI_ERR_ARG, call, "MPI_STATUS_IGNORE or NULL (argument status)");
    MP_GET_COMMITTED_TYPE(dt, datatype, call, "datatype");
    MP_CHECK_OUT(count, call, "count");
    *out = dt;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Get_count)
int PMPI_Get_count(const MPI_Status *status, MPI_Datatype datatype, int *count)
{
    MP_CHECK_INIT("MPI_Get_count");
    const struct mp_dtype *dt;
    int rc = status_args("MPI_Get_count", status, datatype, count, &dt);
    if (rc) return rc;
    unsigned long long bytes = (unsigned long long)status->mp_count;
    if (dt->size == 0) {
        /* Any number of empty elements fits in zero bytes; MPICH and Open MPI answer 0. */
        *count = bytes == 0 ? 0 : MPI_UNDEFINED;
    } else {
        unsigned long long n = bytes / dt->size;
        *count = (bytes % dt->size || n > INT_MAX) ? MPI_UNDEFINED : (int)n;
    }
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Get_elements_x)
int PMPI_Get_elements_x(const MPI_Status *status, MPI_Datatype datatype, MPI_Count *count)
{
    MP_CHECK_INIT("MPI_Get_elements_x");
    const struct mp_dtype *dt;
    int rc = status_args("MPI_Get_elements_x", status, datatype, count, &dt);
    if (rc) return rc;
    long long n = mp_dtype_elements(dt, (size_t)status->mp_count);
    *count = n < 0 ? MPI_UNDEFINED : (MPI_Count)n;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Get_elements)
int PMPI_Get_elements(const MPI_Status *status, MPI_Datatype datatype, int *count)
{
    MP_CHECK_INIT("MPI_Get_elements");
    const struct mp_dtype *dt;
    int rc = status_args("MPI_Get_elements", status, datatype, count, &dt);
    if (rc) return rc;
    long long n = mp_dtype_elements(dt, (size_t)status->mp_count);
    *count = n < 0 || n > INT_MAX ? MPI_UNDEFINED : (int)n;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Get_address)
int PMPI_Get_address(const void *location, MPI_Aint *address)
{
    MP_CHECK_OUT(address, "MPI_Get_address", "address");
    *address = (MPI_Aint)location;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Address)
int PMPI_Address(void *location, MPI_Aint *address)
{
    MP_CHECK_OUT(address, "MPI_Address", "address");
    *address = (MPI_Aint)location;
    return MPI_SUCCESS;
}
