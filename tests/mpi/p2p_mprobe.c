/* p2p_mprobe: matched probes. Mprobe/Improbe then Mrecv/Imrecv of eager and rendezvous sizes
 * (buffer sized from the probe's status, content checked); a probed message is out of matching
 * (a later probe or receive sees the next message of the same tag, in order); ANY_SOURCE probes
 * at a root; MPI_PROC_NULL gives MPI_MESSAGE_NO_PROC and an empty status; a send whose message
 * was probed can no longer be cancelled; truncation and bad arguments give their error classes
 * and the job goes on. Ring: r sends to r+1. */
#include "check.h"

static const int sizes[] = {0, 4, 4000, 300000};
#define NSIZES ((int)(sizeof sizes / sizeof sizes[0]))

static void probe_then_receive(int immediate, int rep)
{
    int me = chk_rank, np = chk_size, to = (me + 1) % np, from = (me - 1 + np) % np;
    MPI_Request sq[NSIZES];
    unsigned char *sb[NSIZES];
    for (int i = 0; i < NSIZES; i++) {
        sb[i] = chk_malloc((size_t)sizes[i]);
        chk_fill(sb[i], (size_t)sizes[i], chk_seed(91, (uint32_t)me, (uint32_t)i, (uint32_t)rep));
        MPI_OK(MPI_Isend(sb[i], sizes[i], MPI_BYTE, to, 10 + i, MPI_COMM_WORLD, &sq[i]));
    }
    /* largest first: the probes pick by tag, not by order of arrival */
    for (int i = NSIZES - 1; i >= 0; i--) {
        chk_case("%s of %d bytes from rank %d", immediate ? "Improbe/Imrecv" : "Mprobe/Mrecv", sizes[i], from);
        MPI_Message msg = MPI_MESSAGE_NULL;
        MPI_Status st;
        if (immediate) {
            int flag = 0;
            while (!flag) MPI_OK(MPI_Improbe(from, 10 + i, MPI_COMM_WORLD, &flag, &msg, &st));
        } else {
            MPI_OK(MPI_Mprobe(from, 10 + i, MPI_COMM_WORLD, &msg, &st));
        }
        CHECK(msg != MPI_MESSAGE_NULL && msg != MPI_MESSAGE_NO_PROC, "probe returned no message");
        CHECK_STATUS(&st, from, 10 + i, MPI_BYTE, sizes[i], "matched probe");
        int n = -1;
        MPI_OK(MPI_Get_count(&st, MPI_BYTE, &n));
        unsigned char *rb = chk_malloc((size_t)n);
        memset(&st, 0, sizeof st);
        if (immediate) {
            MPI_Request rq;
            MPI_OK(MPI_Imrecv(rb, n, MPI_BYTE, &msg, &rq));
            CHECK(msg == MPI_MESSAGE_NULL, "Imrecv did not set the message to MPI_MESSAGE_NULL");
            MPI_OK(MPI_Wait(&rq, &st));
        } else {
            MPI_OK(MPI_Mrecv(rb, n, MPI_BYTE, &msg, &st));
            CHECK(msg == MPI_MESSAGE_NULL, "Mrecv did not set the message to MPI_MESSAGE_NULL");
        }
        CHECK_STATUS(&st, from, 10 + i, MPI_BYTE, sizes[i], "matched receive");
        CHECK_BUF(rb, (size_t)n, chk_seed(91, (uint32_t)from, (uint32_t)i, (uint32_t)rep), "matched receive");
        free(rb);
    }
    MPI_OK(MPI_Waitall(NSIZES, sq, MPI_STATUSES_IGNORE));
    for (int i = 0; i < NSIZES; i++) free(sb[i]);
}

/* Two messages of one tag: the probed first one is out of matching, so the second is what a
 * plain probe and receive see; the first is still there for Mrecv. */
static void probed_message_leaves_matching(void)
{
    int me = chk_rank, np = chk_size, to = (me + 1) % np, from = (me - 1 + np) % np;
    int first[3] = {me, 1, 1}, second[5] = {me, 2, 2, 2, 2}, got[5] = {0};
    MPI_Request sq[2];
    MPI_Status st;
    MPI_Message msg;
    chk_case("a probed message leaves matching");
    MPI_OK(MPI_Isend(first, 3, MPI_INT, to, 20, MPI_COMM_WORLD, &sq[0]));
    MPI_OK(MPI_Isend(second, 5, MPI_INT, to, 20, MPI_COMM_WORLD, &sq[1]));
    MPI_OK(MPI_Mprobe(from, 20, MPI_COMM_WORLD, &msg, &st));
    CHECK_STATUS(&st, from, 20, MPI_INT, 3, "Mprobe of the first message");
    MPI_OK(MPI_Probe(from, 20, MPI_COMM_WORLD, &st));
    CHECK_STATUS(&st, from, 20, MPI_INT, 5, "Probe after Mprobe sees the second message");
    MPI_OK(MPI_Recv(got, 5, MPI_INT, from, 20, MPI_COMM_WORLD, &st));
    CHECK_STATUS(&st, from, 20, MPI_INT, 5, "Recv after Mprobe gets the second message");
    CHECK(got[0] == from && got[1] == 2 && got[4] == 2, "second message content");
    memset(got, 0, sizeof got);
    MPI_OK(MPI_Mrecv(got, 5, MPI_INT, &msg, &st));
    CHECK_STATUS(&st, from, 20, MPI_INT, 3, "Mrecv of the first message");
    CHECK(got[0] == from && got[1] == 1 && got[2] == 1 && got[3] == 0, "first message content");
    MPI_OK(MPI_Waitall(2, sq, MPI_STATUSES_IGNORE));
}

static void any_source_at_root(int rep)
{
    int me = chk_rank, np = chk_size;
    /* a tag per round: a fast rank's next round must not be taken for this one */
    int tag = 30 + rep;
    chk_case("ANY_SOURCE matched probes at rank 0");
    int v = 500 + me;
    MPI_Request sq;
    MPI_OK(MPI_Isend(&v, 1, MPI_INT, 0, tag, MPI_COMM_WORLD, &sq));
    if (me == 0) {
        int *seen = calloc((size_t)np, sizeof *seen);
        for (int k = 0; k < np; k++) {
            MPI_Message msg;
            MPI_Status st;
            MPI_OK(MPI_Mprobe(MPI_ANY_SOURCE, tag, MPI_COMM_WORLD, &msg, &st));
            int src = st.MPI_SOURCE, got = -1;
            CHECK(src >= 0 && src < np && !seen[src], "ANY_SOURCE Mprobe: source %d (again?)", src);
            seen[src] = 1;
            MPI_OK(MPI_Mrecv(&got, 1, MPI_INT, &msg, &st));
            CHECK_STATUS(&st, src, tag, MPI_INT, 1, "ANY_SOURCE Mrecv");
            CHECK_INT(got, 500 + src, "ANY_SOURCE Mrecv content");
        }
        free(seen);
    }
    MPI_OK(MPI_Wait(&sq, MPI_STATUS_IGNORE));
}

static void proc_null(void)
{
    chk_case("matched probes of MPI_PROC_NULL");
    MPI_Message msg = MPI_MESSAGE_NULL;
    MPI_Status st;
    int v = 77, flag = 0;
    MPI_OK(MPI_Mprobe(MPI_PROC_NULL, 5, MPI_COMM_WORLD, &msg, &st));
    CHECK(msg == MPI_MESSAGE_NO_PROC, "Mprobe(MPI_PROC_NULL) did not give MPI_MESSAGE_NO_PROC");
    CHECK_EMPTY_STATUS(&st, MPI_PROC_NULL, "Mprobe(MPI_PROC_NULL)");
    memset(&st, 0x33, sizeof st);
    MPI_OK(MPI_Mrecv(&v, 1, MPI_INT, &msg, &st));
    CHECK(msg == MPI_MESSAGE_NULL, "Mrecv(MPI_MESSAGE_NO_PROC) left the message");
    CHECK_EMPTY_STATUS(&st, MPI_PROC_NULL, "Mrecv(MPI_MESSAGE_NO_PROC)");
    CHECK_INT(v, 77, "buffer of a receive from MPI_PROC_NULL");
    msg = MPI_MESSAGE_NULL;
    MPI_OK(MPI_Improbe(MPI_PROC_NULL, 5, MPI_COMM_WORLD, &flag, &msg, &st));
    CHECK(flag == 1 && msg == MPI_MESSAGE_NO_PROC, "Improbe(MPI_PROC_NULL): flag %d", flag);
    MPI_Request rq;
    MPI_OK(MPI_Imrecv(&v, 1, MPI_INT, &msg, &rq));
    MPI_OK(MPI_Wait(&rq, &st));
    CHECK_EMPTY_STATUS(&st, MPI_PROC_NULL, "Imrecv(MPI_MESSAGE_NO_PROC)");
    chk_case("Improbe with nothing to find");
    MPI_OK(MPI_Improbe(MPI_ANY_SOURCE, 12345, MPI_COMM_WORLD, &flag, &msg, &st));
    CHECK_INT(flag, 0, "Improbe flag for a tag nobody sends");
}

/* Once the receiver holds the message from a matched probe, the send cannot be cancelled. */
static void probed_send_not_cancellable(void)
{
    int me = chk_rank, np = chk_size, to = (me + 1) % np, from = (me - 1 + np) % np;
    int out = 900 + me, got = -1, token = 0;
    MPI_Request sq;
    MPI_Status st;
    MPI_Message msg;
    chk_case("cancel of a send whose message was probed");
    MPI_OK(MPI_Issend(&out, 1, MPI_INT, to, 40, MPI_COMM_WORLD, &sq));
    MPI_OK(MPI_Mprobe(from, 40, MPI_COMM_WORLD, &msg, &st));
    MPI_OK(MPI_Sendrecv(&token, 1, MPI_INT, from, 41, &token, 1, MPI_INT, to, 41, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    MPI_OK(MPI_Cancel(&sq));
    MPI_OK(MPI_Mrecv(&got, 1, MPI_INT, &msg, &st));
    CHECK_INT(got, 900 + from, "probed message content");
    MPI_OK(MPI_Wait(&sq, &st));
    int flag = -1;
    MPI_OK(MPI_Test_cancelled(&st, &flag));
    CHECK_INT(flag, 0, "a send whose message was probed reports cancelled");
}

static void errors(void)
{
    int me = chk_rank, np = chk_size, to = (me + 1) % np, from = (me - 1 + np) % np;
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Message msg;
    MPI_Status st;
    int rc, flag, big[4] = {me, me, me, me}, small[2] = {0, 0};
    chk_case("truncated Mrecv");
    MPI_Request sq;
    MPI_OK(MPI_Isend(big, 4, MPI_INT, to, 50, MPI_COMM_WORLD, &sq));
    MPI_OK(MPI_Mprobe(from, 50, MPI_COMM_WORLD, &msg, &st));
    rc = MPI_Mrecv(small, 2, MPI_INT, &msg, &st);
    CHECK_INT(rc, MPI_ERR_TRUNCATE, "Mrecv of 4 ints into 2");
    CHECK_INT(small[0], from, "truncated Mrecv content");
    MPI_OK(MPI_Wait(&sq, MPI_STATUS_IGNORE));
    chk_case("bad arguments");
    rc = MPI_Mprobe(np, 1, MPI_COMM_WORLD, &msg, &st);
    CHECK_INT(rc, MPI_ERR_RANK, "Mprobe of rank size");
    rc = MPI_Improbe(from, -7, MPI_COMM_WORLD, &flag, &msg, &st);
    CHECK_INT(rc, MPI_ERR_TAG, "Improbe with tag -7");
#ifdef MSGPASS_VERSION_STRING
    /* an error without a communicator: libmsgpass hands it to MPI_COMM_WORLD's handler, Open MPI
     * to a fatal one */
    msg = MPI_MESSAGE_NULL;
    rc = MPI_Mrecv(small, 2, MPI_INT, &msg, &st);
    CHECK_INT(rc, MPI_ERR_REQUEST, "Mrecv of MPI_MESSAGE_NULL");
#endif
    chk_case("the job goes on");
    int v = -1, out = 4000 + me;
    MPI_OK(MPI_Sendrecv(&out, 1, MPI_INT, to, 51, &v, 1, MPI_INT, from, 51, MPI_COMM_WORLD, &st));
    CHECK_INT(v, 4000 + from, "message after errors");
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    chk_begin("p2p_mprobe");
    for (int rep = 0; rep < 3; rep++) {
        probe_then_receive(0, rep);
        probe_then_receive(1, rep);
        probed_message_leaves_matching();
        any_source_at_root(rep);
        probed_send_not_cancellable();
    }
    proc_null();
    errors();
    return chk_end();
}
