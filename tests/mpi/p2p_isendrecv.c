/* p2p_isendrecv: MPI-4.0 Isendrecv and Isendrecv_replace around a ring (r sends to r+1, receives
 * from r-1) at eager and rendezvous sizes, completed by Wait, by Test loops and by Waitall of
 * several at once (status and content checked); MPI_PROC_NULL partners; Request_free of an
 * active one (its message still arrives); truncation and bad arguments give their error classes
 * and the job goes on. Implementations older than MPI 4.0 (Open MPI 4) have neither call: there
 * the program checks nothing. */
#include "check.h"

#if defined(MSGPASS_VERSION_STRING) || MPI_VERSION >= 4

static const int sizes[] = {0, 4, 4000, 300000};
#define NSIZES ((int)(sizeof sizes / sizeof sizes[0]))

static void exchange(int replace, int use_test, int rep)
{
    int me = chk_rank, np = chk_size, to = (me + 1) % np, from = (me - 1 + np) % np;
    for (int i = 0; i < NSIZES; i++) {
        int n = sizes[i];
        chk_case("Isendrecv%s of %d bytes (%s), round %d", replace ? "_replace" : "", n, use_test ? "Test" : "Wait",
                 rep);
        unsigned char *sb = chk_malloc((size_t)n), *rb = chk_malloc((size_t)n);
        chk_fill(sb, (size_t)n, chk_seed(101, (uint32_t)me, (uint32_t)i, (uint32_t)rep));
        memset(rb, 0xEE, (size_t)n);
        MPI_Request rq;
        MPI_Status st;
        if (replace)
            MPI_OK(MPI_Isendrecv_replace(sb, n, MPI_BYTE, to, 10 + i, from, 10 + i, MPI_COMM_WORLD, &rq));
        else
            MPI_OK(MPI_Isendrecv(sb, n, MPI_BYTE, to, 10 + i, rb, n, MPI_BYTE, from, 10 + i, MPI_COMM_WORLD, &rq));
        if (use_test) {
            int flag = 0;
            while (!flag) MPI_OK(MPI_Test(&rq, &flag, &st));
        } else {
            MPI_OK(MPI_Wait(&rq, &st));
        }
        CHECK(rq == MPI_REQUEST_NULL, "completion left the request");
        CHECK_STATUS(&st, from, 10 + i, MPI_BYTE, n, "Isendrecv status");
        CHECK_BUF(replace ? sb : rb, (size_t)n, chk_seed(101, (uint32_t)from, (uint32_t)i, (uint32_t)rep),
                  "received data");
        free(sb);
        free(rb);
    }
}

/* All sizes in flight at once, completed together. */
static void many_at_once(void)
{
    int me = chk_rank, np = chk_size, to = (me + 1) % np, from = (me - 1 + np) % np;
    MPI_Request rq[NSIZES];
    MPI_Status st[NSIZES];
    unsigned char *b[NSIZES];
    chk_case("Waitall of %d Isendrecv_replace", NSIZES);
    for (int i = 0; i < NSIZES; i++) {
        b[i] = chk_malloc((size_t)sizes[i]);
        chk_fill(b[i], (size_t)sizes[i], chk_seed(102, (uint32_t)me, (uint32_t)i, 0));
        MPI_OK(MPI_Isendrecv_replace(b[i], sizes[i], MPI_BYTE, to, 20 + i, from, 20 + i, MPI_COMM_WORLD, &rq[i]));
    }
    MPI_OK(MPI_Waitall(NSIZES, rq, st));
    for (int i = 0; i < NSIZES; i++) {
        CHECK_STATUS(&st[i], from, 20 + i, MPI_BYTE, sizes[i], "Waitall of Isendrecv_replace");
        CHECK_BUF(b[i], (size_t)sizes[i], chk_seed(102, (uint32_t)from, (uint32_t)i, 0),
                  "Waitall of Isendrecv_replace");
        free(b[i]);
    }
}

static void proc_null(void)
{
    int me = chk_rank, np = chk_size, to = (me + 1) % np, from = (me - 1 + np) % np;
    int out = 600 + me, in = -1;
    MPI_Request rq;
    MPI_Status st;
    chk_case("Isendrecv with MPI_PROC_NULL partners");
    MPI_OK(MPI_Isendrecv(&out, 1, MPI_INT, MPI_PROC_NULL, 1, &in, 1, MPI_INT, MPI_PROC_NULL, 1, MPI_COMM_WORLD, &rq));
    MPI_OK(MPI_Wait(&rq, &st));
    CHECK_EMPTY_STATUS(&st, MPI_PROC_NULL, "receive from MPI_PROC_NULL");
    CHECK_INT(in, -1, "buffer of a receive from MPI_PROC_NULL");
    /* a real send, a receive from nobody */
    MPI_OK(MPI_Isendrecv(&out, 1, MPI_INT, to, 2, &in, 1, MPI_INT, MPI_PROC_NULL, 2, MPI_COMM_WORLD, &rq));
    int got = -1;
    MPI_OK(MPI_Recv(&got, 1, MPI_INT, from, 2, MPI_COMM_WORLD, &st));
    CHECK_INT(got, 600 + from, "message of an Isendrecv whose receive is from MPI_PROC_NULL");
    MPI_OK(MPI_Wait(&rq, &st));
    CHECK_EMPTY_STATUS(&st, MPI_PROC_NULL, "Isendrecv with a receive from MPI_PROC_NULL");
}

/* Freed while active, an Isendrecv still does its part. */
static void free_while_active(void)
{
    int me = chk_rank, np = chk_size, to = (me + 1) % np, from = (me - 1 + np) % np;
    int n = 300000;
    unsigned char *sb = chk_malloc((size_t)n), *rb = chk_malloc((size_t)n);
    int in = -1;
    MPI_Request rq;
    MPI_Status st;
    chk_case("Request_free of an active Isendrecv");
    chk_fill(sb, (size_t)n, chk_seed(103, (uint32_t)me, 0, 0));
    MPI_OK(MPI_Isendrecv(sb, n, MPI_BYTE, to, 45, &in, 1, MPI_INT, MPI_PROC_NULL, 45, MPI_COMM_WORLD, &rq));
    MPI_OK(MPI_Request_free(&rq));
    CHECK(rq == MPI_REQUEST_NULL, "Request_free left the handle");
    MPI_OK(MPI_Recv(rb, n, MPI_BYTE, from, 45, MPI_COMM_WORLD, &st));
    CHECK_STATUS(&st, from, 45, MPI_BYTE, n, "message of a freed Isendrecv");
    CHECK_BUF(rb, (size_t)n, chk_seed(103, (uint32_t)from, 0, 0), "message of a freed Isendrecv");
    /* everyone has received, so every send buffer is free again */
    MPI_OK(MPI_Barrier(MPI_COMM_WORLD));
    free(sb);
    free(rb);
}

static void errors(void)
{
    int me = chk_rank, np = chk_size, to = (me + 1) % np, from = (me - 1 + np) % np;
    int big[4] = {me, me, me, me}, small[2] = {0, 0}, rc;
    MPI_Request rq;
    MPI_Status st;
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    chk_case("truncated Isendrecv");
    MPI_OK(MPI_Isendrecv(big, 4, MPI_INT, to, 30, small, 2, MPI_INT, from, 30, MPI_COMM_WORLD, &rq));
    rc = MPI_Wait(&rq, &st);
    CHECK_INT(rc, MPI_ERR_TRUNCATE, "Wait of an Isendrecv receiving 4 ints into 2");
    CHECK_INT(small[0], from, "truncated Isendrecv content");
    chk_case("bad arguments");
    rc = MPI_Isendrecv(big, 1, MPI_INT, np, 1, small, 1, MPI_INT, from, 1, MPI_COMM_WORLD, &rq);
    CHECK_INT(rc, MPI_ERR_RANK, "Isendrecv to rank size");
    rc = MPI_Isendrecv(big, 1, MPI_INT, to, 1, small, 1, MPI_INT, from, -4, MPI_COMM_WORLD, &rq);
    CHECK_INT(rc, MPI_ERR_TAG, "Isendrecv receiving tag -4");
    rc = MPI_Isendrecv_replace(big, -1, MPI_INT, to, 1, from, 1, MPI_COMM_WORLD, &rq);
    CHECK_INT(rc, MPI_ERR_COUNT, "Isendrecv_replace of count -1");
    rc = MPI_Isendrecv_replace(big, 1, MPI_INT, to, 1, from, 1, MPI_COMM_WORLD, NULL);
    CHECK_INT(rc, MPI_ERR_ARG, "Isendrecv_replace with a NULL request pointer");
    chk_case("the job goes on");
    int v = -1, out = 5000 + me;
    MPI_OK(MPI_Sendrecv(&out, 1, MPI_INT, to, 31, &v, 1, MPI_INT, from, 31, MPI_COMM_WORLD, &st));
    CHECK_INT(v, 5000 + from, "message after errors");
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    chk_begin("p2p_isendrecv");
    for (int rep = 0; rep < 2; rep++)
        for (int replace = 0; replace < 2; replace++)
            for (int use_test = 0; use_test < 2; use_test++) exchange(replace, use_test, rep);
    many_at_once();
    proc_null();
    free_while_active();
    errors();
    return chk_end();
}

#else

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    chk_begin("p2p_isendrecv");
    if (chk_rank == 0) printf("p2p_isendrecv: MPI %d.%d has no MPI_Isendrecv\n", MPI_VERSION, MPI_SUBVERSION);
    return chk_end();
}

#endif
