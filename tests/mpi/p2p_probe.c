/* p2p_probe: Probe / Iprobe with wildcards, then a Recv of exactly the probed message; counts
 * from the probe status; Iprobe gives flag 0 when nothing matches; probing does not consume. */
#include "check.h"

#define NMSG 3

static int msg_len(int src, int k) /* in ints; includes empty and rendezvous-sized messages */
{
    static const int base[NMSG] = {0, 37, 200000};
    return base[k] + (k ? src : 0);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    chk_begin("p2p_probe");
    int me = chk_rank, np = chk_size;
    char what[200];
    int flag = -1;
    MPI_Status st;

    /* nothing has been sent anywhere yet */
    chk_case("Iprobe before any message");
    MPI_OK(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st));
    CHECK(flag == 0, "Iprobe(ANY_SOURCE, ANY_TAG) found a message (source %d tag %d) before any was sent",
          st.MPI_SOURCE, st.MPI_TAG);
    MPI_OK(MPI_Barrier(MPI_COMM_WORLD));

    /* every rank sends NMSG messages to rank 0 (rank 0 to itself too), tag 10+k, length by (src,k) */
    int *sbuf[NMSG];
    MPI_Request sreq[NMSG];
    for (int k = 0; k < NMSG; k++) {
        int n = msg_len(me, k);
        sbuf[k] = chk_malloc(sizeof(int) * (size_t)(n + 1));
        for (int i = 0; i < n; i++) sbuf[k][i] = me * 1000000 + k * 100000 + i;
        MPI_OK(MPI_Isend(sbuf[k], n, MPI_INT, 0, 10 + k, MPI_COMM_WORLD, &sreq[k]));
    }
    if (me == 0) {
        int *next = chk_malloc(sizeof(int) * (size_t)np);
        memset(next, 0, sizeof(int) * (size_t)np);
        for (int m = 0; m < NMSG * np; m++) {
            chk_case("Probe(ANY_SOURCE, ANY_TAG) #%d", m);
            MPI_OK(MPI_Probe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &st));
            int src = st.MPI_SOURCE, tag = st.MPI_TAG;
            CHECK(src >= 0 && src < np, "Probe: status.MPI_SOURCE %d out of range", src);
            /* non-overtaking holds for probes too: the first unreceived message of that sender */
            int k = next[src];
            snprintf(what, sizeof what, "Probe #%d: message %d from rank %d", m, k, src);
            CHECK_STATUS(&st, src, 10 + k, MPI_INT, msg_len(src, k), what);
            int cb = -1;
            MPI_OK(MPI_Get_count(&st, MPI_BYTE, &cb));
            CHECK_INT(cb, (int)sizeof(int) * msg_len(src, k), "Get_count(MPI_BYTE) of the probed message");

            /* probing again (specific source, wildcard tag) sees the same message */
            MPI_Status st2;
            MPI_OK(MPI_Iprobe(src, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st2));
            CHECK(flag == 1, "Iprobe after Probe: flag 0");
            CHECK_STATUS(&st2, src, tag, MPI_INT, msg_len(src, k), "second probe of the same message");

            int n = -1;
            MPI_OK(MPI_Get_count(&st, MPI_INT, &n));
            int *rb = chk_malloc(sizeof(int) * (size_t)(n + 1));
            MPI_OK(MPI_Recv(rb, n, MPI_INT, src, tag, MPI_COMM_WORLD, &st2));
            CHECK_STATUS(&st2, src, tag, MPI_INT, n, what);
            for (int i = 0; i < n; i++)
                if (rb[i] != src * 1000000 + k * 100000 + i)
                    chk_fail(__FILE__, __LINE__, "%s: int %d is %d, expected %d", what, i, rb[i],
                             src * 1000000 + k * 100000 + i);
            chk_passed++;
            free(rb);
            next[src]++;
        }
        for (int s = 0; s < np; s++) CHECK_INT(next[s], NMSG, "messages received from one sender");
        chk_case("Iprobe after all messages were received");
        MPI_OK(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE));
        CHECK(flag == 0, "Iprobe found a message after all were received");
        free(next);
    }
    MPI_OK(MPI_Waitall(NMSG, sreq, MPI_STATUSES_IGNORE));
    for (int k = 0; k < NMSG; k++) free(sbuf[k]);
    MPI_OK(MPI_Barrier(MPI_COMM_WORLD)); /* later messages must not meet rank 0's wildcard probes */

    /* Iprobe polling for a message sent after a handshake, and Iprobe of a tag that is not there
     * while another message is pending. Ring: rank r sends to r+1. */
    int to = (me + 1) % np, from = (me - 1 + np) % np;
    chk_case("Iprobe loop from rank %d", from);
    char txt[10] = "abcdefghi";
    MPI_Request rq;
    MPI_OK(MPI_Isend(txt, 10, MPI_CHAR, to, 77, MPI_COMM_WORLD, &rq));
    do {
        MPI_OK(MPI_Iprobe(from, 77, MPI_COMM_WORLD, &flag, &st));
    } while (!flag);
    CHECK_STATUS(&st, from, 77, MPI_CHAR, 10, "Iprobe loop");
    MPI_OK(MPI_Iprobe(from, 78, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE));
    CHECK(flag == 0, "Iprobe(tag 78) matched although only tag 77 is pending");
    MPI_Comm dup;
    MPI_OK(MPI_Comm_dup(MPI_COMM_WORLD, &dup));
    MPI_OK(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, dup, &flag, MPI_STATUS_IGNORE));
    CHECK(flag == 0, "Iprobe on a fresh dup matched a message pending on COMM_WORLD");
    MPI_OK(MPI_Comm_free(&dup));
    /* Get_count with a type that does not divide the byte count: MPI_UNDEFINED */
    int c = 0;
    MPI_OK(MPI_Get_count(&st, MPI_INT, &c));
    CHECK_INT(c, MPI_UNDEFINED, "Get_count(MPI_INT) of a 10-byte message");
    MPI_OK(MPI_Get_count(&st, MPI_SHORT, &c));
    CHECK_INT(c, 5, "Get_count(MPI_SHORT) of a 10-byte message");
    char got[10] = {0};
    MPI_OK(MPI_Recv(got, 10, MPI_CHAR, from, 77, MPI_COMM_WORLD, &st));
    CHECK_STATUS(&st, from, 77, MPI_CHAR, 10, "receive after Iprobe loop");
    CHECK(memcmp(got, "abcdefghi", 10) == 0, "receive after Iprobe loop: wrong text '%.9s'", got);
    MPI_OK(MPI_Wait(&rq, MPI_STATUS_IGNORE));

    /* Probe blocks until the message comes: rank r receives from r-1, which first waits for a
     * token from r (so the probe is surely posted first). */
    if (np > 1) {
        chk_case("blocking Probe for a later message from rank %d", from);
        int tok = me, v = -1;
        MPI_OK(MPI_Send(&tok, 1, MPI_INT, from, 80, MPI_COMM_WORLD));
        MPI_OK(MPI_Recv(&tok, 1, MPI_INT, to, 80, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
        CHECK_INT(tok, to, "token");
        tok = me * 7;
        MPI_OK(MPI_Isend(&tok, 1, MPI_INT, to, 81, MPI_COMM_WORLD, &rq));
        MPI_OK(MPI_Probe(MPI_ANY_SOURCE, 81, MPI_COMM_WORLD, &st));
        CHECK_STATUS(&st, from, 81, MPI_INT, 1, "blocking Probe");
        MPI_OK(MPI_Recv(&v, 1, MPI_INT, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD, &st));
        CHECK_INT(v, from * 7, "value after blocking Probe");
        MPI_OK(MPI_Wait(&rq, MPI_STATUS_IGNORE));
    }
    return chk_end();
}
