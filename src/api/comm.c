/* MPI bindings: communicator queries, duplication, names, info and freeing. */
#include <string.h>

#include "api/comm_args.h"
#include "core/attr.h"
#include "core/info.h"
#include "core/request.h"

MP_WEAK_ALIAS(Comm_rank)
int PMPI_Comm_rank(MPI_Comm comm, int *rank)
{
    MP_CHECK_INIT("MPI_Comm_rank");
    MP_GET_COMM(c, comm, "MPI_Comm_rank");
    if (!rank) return mp_error(c, MPI_ERR_ARG, "MPI_Comm_rank", "NULL output pointer (argument rank)");
    *rank = c->rank;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Comm_size)
int PMPI_Comm_size(MPI_Comm comm, int *size)
{
    MP_CHECK_INIT("MPI_Comm_size");
    MP_GET_COMM(c, comm, "MPI_Comm_size");
    if (!size) return mp_error(c, MPI_ERR_ARG, "MPI_Comm_size", "NULL output pointer (argument size)");
    *size = mp_comm_local_size(c);
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Comm_remote_size)
int PMPI_Comm_remote_size(MPI_Comm comm, int *size)
{
    MP_CHECK_INIT("MPI_Comm_remote_size");
    MP_GET_COMM(c, comm, "MPI_Comm_remote_size");
    MP_CHECK_PTR(c, size, "MPI_Comm_remote_size");
    if (!mp_comm_is_inter(c))
        return mp_error(c, MPI_ERR_COMM, "MPI_Comm_remote_size", "%s is not an intercommunicator (argument comm)",
                        c->name[0] ? c->name : "the communicator");
    *size = c->size;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Comm_test_inter)
int PMPI_Comm_test_inter(MPI_Comm comm, int *flag)
{
    MP_CHECK_INIT("MPI_Comm_test_inter");
    MP_GET_COMM(c, comm, "MPI_Comm_test_inter");
    MP_CHECK_PTR(c, flag, "MPI_Comm_test_inter");
    *flag = mp_comm_is_inter(c);
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Comm_dup)
int PMPI_Comm_dup(MPI_Comm comm, MPI_Comm *newcomm)
{
    MP_CHECK_INIT("MPI_Comm_dup");
    MP_GET_COMM(c, comm, "MPI_Comm_dup");
    if (!newcomm) return mp_error(c, MPI_ERR_ARG, "MPI_Comm_dup", "NULL output pointer (argument newcomm)");
    int rc = mp_comm_dup(c, newcomm);
    if (rc != MPI_SUCCESS) return mp_error(c, rc, "MPI_Comm_dup", "could not create the communicator");
    return MPI_SUCCESS;
}

/* On an intracommunicator the context agreement is a nonblocking allreduce advanced by progress:
 * the call returns at once and *newcomm is set when the request completes. An
 * intercommunicator's duplicate is agreed within the call (a blocking agreement over both
 * groups); its request is complete on return. */
MP_WEAK_ALIAS(Comm_idup)
int PMPI_Comm_idup(MPI_Comm comm, MPI_Comm *newcomm, MPI_Request *request)
{
    MP_CHECK_INIT("MPI_Comm_idup");
    MP_GET_COMM(c, comm, "MPI_Comm_idup");
    MP_CHECK_PTR(c, newcomm, "MPI_Comm_idup");
    MP_CHECK_PTR(c, request, "MPI_Comm_idup");
    if (!mp_comm_is_inter(c)) {
        int rc = mp_comm_idup(c, newcomm, request);
        if (rc != MPI_SUCCESS) return mp_error(c, rc, "MPI_Comm_idup", "could not start the duplication");
        return MPI_SUCCESS;
    }
    struct mp_request *r = mp_req_alloc();
    if (!r) return mp_error(c, MPI_ERR_NO_MEM, "MPI_Comm_idup", "no memory for the request");
    int rc = mp_comm_dup(c, newcomm);
    if (rc != MPI_SUCCESS) {
        mp_req_release(r);
        return mp_error(c, rc, "MPI_Comm_idup", "could not create the communicator");
    }
    /* An already complete request with an empty status, like a receive from MPI_PROC_NULL. */
    r->kind = MP_REQ_RECV;
    r->peer = MPI_PROC_NULL;
    r->comm = c;
    r->state = MP_RS_DONE;
    r->st_source = MPI_ANY_SOURCE;
    r->st_tag = MPI_ANY_TAG;
    r->st_error = MPI_SUCCESS;
    r->st_bytes = 0;
    *request = r;
    return MPI_SUCCESS;
}

static int check_info(struct mp_comm *c, MPI_Info info, const char *call)
{
    if (info != MPI_INFO_NULL && !mp_info_get(info))
        return mp_error(c, MPI_ERR_INFO, call, "invalid info object %d (argument info)", info);
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Comm_dup_with_info)
int PMPI_Comm_dup_with_info(MPI_Comm comm, MPI_Info info, MPI_Comm *newcomm)
{
    const char *call = "MPI_Comm_dup_with_info";
    MP_CHECK_INIT(call);
    MP_GET_COMM(c, comm, call);
    int rc = check_info(c, info, call);
    if (rc != MPI_SUCCESS) return rc;
    MP_CHECK_PTR(c, newcomm, call);
    rc = mp_comm_dup(c, newcomm);
    if (rc != MPI_SUCCESS) return mp_error(c, rc, call, "could not create the communicator");
    struct mp_comm *n = mp_comm_get(*newcomm);
    mp_info_free(&n->info);
    MP_CHECK_RC(c, mp_info_dup(info, &n->info), call);
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Comm_set_info)
int PMPI_Comm_set_info(MPI_Comm comm, MPI_Info info)
{
    MP_CHECK_INIT("MPI_Comm_set_info");
    MP_GET_COMM(c, comm, "MPI_Comm_set_info");
    int rc = check_info(c, info, "MPI_Comm_set_info");
    if (rc != MPI_SUCCESS) return rc;
    MPI_Info copy;
    MP_CHECK_RC(c, mp_info_dup(info, &copy), "MPI_Comm_set_info");
    mp_info_free(&c->info);
    c->info = copy;
    return MPI_SUCCESS;
}

/* No hint changes what the library does yet, so the hints in use are the ones the user set. */
MP_WEAK_ALIAS(Comm_get_info)
int PMPI_Comm_get_info(MPI_Comm comm, MPI_Info *info_used)
{
    MP_CHECK_INIT("MPI_Comm_get_info");
    MP_GET_COMM(c, comm, "MPI_Comm_get_info");
    MP_CHECK_PTR(c, info_used, "MPI_Comm_get_info");
    int rc = c->info == MPI_INFO_NULL ? mp_info_create(info_used) : mp_info_dup(c->info, info_used);
    MP_CHECK_RC(c, rc, "MPI_Comm_get_info");
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Comm_set_name)
int PMPI_Comm_set_name(MPI_Comm comm, const char *comm_name)
{
    MP_CHECK_INIT("MPI_Comm_set_name");
    MP_GET_COMM(c, comm, "MPI_Comm_set_name");
    MP_CHECK_PTR(c, comm_name, "MPI_Comm_set_name");
    /* Longer names are cut to MPI_MAX_OBJECT_NAME - 1 characters, as the standard allows. */
    strncpy(c->name, comm_name, MPI_MAX_OBJECT_NAME - 1);
    c->name[MPI_MAX_OBJECT_NAME - 1] = '\0';
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Comm_get_name)
int PMPI_Comm_get_name(MPI_Comm comm, char *comm_name, int *resultlen)
{
    MP_CHECK_INIT("MPI_Comm_get_name");
    MP_GET_COMM(c, comm, "MPI_Comm_get_name");
    MP_CHECK_PTR(c, comm_name, "MPI_Comm_get_name");
    MP_CHECK_PTR(c, resultlen, "MPI_Comm_get_name");
    size_t len = strlen(c->name);
    memcpy(comm_name, c->name, len + 1);
    *resultlen = (int)len;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Comm_compare)
int PMPI_Comm_compare(MPI_Comm comm1, MPI_Comm comm2, int *result)
{
    MP_CHECK_INIT("MPI_Comm_compare");
    MP_GET_COMM(a, comm1, "MPI_Comm_compare");
    MP_GET_COMM(b, comm2, "MPI_Comm_compare");
    MP_CHECK_PTR(a, result, "MPI_Comm_compare");
    MP_CHECK_RC(a, mp_comm_compare(a, b, result), "MPI_Comm_compare");
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Comm_free)
int PMPI_Comm_free(MPI_Comm *comm)
{
    MP_CHECK_INIT("MPI_Comm_free");
    if (!comm) return mp_error(NULL, MPI_ERR_ARG, "MPI_Comm_free", "NULL pointer (argument comm)");
    MP_GET_COMM(c, *comm, "MPI_Comm_free");
    if (*comm == MPI_COMM_WORLD || *comm == MPI_COMM_SELF)
        return mp_error(c, MPI_ERR_COMM, "MPI_Comm_free", "%s cannot be freed (argument comm)", c->name);
    int rc = mp_comm_free(comm);
    if (rc != MPI_SUCCESS) return mp_error(c, rc, "MPI_Comm_free", "an attribute's delete callback failed");
    return MPI_SUCCESS;
}
