/* MPI bindings: buffered sends and the attached buffer. */
#include "api/api.h"
#include "api/complete.h"
#include "api/p2p_args.h"
#include "p2p/bsend.h"
#include "p2p/p2p.h"

MP_WEAK_ALIAS(Buffer_attach)
int PMPI_Buffer_attach(void *buffer, int size)
{
    MP_CHECK_INIT("MPI_Buffer_attach");
    if (size < 0)
        return mp_error(NULL, MPI_ERR_ARG, "MPI_Buffer_attach", "negative buffer size %d (argument size)", size);
    if (!buffer && size > 0)
        return mp_error(NULL, MPI_ERR_BUFFER, "MPI_Buffer_attach", "NULL buffer of %d bytes (argument buffer)", size);
    return mp_bsend_attach(buffer, (size_t)size, "MPI_Buffer_attach");
}

MP_WEAK_ALIAS(Buffer_detach)
int PMPI_Buffer_detach(void *buffer_addr, int *size)
{
    MP_CHECK_INIT("MPI_Buffer_detach");
    if (!buffer_addr || !size)
        return mp_error(NULL, MPI_ERR_ARG, "MPI_Buffer_detach", "NULL output pointer (argument %s)",
                        buffer_addr ? "size" : "buffer_addr");
    void *buf;
    size_t n;
    int rc = mp_bsend_detach(&buf, &n, "MPI_Buffer_detach");
    if (rc) return rc;
    *(void **)buffer_addr = buf;
    *size = (int)n;
    return MPI_SUCCESS;
}

/* A buffered send as a started one-shot request: complete on return unless the buffer was too
 * small (then released, the error reported). */
static int start_bsend(const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm,
                       struct mp_request **out, const char *call)
{
    MP_CHECK_INIT(call);
    MP_GET_COMM(c, comm, call);
    struct mp_p2p_msg m;
    int rc = mp_check_p2p_args(call, c, buf, count, type, dest, tag, MP_ARG_SEND, &m);
    if (rc) return rc;
    /* the request of a Bsend_init, used once */
    struct mp_request *r =
        mp_prequest_create(m.layout ? (void *)buf : m.at, m.bytes, dest, tag, c, MP_SEND_BUFFERED, 1);
    if (!r) return mp_error(c, MPI_ERR_NO_MEM, call, "no memory for a request");
    if (m.layout) mp_req_set_layout(r, m.layout, (size_t)count);
    r->persistent = 0;
    r->count = count;
    r->dtype = type;
    rc = mp_bsend_start(r, call);
    if (rc) {
        mp_req_release(r);
        return rc;
    }
    *out = r;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Bsend)
int PMPI_Bsend(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm)
{
    struct mp_request *r;
    int rc = start_bsend(buf, count, datatype, dest, tag, comm, &r, "MPI_Bsend");
    return rc ? rc : mp_api_finish(r, MPI_STATUS_IGNORE, "MPI_Bsend");
}

MP_WEAK_ALIAS(Ibsend)
int PMPI_Ibsend(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm,
                MPI_Request *request)
{
    MP_CHECK_INIT("MPI_Ibsend");
    MP_GET_COMM(c, comm, "MPI_Ibsend");
    MP_CHECK_REQ_ARG(c, request, "MPI_Ibsend");
    return start_bsend(buf, count, datatype, dest, tag, comm, request, "MPI_Ibsend");
}
