/* MPI bindings: MPI_Pack, MPI_Unpack, MPI_Pack_size. The packed form is the stream messages
 * carry: each element's data in typemap order, no padding, no header. */
#include <limits.h>

#include "api/datatype_args.h"

/* Checks what Pack and Unpack share; stores the packed bytes of `count` elements in *bytes. */
static int pack_args(const char *call, struct mp_comm *c, const void *userbuf, int count, const struct mp_dtype *dt,
                     const void *packbuf, int packsize, const int *position, size_t *bytes)
{
    if (count < 0) return mp_error(c, MPI_ERR_COUNT, call, "negative count %d", count);
    if (!position) return mp_error(c, MPI_ERR_ARG, call, "NULL pointer (argument position)");
    if (packsize < 0) return mp_error(c, MPI_ERR_ARG, call, "negative packed buffer size %d", packsize);
    if (*position < 0 || *position > packsize)
        return mp_error(c, MPI_ERR_ARG, call, "position %d is outside the packed buffer of %d bytes", *position,
                        packsize);
    *bytes = mp_dtype_packed_size(dt, (size_t)count);
    /* MPI_BOTTOM (NULL) is a valid buffer for types whose displacements are absolute addresses. */
    if (*bytes && !userbuf && dt->true_lb == 0)
        return mp_error(c, MPI_ERR_BUFFER, call, "NULL buffer with count %d", count);
    if (*bytes && !packbuf) return mp_error(c, MPI_ERR_BUFFER, call, "NULL packed buffer");
    if (*bytes > (size_t)(packsize - *position))
        return mp_error(c, MPI_ERR_TRUNCATE, call, "%zu bytes do not fit the %d bytes left in the packed buffer",
                        *bytes, packsize - *position);
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Pack)
int PMPI_Pack(const void *inbuf, int incount, MPI_Datatype datatype, void *outbuf, int outsize, int *position,
              MPI_Comm comm)
{
    MP_CHECK_INIT("MPI_Pack");
    MP_GET_COMM(c, comm, "MPI_Pack");
    MP_GET_COMMITTED_TYPE(dt, datatype, "MPI_Pack", "datatype");
    size_t bytes;
    int rc = pack_args("MPI_Pack", c, inbuf, incount, dt, outbuf, outsize, position, &bytes);
    if (rc) return rc;
    mp_dtype_pack(dt, inbuf, 0, (char *)outbuf + *position, bytes);
    *position += (int)bytes;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Unpack)
int PMPI_Unpack(const void *inbuf, int insize, int *position, void *outbuf, int outcount, MPI_Datatype datatype,
                MPI_Comm comm)
{
    MP_CHECK_INIT("MPI_Unpack");
    MP_GET_COMM(c, comm, "MPI_Unpack");
    MP_GET_COMMITTED_TYPE(dt, datatype, "MPI_Unpack", "datatype");
    size_t bytes;
    int rc = pack_args("MPI_Unpack", c, outbuf, outcount, dt, inbuf, insize, position, &bytes);
    if (rc) return rc;
    mp_dtype_unpack(dt, outbuf, 0, (const char *)inbuf + *position, bytes);
    *position += (int)bytes;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Pack_size)
int PMPI_Pack_size(int incount, MPI_Datatype datatype, MPI_Comm comm, int *size)
{
    MP_CHECK_INIT("MPI_Pack_size");
    MP_GET_COMM(c, comm, "MPI_Pack_size");
    MP_GET_COMMITTED_TYPE(dt, datatype, "MPI_Pack_size", "datatype");
    if (incount < 0)
        return mp_error(c, MPI_ERR_COUNT, "MPI_Pack_size", "negative count %d (argument incount)", incount);
    MP_CHECK_OUT(size, "MPI_Pack_size", "size");
    size_t bytes = mp_dtype_packed_size(dt, (size_t)incount);
    if (bytes > INT_MAX)
        return mp_error(c, MPI_ERR_COUNT, "MPI_Pack_size", "%zu packed bytes do not fit an int (argument incount)",
                        bytes);
    *size = (int)bytes;
    return MPI_SUCCESS;
}
