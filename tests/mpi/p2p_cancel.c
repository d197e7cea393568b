/* p2p_cancel: MPI_Cancel of posted receives (specific and ANY_SOURCE, plain and persistent: the
 * cancelled receive takes no message, a later one gets it), of receives already matched (they
 * complete normally), and of sends: synchronous, rendezvous-size, persistent and eager-size
 * ones whose receiver has not posted — either the send is cancelled and the receiver never sees
 * the message, or it completes and the receiver gets it intact (libmsgpass must cancel the
 * synchronous and rendezvous ones). Request_get_status before and after completion without
 * freeing; Test_cancelled, Status_set_cancelled, Status_set_elements(_x); bad arguments give
 * their error classes and the job goes on. Ring: r sends to r+1. */
#include "check.h"

#ifdef MSGPASS_VERSION_STRING
#define MUST_CANCEL_SENDS 1
#else
#define MUST_CANCEL_SENDS 0 /* the standard lets a send complete instead */
#endif

static int cancelled(const MPI_Status *st)
{
    int flag = -1;
    MPI_OK(MPI_Test_cancelled(st, &flag));
    CHECK(flag == 0 || flag == 1, "Test_cancelled flag %d", flag);
    return flag;
}

static void cancel_posted_receive(int source, int persistent)
{
    int me = chk_rank, np = chk_size, to = (me + 1) % np, from = (me - 1 + np) % np;
    int a[4] = {-1, -1, -1, -1}, b[4] = {-1, -1, -1, -1}, out[4] = {me, 1, 2, 3};
    MPI_Request rq;
    MPI_Status st;
    const char *what = source == MPI_ANY_SOURCE ? "ANY_SOURCE" : "specific";
    chk_case("cancel a posted %s%s receive", persistent ? "persistent " : "", what);
    if (persistent) {
        MPI_OK(MPI_Recv_init(a, 4, MPI_INT, source, 20, MPI_COMM_WORLD, &rq));
        MPI_OK(MPI_Start(&rq));
    } else {
        MPI_OK(MPI_Irecv(a, 4, MPI_INT, source, 20, MPI_COMM_WORLD, &rq));
    }
    MPI_OK(MPI_Cancel(&rq));
    MPI_OK(MPI_Wait(&rq, &st));
    CHECK(cancelled(&st) == 1, "posted %s receive was not cancelled", what);
    CHECK(persistent ? rq != MPI_REQUEST_NULL : rq == MPI_REQUEST_NULL, "request handle after Wait");

    /* a message with that tag now goes to the next receive, not the cancelled one */
    chk_case("after cancelling a posted %s%s receive", persistent ? "persistent " : "", what);
    MPI_OK(MPI_Barrier(MPI_COMM_WORLD));
    MPI_Request sq;
    MPI_OK(MPI_Isend(out, 4, MPI_INT, to, 20, MPI_COMM_WORLD, &sq));
    if (persistent) {
        MPI_OK(MPI_Start(&rq));
        MPI_OK(MPI_Wait(&rq, &st));
        CHECK(cancelled(&st) == 0, "restarted persistent receive reports cancelled");
        CHECK_INT(a[0], from, "persistent receive after a cancelled round");
        MPI_OK(MPI_Request_free(&rq));
    } else {
        MPI_OK(MPI_Recv(b, 4, MPI_INT, source, 20, MPI_COMM_WORLD, &st));
        CHECK(cancelled(&st) == 0, "a normal receive reports cancelled");
        CHECK_INT(b[0], from, "receive after a cancelled one");
        CHECK_INT(a[0], -1, "buffer of the cancelled receive");
    }
    CHECK_STATUS(&st, from, 20, MPI_INT, 4, "receive after a cancelled one");
    MPI_OK(MPI_Wait(&sq, MPI_STATUS_IGNORE));
}

static void cancel_matched_receive(void)
{
    int me = chk_rank, np = chk_size, to = (me + 1) % np, from = (me - 1 + np) % np;
    int v = -1, out = 1000 + me;
    MPI_Request rq;
    MPI_Status st;
    chk_case("cancel a receive that has matched");
    MPI_OK(MPI_Irecv(&v, 1, MPI_INT, from, 21, MPI_COMM_WORLD, &rq));
    MPI_OK(MPI_Send(&out, 1, MPI_INT, to, 21, MPI_COMM_WORLD));
    int flag = 0;
    while (!flag) MPI_OK(MPI_Request_get_status(rq, &flag, &st));
    MPI_OK(MPI_Cancel(&rq));
    MPI_OK(MPI_Wait(&rq, &st));
    CHECK(cancelled(&st) == 0, "a completed receive was cancelled");
    CHECK_STATUS(&st, from, 21, MPI_INT, 1, "completed receive, then cancelled");
    CHECK_INT(v, 1000 + from, "completed receive, then cancelled");
}

/* kind 0: Issend of 100 bytes; 1: Isend of 300000 bytes; 2: Ssend_init of 100 bytes;
 * 3: Isend of 100 bytes (eager: may well be complete before the cancel) */
static void cancel_send(int kind)
{
    static const char *names[] = {"Issend 100 B", "Isend 300000 B", "Ssend_init 100 B", "Isend 100 B"};
    int me = chk_rank, np = chk_size, to = (me + 1) % np, from = (me - 1 + np) % np;
    int n = kind == 1 ? 300000 : 100;
    unsigned char *sb = chk_malloc((size_t)n), *rb = chk_malloc((size_t)n);
    chk_fill(sb, (size_t)n, chk_seed(81, (uint32_t)me, (uint32_t)kind, 0));
    memset(rb, 0xEE, (size_t)n);
    MPI_Request sq, rq;
    MPI_Status st;
    /* a tag per kind: a receive left posted here must not take the next kind's message */
    int tag = 60 + kind;
    chk_case("cancel a send: %s", names[kind]);
    if (kind == 0) MPI_OK(MPI_Issend(sb, n, MPI_BYTE, to, tag, MPI_COMM_WORLD, &sq));
    if (kind == 1 || kind == 3) MPI_OK(MPI_Isend(sb, n, MPI_BYTE, to, tag, MPI_COMM_WORLD, &sq));
    if (kind == 2) {
        MPI_OK(MPI_Ssend_init(sb, n, MPI_BYTE, to, tag, MPI_COMM_WORLD, &sq));
        MPI_OK(MPI_Start(&sq));
    }
    MPI_OK(MPI_Cancel(&sq));
    int notice = 1;
    MPI_OK(MPI_Send(&notice, 1, MPI_INT, to, 31, MPI_COMM_WORLD));
    MPI_OK(MPI_Recv(&notice, 1, MPI_INT, from, 31, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    MPI_OK(MPI_Irecv(rb, n, MPI_BYTE, from, tag, MPI_COMM_WORLD, &rq));
    MPI_OK(MPI_Wait(&sq, &st));
    int mine = cancelled(&st);
    if (MUST_CANCEL_SENDS && kind != 3)
        CHECK(mine == 1, "%s to a receiver that had not posted: not cancelled", names[kind]);
    int theirs = -1;
    MPI_OK(MPI_Send(&mine, 1, MPI_INT, to, 32, MPI_COMM_WORLD));
    MPI_OK(MPI_Recv(&theirs, 1, MPI_INT, from, 32, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    chk_case("receiver of a %s send: %s", theirs ? "cancelled" : "not cancelled", names[kind]);
    if (theirs) {
        MPI_OK(MPI_Cancel(&rq));
        MPI_OK(MPI_Wait(&rq, &st));
        CHECK(cancelled(&st) == 1, "the receive for a cancelled send got a message");
        CHECK_BYTES(rb, (size_t)n, 0xEE, "buffer of the receive for a cancelled send");
    } else {
        MPI_OK(MPI_Wait(&rq, &st));
        CHECK_STATUS(&st, from, tag, MPI_BYTE, n, "send that was not cancelled");
        CHECK_BUF(rb, (size_t)n, chk_seed(81, (uint32_t)from, (uint32_t)kind, 0), "send that was not cancelled");
    }
    if (kind == 2) {
        /* the persistent send works again after a cancelled round */
        chk_case("restart of a persistent send after a cancelled round");
        /* every receiver has withdrawn its receive of the first round */
        MPI_OK(MPI_Barrier(MPI_COMM_WORLD));
        MPI_OK(MPI_Irecv(rb, n, MPI_BYTE, from, tag, MPI_COMM_WORLD, &rq));
        MPI_OK(MPI_Start(&sq));
        MPI_OK(MPI_Wait(&rq, &st));
        CHECK_BUF(rb, (size_t)n, chk_seed(81, (uint32_t)from, (uint32_t)kind, 0), "persistent send restarted");
        MPI_OK(MPI_Wait(&sq, &st));
        CHECK(cancelled(&st) == 0, "restarted persistent send reports cancelled");
        MPI_OK(MPI_Request_free(&sq));
    }
    free(sb);
    free(rb);
}

static void get_status(void)
{
    int me = chk_rank, np = chk_size, to = (me + 1) % np, from = (me - 1 + np) % np;
    int v = -1, out = 2000 + me, flag = -1;
    MPI_Request rq;
    MPI_Status st;
    chk_case("Request_get_status of a null request");
    MPI_OK(MPI_Request_get_status(MPI_REQUEST_NULL, &flag, &st));
    CHECK_INT(flag, 1, "Request_get_status(MPI_REQUEST_NULL) flag");
    CHECK_EMPTY_STATUS(&st, MPI_ANY_SOURCE, "Request_get_status(MPI_REQUEST_NULL)");

    chk_case("Request_get_status of a pending receive");
    MPI_OK(MPI_Irecv(&v, 1, MPI_INT, from, 40, MPI_COMM_WORLD, &rq));
    MPI_OK(MPI_Request_get_status(rq, &flag, &st));
    CHECK_INT(flag, 0, "Request_get_status flag before anything was sent");
    MPI_OK(MPI_Barrier(MPI_COMM_WORLD));
    MPI_OK(MPI_Send(&out, 1, MPI_INT, to, 40, MPI_COMM_WORLD));
    chk_case("Request_get_status of a completed receive");
    flag = 0;
    while (!flag) MPI_OK(MPI_Request_get_status(rq, &flag, &st));
    CHECK(rq != MPI_REQUEST_NULL, "Request_get_status freed the request");
    CHECK_STATUS(&st, from, 40, MPI_INT, 1, "Request_get_status");
    MPI_OK(MPI_Request_get_status(rq, &flag, &st));
    CHECK_INT(flag, 1, "Request_get_status flag, second time");
    MPI_OK(MPI_Wait(&rq, &st));
    CHECK(rq == MPI_REQUEST_NULL, "Wait after Request_get_status left the handle");
    CHECK_STATUS(&st, from, 40, MPI_INT, 1, "Wait after Request_get_status");
    CHECK_INT(v, 2000 + from, "data received");
}

static void status_setters(void)
{
    MPI_Status st;
    int n = -1;
    chk_case("Status_set_elements / Status_set_cancelled");
    memset(&st, 0, sizeof st);
    MPI_OK(MPI_Status_set_elements(&st, MPI_INT, 5));
    MPI_OK(MPI_Get_count(&st, MPI_INT, &n));
    CHECK_INT(n, 5, "Get_count after Status_set_elements(MPI_INT, 5)");
    MPI_OK(MPI_Status_set_elements_x(&st, MPI_DOUBLE, (MPI_Count)7));
    MPI_OK(MPI_Get_count(&st, MPI_DOUBLE, &n));
    CHECK_INT(n, 7, "Get_count after Status_set_elements_x(MPI_DOUBLE, 7)");
    MPI_OK(MPI_Status_set_cancelled(&st, 1));
    CHECK(cancelled(&st) == 1, "Status_set_cancelled(1) not seen by Test_cancelled");
    MPI_OK(MPI_Status_set_cancelled(&st, 0));
    CHECK(cancelled(&st) == 0, "Status_set_cancelled(0) not seen by Test_cancelled");
}

static void errors(void)
{
    int me = chk_rank, np = chk_size, to = (me + 1) % np, from = (me - 1 + np) % np;
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    chk_case("Cancel of MPI_REQUEST_NULL");
    MPI_Request rq = MPI_REQUEST_NULL;
    int rc = MPI_Cancel(&rq);
    CHECK_INT(rc, MPI_ERR_REQUEST, "Cancel(MPI_REQUEST_NULL)");
    chk_case("Status_set_elements of MPI_DATATYPE_NULL");
    MPI_Status st;
    rc = MPI_Status_set_elements(&st, MPI_DATATYPE_NULL, 1);
    CHECK_INT(rc, MPI_ERR_TYPE, "Status_set_elements(MPI_DATATYPE_NULL)");
    chk_case("the job goes on");
    int v = -1, out = 3000 + me;
    MPI_OK(MPI_Sendrecv(&out, 1, MPI_INT, to, 50, &v, 1, MPI_INT, from, 50, MPI_COMM_WORLD, &st));
    CHECK_INT(v, 3000 + from, "message after errors");
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    chk_begin("p2p_cancel");
    for (int rep = 0; rep < 3; rep++) {
        cancel_posted_receive(MPI_ANY_SOURCE, 0);
        cancel_posted_receive((chk_rank - 1 + chk_size) % chk_size, 0);
        cancel_posted_receive((chk_rank - 1 + chk_size) % chk_size, 1);
        cancel_matched_receive();
        for (int kind = 0; kind < 4; kind++) cancel_send(kind);
        get_status();
    }
    status_setters();
    errors();
    return chk_end();
}
