/* MPI bindings: completing requests (the Wait and Test families), freeing them. */
#include "api/api.h"
#include "api/complete.h"
#include "p2p/idle.h"
#include "p2p/p2p.h"

void mp_api_empty_status(MPI_Status *status)
{
    if (status == MPI_STATUS_IGNORE) return;
    status->MPI_SOURCE = MPI_ANY_SOURCE;
    status->MPI_TAG = MPI_ANY_TAG;
    status->MPI_ERROR = MPI_SUCCESS;
    status->mp_cancelled = 0;
    status->mp_count = 0;
}

int mp_api_finish(struct mp_request *r, MPI_Status *status, const char *call)
{
    if (MP_LIKELY(r->st_error == MPI_SUCCESS)) return mp_req_finish(r, status);
    struct mp_comm *c = r->comm;
    int src = r->st_source, tag = r->st_tag;
    size_t len = r->msg_len, cap = r->bytes;
    int err = mp_req_finish(r, status);
    if (err == MPI_ERR_TRUNCATE)
        return mp_error(c, err, call,
                        "message from rank %d (tag %d) has %zu bytes, more than the %zu-byte receive buffer "
                        "(argument count)",
                        src, tag, len, cap);
    return mp_error(c, err, call, "request failed");
}

/* Null requests and inactive persistent ones take no part in completion. */
static inline int is_active(MPI_Request r)
{
    return r != MPI_REQUEST_NULL && r->state != MP_RS_IDLE;
}

/* Finishes request *slot: reports its status and, unless persistent, sets the handle to null. */
static int finish_slot(MPI_Request *slot, MPI_Status *status, const char *call)
{
    struct mp_request *r = *slot;
    if (!r->persistent) *slot = MPI_REQUEST_NULL;
    return mp_api_finish(r, status, call);
}

MP_WEAK_ALIAS(Wait)
int PMPI_Wait(MPI_Request *request, MPI_Status *status)
{
    MP_CHECK_INIT("MPI_Wait");
    if (!request) return mp_error(NULL, MPI_ERR_ARG, "MPI_Wait", "NULL request pointer (argument request)");
    if (!is_active(*request)) {
        mp_api_empty_status(status);
        return MPI_SUCCESS;
    }
    if ((*request)->state != MP_RS_DONE) mp_wait_done(*request);
    return finish_slot(request, status, "MPI_Wait");
}

MP_WEAK_ALIAS(Test)
int PMPI_Test(MPI_Request *request, int *flag, MPI_Status *status)
{
    MP_CHECK_INIT("MPI_Test");
    if (!request || !flag)
        return mp_error(NULL, MPI_ERR_ARG, "MPI_Test", "NULL %s pointer (argument %s)", request ? "flag" : "request",
                        request ? "flag" : "request");
    if (!is_active(*request)) {
        *flag = 1;
        mp_api_empty_status(status);
        return MPI_SUCCESS;
    }
    if ((*request)->state != MP_RS_DONE) mp_progress();
    *flag = (*request)->state == MP_RS_DONE;
    return *flag ? finish_slot(request, status, "MPI_Test") : MPI_SUCCESS;
}

static int check_array(const char *call, int count, const MPI_Request *reqs)
{
    if (count < 0) return mp_error(NULL, MPI_ERR_COUNT, call, "negative count %d (argument count)", count);
    if (count > 0 && !reqs) return mp_error(NULL, MPI_ERR_ARG, call, "NULL request array (argument array_of_requests)");
    return MPI_SUCCESS;
}

/* Finishes completed request *slot for a call that reports per-request errors in the statuses
 * (MPI_ERROR set); remembers the communicator of a failed one in *failed. */
static void finish_in_status(MPI_Request *slot, MPI_Status *st, struct mp_comm **failed)
{
    struct mp_request *r = *slot;
    if (r->st_error != MPI_SUCCESS) *failed = r->comm;
    if (!r->persistent) *slot = MPI_REQUEST_NULL;
    int err = mp_req_finish(r, st);
    if (st != MPI_STATUS_IGNORE) st->MPI_ERROR = err;
}

static int in_status_result(struct mp_comm *failed, const char *call)
{
    if (!failed) return MPI_SUCCESS;
    return mp_error(failed, MPI_ERR_IN_STATUS, call, "a request failed; see the MPI_ERROR field of each status");
}

/* Finishes every completed active request of the array, recording statuses; returns
 * MPI_ERR_IN_STATUS when any of them failed (each status then carries its own class). */
static int finish_all(int count, MPI_Request reqs[], MPI_Status statuses[], const char *call)
{
    struct mp_comm *failed = NULL;
    for (int i = 0; i < count; i++) {
        MPI_Status *st = statuses == MPI_STATUSES_IGNORE ? MPI_STATUS_IGNORE : &statuses[i];
        if (!is_active(reqs[i])) {
            mp_api_empty_status(st);
            continue;
        }
        finish_in_status(&reqs[i], st, &failed);
    }
    return in_status_result(failed, call);
}

MP_WEAK_ALIAS(Waitall)
int PMPI_Waitall(int count, MPI_Request array_of_requests[], MPI_Status array_of_statuses[])
{
    MP_CHECK_INIT("MPI_Waitall");
    int rc = check_array("MPI_Waitall", count, array_of_requests);
    if (rc) return rc;
    for (int i = 0; i < count; i++)
        if (is_active(array_of_requests[i]) && array_of_requests[i]->state != MP_RS_DONE)
            mp_wait_done(array_of_requests[i]);
    return finish_all(count, array_of_requests, array_of_statuses, "MPI_Waitall");
}

MP_WEAK_ALIAS(Testall)
int PMPI_Testall(int count, MPI_Request array_of_requests[], int *flag, MPI_Status array_of_statuses[])
{
    MP_CHECK_INIT("MPI_Testall");
    int rc = check_array("MPI_Testall", count, array_of_requests);
    if (rc) return rc;
    if (!flag) return mp_error(NULL, MPI_ERR_ARG, "MPI_Testall", "NULL flag pointer (argument flag)");
    mp_progress();
    for (int i = 0; i < count; i++)
        if (is_active(array_of_requests[i]) && array_of_requests[i]->state != MP_RS_DONE) {
            *flag = 0;
            return MPI_SUCCESS;
        }
    *flag = 1;
    return finish_all(count, array_of_requests, array_of_statuses, "MPI_Testall");
}

/* Index of the first completed active request, MPI_UNDEFINED when none is active at all, or -1
 * when some are active but none is complete. */
static int first_done(int count, MPI_Request reqs[])
{
    int active = 0;
    for (int i = 0; i < count; i++) {
        if (!is_active(reqs[i])) continue;
        if (reqs[i]->state == MP_RS_DONE) return i;
        active = 1;
    }
    return active ? -1 : MPI_UNDEFINED;
}

/* first_done after one progress pass; when `block`, keeps progressing (spinning, then yielding,
 * then sleeping) until some active request completes. */
static int await_first_done(int count, MPI_Request reqs[], int block)
{
    struct mp_idle idle;
    mp_idle_reset(&idle);
    int i = first_done(count, reqs);
    while (i == -1) {
        int events = mp_progress();
        i = first_done(count, reqs);
        if (i != -1 || !block) break;
        if (events)
            mp_idle_reset(&idle);
        else
            mp_idle_wait(&idle);
    }
    return i;
}

static int any_common(int count, MPI_Request reqs[], int *index, int *flag, MPI_Status *status, int block,
                      const char *call)
{
    MP_CHECK_INIT(call);
    int rc = check_array(call, count, reqs);
    if (rc) return rc;
    if (!index) return mp_error(NULL, MPI_ERR_ARG, call, "NULL index pointer (argument index)");
    int i = await_first_done(count, reqs, block);
    if (flag) *flag = i != -1;
    *index = i;
    if (i == -1) {
        *index = MPI_UNDEFINED;
        return MPI_SUCCESS;
    }
    if (i == MPI_UNDEFINED) {
        mp_api_empty_status(status);
        return MPI_SUCCESS;
    }
    return finish_slot(&reqs[i], status, call);
}

MP_WEAK_ALIAS(Waitany)
int PMPI_Waitany(int count, MPI_Request array_of_requests[], int *index, MPI_Status *status)
{
    return any_common(count, array_of_requests, index, NULL, status, 1, "MPI_Waitany");
}

MP_WEAK_ALIAS(Testany)
int PMPI_Testany(int count, MPI_Request array_of_requests[], int *index, int *flag, MPI_Status *status)
{
    if (!flag) return mp_error(NULL, MPI_ERR_ARG, "MPI_Testany", "NULL flag pointer (argument flag)");
    return any_common(count, array_of_requests, index, flag, status, 0, "MPI_Testany");
}

static int some_common(int incount, MPI_Request reqs[], int *outcount, int indices[], MPI_Status statuses[], int block,
                       const char *call)
{
    MP_CHECK_INIT(call);
    int rc = check_array(call, incount, reqs);
    if (rc) return rc;
    if (!outcount || (incount > 0 && !indices))
        return mp_error(NULL, MPI_ERR_ARG, call, "NULL %s (argument %s)", outcount ? "index array" : "outcount pointer",
                        outcount ? "array_of_indices" : "outcount");
    int i = await_first_done(incount, reqs, block);
    if (i == MPI_UNDEFINED) {
        *outcount = MPI_UNDEFINED;
        return MPI_SUCCESS;
    }
    int n = 0;
    struct mp_comm *failed = NULL;
    for (int k = 0; k < incount; k++) {
        if (!is_active(reqs[k]) || reqs[k]->state != MP_RS_DONE) continue;
        finish_in_status(&reqs[k], statuses == MPI_STATUSES_IGNORE ? MPI_STATUS_IGNORE : &statuses[n], &failed);
        indices[n++] = k;
    }
    *outcount = n;
    return in_status_result(failed, call);
}

MP_WEAK_ALIAS(Waitsome)
int PMPI_Waitsome(int incount, MPI_Request array_of_requests[], int *outcount, int array_of_indices[],
                  MPI_Status array_of_statuses[])
{
    return some_common(incount, array_of_requests, outcount, array_of_indices, array_of_statuses, 1, "MPI_Waitsome");
}

MP_WEAK_ALIAS(Testsome)
int PMPI_Testsome(int incount, MPI_Request array_of_requests[], int *outcount, int array_of_indices[],
                  MPI_Status array_of_statuses[])
{
    return some_common(incount, array_of_requests, outcount, array_of_indices, array_of_statuses, 0, "MPI_Testsome");
}

MP_WEAK_ALIAS(Request_free)
int PMPI_Request_free(MPI_Request *request)
{
    MP_CHECK_INIT("MPI_Request_free");
    if (!request || *request == MPI_REQUEST_NULL)
        return mp_error(NULL, MPI_ERR_REQUEST, "MPI_Request_free", "null request (argument request)");
    struct mp_request *r = *request;
    *request = MPI_REQUEST_NULL;
    if (r->state == MP_RS_ACTIVE)
        r->user_freed = 1; /* released when it completes */
    else
        mp_req_release(r);
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Request_get_status)
int PMPI_Request_get_status(MPI_Request request, int *flag, MPI_Status *status)
{
    MP_CHECK_INIT("MPI_Request_get_status");
    if (!flag) return mp_error(NULL, MPI_ERR_ARG, "MPI_Request_get_status", "NULL flag pointer (argument flag)");
    if (!is_active(request)) {
        *flag = 1;
        mp_api_empty_status(status);
        return MPI_SUCCESS;
    }
    if (request->state != MP_RS_DONE) mp_progress();
    *flag = request->state == MP_RS_DONE;
    if (!*flag) return MPI_SUCCESS;
    /* reported, not freed: the request stays for a Wait, Test or Request_free */
    mp_req_status(request, status);
    if (request->st_error != MPI_SUCCESS)
        return mp_error(request->comm, request->st_error, "MPI_Request_get_status", "request failed");
    return MPI_SUCCESS;
}
