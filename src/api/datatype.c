/* MPI bindings: datatype constructors, commit and free. */
#include "api/api.h"
#include "api/datatype_args.h"

/* The checks every constructor shares: count, old type, output pointer. */
static int check_common(const char *call, int count, MPI_Datatype oldtype, const MPI_Datatype *newtype)
{
    if (count < 0) return mp_error(NULL, MPI_ERR_COUNT, call, "negative count %d (argument count)", count);
    if (!mp_dtype_get(oldtype))
        return mp_error(NULL, MPI_ERR_TYPE, call, "invalid datatype %d (argument oldtype)", oldtype);
    if (!newtype) return mp_error(NULL, MPI_ERR_ARG, call, "NULL output pointer (argument newtype)");
    return MPI_SUCCESS;
}

static int check_blocklens(const char *call, int count, const int *blocklens)
{
    if (count > 0 && !blocklens)
        return mp_error(NULL, MPI_ERR_ARG, call, "NULL array with count %d (argument array_of_blocklengths)", count);
    for (int i = 0; i < count; i++)
        if (blocklens[i] < 0)
            return mp_error(NULL, MPI_ERR_ARG, call,
                            "negative block length %d at index %d (argument "
                            "array_of_blocklengths)",
                            blocklens[i], i);
    return MPI_SUCCESS;
}

static int check_disps(const char *call, int count, const void *disps)
{
    if (count > 0 && !disps)
        return mp_error(NULL, MPI_ERR_ARG, call, "NULL array with count %d (argument array_of_displacements)", count);
    return MPI_SUCCESS;
}

static int check_blocklen(const char *call, int blocklen)
{
    if (blocklen < 0)
        return mp_error(NULL, MPI_ERR_ARG, call, "negative block length %d (argument blocklength)", blocklen);
    return MPI_SUCCESS;
}

/* Failures left after the argument checks: sizes that overflow, no memory. */
static int built(const char *call, int rc)
{
    if (rc == MPI_SUCCESS) return MPI_SUCCESS;
    return mp_error(NULL, rc, call,
                    rc == MPI_ERR_COUNT ? "the type would be larger than memory can address" : "cannot build the type");
}

#define TRY(expr)                                                                                                      \
    do {                                                                                                               \
        int rc_ = (expr);                                                                                              \
        if (rc_ != MPI_SUCCESS) return rc_;                                                                            \
    } while (0)

MP_WEAK_ALIAS(Type_contiguous)
int PMPI_Type_contiguous(int count, MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    MP_CHECK_INIT("MPI_Type_contiguous");
    TRY(check_common("MPI_Type_contiguous", count, oldtype, newtype));
    return built("MPI_Type_contiguous", mp_dtype_contiguous(count, oldtype, newtype));
}

static int vector_common(const char *call, int count, int blocklength, MPI_Aint stride, int in_bytes,
                         MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    MP_CHECK_INIT(call);
    TRY(check_common(call, count, oldtype, newtype));
    TRY(check_blocklen(call, blocklength));
    return built(call, mp_dtype_vector(count, blocklength, stride, in_bytes, oldtype, newtype));
}

MP_WEAK_ALIAS(Type_vector)
int PMPI_Type_vector(int count, int blocklength, int stride, MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    return vector_common("MPI_Type_vector", count, blocklength, stride, 0, oldtype, newtype);
}

MP_WEAK_ALIAS(Type_create_hvector)
int PMPI_Type_create_hvector(int count, int blocklength, MPI_Aint stride, MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    return vector_common("MPI_Type_create_hvector", count, blocklength, stride, 1, oldtype, newtype);
}

MP_WEAK_ALIAS(Type_hvector)
int PMPI_Type_hvector(int count, int blocklength, MPI_Aint stride, MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    return vector_common("MPI_Type_hvector", count, blocklength, stride, 1, oldtype, newtype);
}

static int indexed_common(const char *call, int count, const int *blocklens, const void *disps, int in_bytes,
                          MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    MP_CHECK_INIT(call);
    TRY(check_common(call, count, oldtype, newtype));
    TRY(check_blocklens(call, count, blocklens));
    TRY(check_disps(call, count, disps));
    return built(call, mp_dtype_indexed(count, blocklens, disps, in_bytes, oldtype, newtype));
}

MP_WEAK_ALIAS(Type_indexed)
int PMPI_Type_indexed(int count, const int array_of_blocklengths[], const int array_of_displacements[],
                      MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    return indexed_common("MPI_Type_indexed", count, array_of_blocklengths, array_of_displacements, 0, oldtype,
                          newtype);
}

MP_WEAK_ALIAS(Type_create_hindexed)
int PMPI_Type_create_hindexed(int count, const int array_of_blocklengths[], const MPI_Aint array_of_displacements[],
                              MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    return indexed_common("MPI_Type_create_hindexed", count, array_of_blocklengths, array_of_displacements, 1, oldtype,
                          newtype);
}

MP_WEAK_ALIAS(Type_hindexed)
int PMPI_Type_hindexed(int count, int array_of_blocklengths[], MPI_Aint array_of_displacements[], MPI_Datatype oldtype,
                       MPI_Datatype *newtype)
{
    return indexed_common("MPI_Type_hindexed", count, array_of_blocklengths, array_of_displacements, 1, oldtype,
                          newtype);
}

static int indexed_block_common(const char *call, int count, int blocklength, const void *disps, int in_bytes,
                                MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    MP_CHECK_INIT(call);
    TRY(check_common(call, count, oldtype, newtype));
    TRY(check_blocklen(call, blocklength));
    TRY(check_disps(call, count, disps));
    return built(call, mp_dtype_indexed_block(count, blocklength, disps, in_bytes, oldtype, newtype));
}

MP_WEAK_ALIAS(Type_create_indexed_block)
int PMPI_Type_create_indexed_block(int count, int blocklength, const int array_of_displacements[], MPI_Datatype oldtype,
                                   MPI_Datatype *newtype)
{
    return indexed_block_common("MPI_Type_create_indexed_block", count, blocklength, array_of_displacements, 0, oldtype,
                                newtype);
}

MP_WEAK_ALIAS(Type_create_hindexed_block)
int PMPI_Type_create_hindexed_block(int count, int blocklength, const MPI_Aint array_of_displacements[],
                                    MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    return indexed_block_common("MPI_Type_create_hindexed_block", count, blocklength, array_of_displacements, 1,
                                oldtype, newtype);
}

static int struct_common(const char *call, int count, const int *blocklens, const MPI_Aint *disps,
                         const MPI_Datatype *types, MPI_Datatype *newtype)
{
    MP_CHECK_INIT(call);
    if (count < 0) return mp_error(NULL, MPI_ERR_COUNT, call, "negative count %d (argument count)", count);
    if (!newtype) return mp_error(NULL, MPI_ERR_ARG, call, "NULL output pointer (argument newtype)");
    TRY(check_blocklens(call, count, blocklens));
    TRY(check_disps(call, count, disps));
    if (count > 0 && !types)
        return mp_error(NULL, MPI_ERR_ARG, call, "NULL array with count %d (argument array_of_types)", count);
    for (int i = 0; i < count; i++)
        if (!mp_dtype_get(types[i]))
            return mp_error(NULL, MPI_ERR_TYPE, call, "invalid datatype %d at index %d (argument array_of_types)",
                            types[i], i);
    return built(call, mp_dtype_struct(count, blocklens, disps, types, newtype));
}

MP_WEAK_ALIAS(Type_create_struct)
int PMPI_Type_create_struct(int count, const int array_of_blocklengths[], const MPI_Aint array_of_displacements[],
                            const MPI_Datatype array_of_types[], MPI_Datatype *newtype)
{
    return struct_common("MPI_Type_create_struct", count, array_of_blocklengths, array_of_displacements, array_of_types,
                         newtype);
}

MP_WEAK_ALIAS(Type_struct)
int PMPI_Type_struct(int count, int array_of_blocklengths[], MPI_Aint array_of_displacements[],
                     MPI_Datatype array_of_types[], MPI_Datatype *newtype)
{
    return struct_common("MPI_Type_struct", count, array_of_blocklengths, array_of_displacements, array_of_types,
                         newtype);
}

MP_WEAK_ALIAS(Type_create_resized)
int PMPI_Type_create_resized(MPI_Datatype oldtype, MPI_Aint lb, MPI_Aint extent, MPI_Datatype *newtype)
{
    MP_CHECK_INIT("MPI_Type_create_resized");
    TRY(check_common("MPI_Type_create_resized", 0, oldtype, newtype));
    return built("MPI_Type_create_resized", mp_dtype_resized(oldtype, lb, extent, newtype));
}

MP_WEAK_ALIAS(Type_create_subarray)
int PMPI_Type_create_subarray(int ndims, const int array_of_sizes[], const int array_of_subsizes[],
                              const int array_of_starts[], int order, MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    static const char call[] = "MPI_Type_create_subarray";
    MP_CHECK_INIT(call);
    if (ndims <= 0) return mp_error(NULL, MPI_ERR_ARG, call, "ndims %d must be positive (argument ndims)", ndims);
    TRY(check_common(call, 0, oldtype, newtype));
    if (!array_of_sizes || !array_of_subsizes || !array_of_starts)
        return mp_error(NULL, MPI_ERR_ARG, call, "NULL array (argument %s)",
                        !array_of_sizes      ? "array_of_sizes"
                        : !array_of_subsizes ? "array_of_subsizes"
                                             : "array_of_starts");
    if (order != MPI_ORDER_C && order != MPI_ORDER_FORTRAN)
        return mp_error(NULL, MPI_ERR_ARG, call,
                        "order %d is neither MPI_ORDER_C nor MPI_ORDER_FORTRAN (argument "
                        "order)",
                        order);
    for (int d = 0; d < ndims; d++) {
        int size = array_of_sizes[d], sub = array_of_subsizes[d], start = array_of_starts[d];
        if (size <= 0)
            return mp_error(NULL, MPI_ERR_ARG, call,
                            "size %d of dimension %d must be positive (argument "
                            "array_of_sizes)",
                            size, d);
        if (sub <= 0 || sub > size)
            return mp_error(NULL, MPI_ERR_ARG, call,
                            "subsize %d of dimension %d is not in 1..%d (argument "
                            "array_of_subsizes)",
                            sub, d, size);
        if (start < 0 || start > size - sub)
            return mp_error(NULL, MPI_ERR_ARG, call,
                            "start %d of dimension %d is not in 0..%d (argument "
                            "array_of_starts)",
                            start, d, size - sub);
    }
    return built(call,
                 mp_dtype_subarray(ndims, array_of_sizes, array_of_subsizes, array_of_starts, order, oldtype, newtype));
}

MP_WEAK_ALIAS(Type_create_darray)
int PMPI_Type_create_darray(int size, int rank, int ndims, const int array_of_gsizes[], const int array_of_distribs[],
                            const int array_of_dargs[], const int array_of_psizes[], int order, MPI_Datatype oldtype,
                            MPI_Datatype *newtype)
{
    static const char call[] = "MPI_Type_create_darray";
    MP_CHECK_INIT(call);
    TRY(check_common(call, 0, oldtype, newtype));
    if (size <= 0) return mp_error(NULL, MPI_ERR_ARG, call, "size %d must be positive (argument size)", size);
    if (rank < 0 || rank >= size)
        return mp_error(NULL, MPI_ERR_ARG, call, "rank %d is not in 0..%d (argument rank)", rank, size - 1);
    if (ndims <= 0) return mp_error(NULL, MPI_ERR_ARG, call, "ndims %d must be positive (argument ndims)", ndims);
    if (!array_of_gsizes || !array_of_distribs || !array_of_dargs || !array_of_psizes)
        return mp_error(NULL, MPI_ERR_ARG, call, "NULL array (argument %s)",
                        !array_of_gsizes     ? "array_of_gsizes"
                        : !array_of_distribs ? "array_of_distribs"
                        : !array_of_dargs    ? "array_of_dargs"
                                             : "array_of_psizes");
    if (order != MPI_ORDER_C && order != MPI_ORDER_FORTRAN)
        return mp_error(NULL, MPI_ERR_ARG, call,
                        "order %d is neither MPI_ORDER_C nor MPI_ORDER_FORTRAN (argument order)", order);
    long long procs = 1;
    for (int d = 0; d < ndims; d++) {
        int g = array_of_gsizes[d], dist = array_of_distribs[d], darg = array_of_dargs[d], p = array_of_psizes[d];
        if (g <= 0 || p <= 0)
            return mp_error(NULL, MPI_ERR_ARG, call,
                            "dimension %d: global size %d and process count %d must be "
                            "positive (arguments array_of_gsizes, array_of_psizes)",
                            d, g, p);
        if (dist != MPI_DISTRIBUTE_BLOCK && dist != MPI_DISTRIBUTE_CYCLIC && dist != MPI_DISTRIBUTE_NONE)
            return mp_error(NULL, MPI_ERR_ARG, call,
                            "dimension %d: unknown distribution %d (argument "
                            "array_of_distribs)",
                            d, dist);
        if (darg != MPI_DISTRIBUTE_DFLT_DARG && darg <= 0 && dist != MPI_DISTRIBUTE_NONE)
            return mp_error(NULL, MPI_ERR_ARG, call,
                            "dimension %d: block size %d must be positive (argument "
                            "array_of_dargs)",
                            d, darg);
        if (dist == MPI_DISTRIBUTE_BLOCK && darg != MPI_DISTRIBUTE_DFLT_DARG && (long long)darg * p < g)
            return mp_error(NULL, MPI_ERR_ARG, call,
                            "dimension %d: %d blocks of %d do not cover %d elements "
                            "(argument array_of_dargs)",
                            d, p, darg, g);
        procs *= p;
        if (procs > size) break;
    }
    if (procs != size)
        return mp_error(NULL, MPI_ERR_ARG, call,
                        "the process grid does not hold exactly %d processes (argument "
                        "array_of_psizes)",
                        size);
    return built(call, mp_dtype_darray(size, rank, ndims, array_of_gsizes, array_of_distribs, array_of_dargs,
                                       array_of_psizes, order, oldtype, newtype));
}

MP_WEAK_ALIAS(Type_dup)
int PMPI_Type_dup(MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    MP_CHECK_INIT("MPI_Type_dup");
    TRY(check_common("MPI_Type_dup", 0, oldtype, newtype));
    return built("MPI_Type_dup", mp_dtype_dup(oldtype, newtype));
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
    MP_GET_TYPE(dt, *datatype, "MPI_Type_free", "datatype");
    if (dt->predefined)
        return mp_error(NULL, MPI_ERR_TYPE, "MPI_Type_free",
                        "predefined datatype %s cannot be freed (argument datatype)", dt->name);
    int rc = mp_dtype_free(datatype);
    return rc == MPI_SUCCESS ? rc : mp_error(NULL, rc, "MPI_Type_free", "an attribute delete callback failed");
}
