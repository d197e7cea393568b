/* MPI bindings: MPI_Pack, MPI_Unpack, MPI_Pack_size. The packed form is the stream messages
 * carry: each element's data in typemap order, no padding, no header. */
#include <limits.h>

#include "api/count_args.h"
#include "api/datatype_args.h"

/* Pack (unpack = 0) or Unpack `count` elements of `datatype` at `userbuf` to or from the packed
 * buffer of `packsize` bytes at *position, moving *position past them. */
static int pack_common(const char *call, void *userbuf, int count, MPI_Datatype datatype, void *packbuf, int packsize,
                       int *position, MPI_Comm comm, int unpack)
{
    MP_CHECK_INIT(call);
    MP_GET_COMM(c, comm, call);
    MP_GET_COMMITTED_TYPE(dt, datatype, call, "datatype");
    if (count < 0) return mp_error(c, MPI_ERR_COUNT, call, "negative count %d", count);
    if (!position) return mp_error(c, MPI_ERR_ARG, call, "NULL pointer (argument position)");
    if (packsize < 0) return mp_error(c, MPI_ERR_ARG, call, "negative packed buffer size %d", packsize);
    if (*position < 0 || *position > packsize)
        return mp_error(c, MPI_ERR_ARG, call, "position %d is outside the packed buffer of %d bytes", *position,
                        packsize);
    size_t bytes;
    int rc = mp_check_count_bytes(c, call, unpack ? "outcount" : "incount", dt, (size_t)count, &bytes);
    if (rc != MPI_SUCCESS) return rc;
    /* MPI_BOTTOM (NULL) is a valid buffer for types whose displacements are absolute addresses. */
    if (bytes && !userbuf && dt->true_lb == 0)
        return mp_error(c, MPI_ERR_BUFFER, call, "NULL buffer with count %d", count);
    if (bytes && !packbuf) return mp_error(c, MPI_ERR_BUFFER, call, "NULL packed buffer");
    if (bytes > (size_t)(packsize - *position))
        return mp_error(c, MPI_ERR_TRUNCATE, call, "%zu bytes do not fit the %d bytes left in the packed buffer", bytes,
                        packsize - *position);
    char *at = (char *)packbuf + *position;
    if (unpack)
        mp_dtype_unpack(dt, userbuf, 0, at, bytes);
    else
        mp_dtype_pack(dt, userbuf, 0, at, bytes);
    *position += (int)bytes;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Pack)
int PMPI_Pack(const void *inbuf, int incount, MPI_Datatype datatype, void *outbuf, int outsize, int *position,
              MPI_Comm comm)
{
    return pack_common("MPI_Pack", (void *)inbuf, incount, datatype, outbuf, outsize, position, comm, 0);
}

MP_WEAK_ALIAS(Unpack)
int PMPI_Unpack(const void *inbuf, int insize, int *position, void *outbuf, int outcount, MPI_Datatype datatype,
                MPI_Comm comm)
{
    return pack_common("MPI_Unpack", outbuf, outcount, datatype, (void *)inbuf, insize, position, comm, 1);
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
    size_t bytes;
    int rc = mp_check_count_bytes(c, "MPI_Pack_size", "incount", dt, (size_t)incount, &bytes);
    if (rc != MPI_SUCCESS) return rc;
    if (bytes > INT_MAX)
        return mp_error(c, MPI_ERR_COUNT, "MPI_Pack_size",
                        "%zu packed bytes do not fit an int (argument incount); " MP_LARGE_COUNT_HINT, bytes);
    *size = (int)bytes;
    return MPI_SUCCESS;
}
