/* p2p_waittest: Waitall / Waitany / Waitsome / Test / Testall / Testany / Testsome over mixed
 * sends and receives with MPI_REQUEST_NULL entries (statuses checked), the all-null cases,
 * Issend incomplete until the receive is posted (handshake, no timing), Rsend/Irsend after the
 * receiver says its receive is posted, Sendrecv and Sendrecv_replace in a ring, Request_free of an
 * active send. Needs >= 2 ranks. */
#include "check.h"

#define NPEER 2 /* neighbours: left and right in the ring */

typedef enum { W_ALL, W_ANY, W_SOME, T_ALL, T_ANY, T_SOME, T_ONE } mode_t_;
static const char *mode_name[] = {"Waitall", "Waitany", "Waitsome", "Testall", "Testany", "Testsome", "Test"};

/* Requests: [0] null, [1] recv from left, [2] send to right, [3] null, [4] recv from right,
 * [5] send to left, [6] recv from left (2nd, tag+1), [7] send to right (2nd). */
static void mixed(mode_t_ mode, size_t n, int round)
{
    int me = chk_rank, np = chk_size;
    int left = (me - 1 + np) % np, right = (me + 1) % np;
    enum { NR = 8 };
    MPI_Request rq[NR];
    MPI_Status st[NR];
    unsigned char *sb[NR] = {0}, *rb[NR] = {0};
    int peer[NR] = {-1, left, right, -1, right, left, left, right};
    int isrecv[NR] = {0, 1, 0, 0, 1, 0, 1, 0};
    int tag[NR];
    int tag0 = 100 + 10 * (int)mode + 100 * round;
    /* a receive from left matches left's send to right, and so on */
    tag[1] = tag0 + 1, tag[2] = tag0 + 1, tag[4] = tag0 + 2, tag[5] = tag0 + 2, tag[6] = tag0 + 3, tag[7] = tag0 + 3;
    tag[0] = tag[3] = -1;
    char what[200];
    chk_case("%s over mixed requests, %zu bytes, round %d", mode_name[mode], n, round);
    for (int i = 0; i < NR; i++) {
        rq[i] = MPI_REQUEST_NULL;
        memset(&st[i], 0x55, sizeof st[i]);
        if (peer[i] < 0) continue;
        if (isrecv[i]) {
            rb[i] = chk_malloc(n);
            memset(rb[i], 0xEE, n);
            MPI_OK(MPI_Irecv(rb[i], (int)n, MPI_BYTE, peer[i], tag[i], MPI_COMM_WORLD, &rq[i]));
        }
    }
    for (int i = 0; i < NR; i++) {
        if (peer[i] < 0 || isrecv[i]) continue;
        sb[i] = chk_malloc(n);
        chk_fill(sb[i], n, chk_seed(50, (uint32_t)me, (uint32_t)peer[i], (uint32_t)tag[i]));
        MPI_OK(MPI_Isend(sb[i], (int)n, MPI_BYTE, peer[i], tag[i], MPI_COMM_WORLD, &rq[i]));
    }
    int done[NR] = {0}, ndone = 0, active = 6;
    MPI_Status one;
    int idx, flag, outcount, indices[NR];
    long polls = 0;
    switch (mode) {
    case W_ALL:
        MPI_OK(MPI_Waitall(NR, rq, st));
        for (int i = 0; i < NR; i++) done[i] = 1;
        ndone = active;
        break;
    case T_ALL:
        do {
            MPI_OK(MPI_Testall(NR, rq, &flag, st));
            polls++;
        } while (!flag);
        for (int i = 0; i < NR; i++) done[i] = 1;
        ndone = active;
        break;
    case W_ANY:
    case T_ANY:
        while (ndone < active) {
            idx = -7;
            if (mode == W_ANY) {
                MPI_OK(MPI_Waitany(NR, rq, &idx, &one));
            } else {
                flag = 0;
                MPI_OK(MPI_Testany(NR, rq, &idx, &flag, &one));
                polls++;
                if (!flag) {
                    CHECK(idx == MPI_UNDEFINED, "Testany with flag 0 gave index %d", idx);
                    continue;
                }
            }
            CHECK(idx >= 0 && idx < NR && peer[idx] >= 0 && !done[idx], "%s returned index %d (bad or repeated)",
                  mode_name[mode], idx);
            CHECK(rq[idx] == MPI_REQUEST_NULL, "%s did not free request %d", mode_name[mode], idx);
            done[idx] = 1;
            st[idx] = one;
            ndone++;
        }
        /* now all are null */
        idx = -7;
        if (mode == W_ANY) {
            MPI_OK(MPI_Waitany(NR, rq, &idx, &one));
            CHECK_INT(idx, MPI_UNDEFINED, "Waitany over only null requests: index");
        } else {
            flag = 0;
            MPI_OK(MPI_Testany(NR, rq, &idx, &flag, &one));
            CHECK(flag == 1 && idx == MPI_UNDEFINED, "Testany over only null requests: flag %d index %d", flag, idx);
        }
        CHECK_EMPTY_STATUS(&one, MPI_ANY_SOURCE, "status from Waitany/Testany over only null requests");
        break;
    case W_SOME:
    case T_SOME:
        while (ndone < active) {
            outcount = -7;
            MPI_Status sts[NR];
            if (mode == W_SOME)
                MPI_OK(MPI_Waitsome(NR, rq, &outcount, indices, sts));
            else {
                MPI_OK(MPI_Testsome(NR, rq, &outcount, indices, sts));
                polls++;
            }
            CHECK(outcount >= (mode == W_SOME ? 1 : 0) && outcount <= active - ndone, "%s: outcount %d",
                  mode_name[mode], outcount);
            for (int k = 0; k < outcount; k++) {
                int i = indices[k];
                CHECK(i >= 0 && i < NR && peer[i] >= 0 && !done[i], "%s returned index %d (bad or repeated)",
                      mode_name[mode], i);
                CHECK(rq[i] == MPI_REQUEST_NULL, "%s did not free request %d", mode_name[mode], i);
                done[i] = 1;
                st[i] = sts[k];
                ndone++;
            }
        }
        outcount = -7;
        if (mode == W_SOME)
            MPI_OK(MPI_Waitsome(NR, rq, &outcount, indices, MPI_STATUSES_IGNORE));
        else
            MPI_OK(MPI_Testsome(NR, rq, &outcount, indices, MPI_STATUSES_IGNORE));
        CHECK_INT(outcount, MPI_UNDEFINED, "Waitsome/Testsome over only null requests: outcount");
        break;
    case T_ONE:
        for (int i = 0; i < NR; i++) {
            flag = 0;
            do {
                MPI_OK(MPI_Test(&rq[i], &flag, &st[i]));
                polls++;
            } while (!flag);
            CHECK(rq[i] == MPI_REQUEST_NULL, "Test did not free request %d", i);
            if (peer[i] >= 0) {
                done[i] = 1;
                ndone++;
            } else {
                CHECK_EMPTY_STATUS(&st[i], MPI_ANY_SOURCE, "Test on MPI_REQUEST_NULL");
            }
        }
        break;
    }
    (void)polls;
    CHECK_INT(ndone, active, "completed requests");
    for (int i = 0; i < NR; i++) {
        CHECK(rq[i] == MPI_REQUEST_NULL, "%s: request %d not MPI_REQUEST_NULL at the end", mode_name[mode], i);
        if (peer[i] < 0) {
            if (mode == W_ALL || mode == T_ALL) {
                snprintf(what, sizeof what, "%s: status of null request %d", mode_name[mode], i);
                CHECK_EMPTY_STATUS(&st[i], MPI_ANY_SOURCE, what);
            }
            continue;
        }
        if (!isrecv[i]) continue;
        snprintf(what, sizeof what, "%s: receive %d (%zu bytes from rank %d tag %d)", mode_name[mode], i, n, peer[i],
                 tag[i]);
        CHECK_STATUS(&st[i], peer[i], tag[i], MPI_BYTE, (int)n, what);
        CHECK_BUF(rb[i], n, chk_seed(50, (uint32_t)peer[i], (uint32_t)me, (uint32_t)tag[i]), what);
    }
    for (int i = 0; i < NR; i++) {
        free(sb[i]);
        free(rb[i]);
    }
}

static void all_null(void)
{
    MPI_Request rq[3] = {MPI_REQUEST_NULL, MPI_REQUEST_NULL, MPI_REQUEST_NULL};
    MPI_Status st[3], one;
    int idx = -7, flag = -7, outcount = -7, ind[3];
    chk_case("all-null request arrays");
    MPI_OK(MPI_Waitany(3, rq, &idx, &one));
    CHECK_INT(idx, MPI_UNDEFINED, "Waitany on all-null: index");
    CHECK_EMPTY_STATUS(&one, MPI_ANY_SOURCE, "Waitany on all-null: status");
    MPI_OK(MPI_Testany(3, rq, &idx, &flag, &one));
    CHECK(flag == 1 && idx == MPI_UNDEFINED, "Testany on all-null: flag %d index %d", flag, idx);
    MPI_OK(MPI_Waitall(3, rq, st));
    for (int i = 0; i < 3; i++) CHECK_EMPTY_STATUS(&st[i], MPI_ANY_SOURCE, "Waitall on all-null: status");
    flag = -7;
    MPI_OK(MPI_Testall(3, rq, &flag, st));
    CHECK_INT(flag, 1, "Testall on all-null: flag");
    MPI_OK(MPI_Waitsome(3, rq, &outcount, ind, st));
    CHECK_INT(outcount, MPI_UNDEFINED, "Waitsome on all-null: outcount");
    outcount = -7;
    MPI_OK(MPI_Testsome(3, rq, &outcount, ind, st));
    CHECK_INT(outcount, MPI_UNDEFINED, "Testsome on all-null: outcount");
    MPI_OK(MPI_Wait(&rq[0], &one));
    CHECK_EMPTY_STATUS(&one, MPI_ANY_SOURCE, "Wait on MPI_REQUEST_NULL");
    flag = -7;
    MPI_OK(MPI_Test(&rq[0], &flag, &one));
    CHECK_INT(flag, 1, "Test on MPI_REQUEST_NULL: flag");
    /* zero-length arrays */
    MPI_OK(MPI_Waitall(0, rq, MPI_STATUSES_IGNORE));
    MPI_OK(MPI_Waitany(0, rq, &idx, MPI_STATUS_IGNORE));
    CHECK_INT(idx, MPI_UNDEFINED, "Waitany with count 0: index");
}

/* Pairs (0,1), (2,3)...: the even rank is the sender. */
static void synchronous_and_ready(int peer, int sender)
{
    char what[160];
    static const size_t sizes[] = {8, 50000, 1 << 20};
    for (int k = 0; k < 3; k++) {
        size_t n = sizes[k];
        unsigned char *buf = chk_malloc(n);
        int hs = 0;
        MPI_Request rq;
        MPI_Status st;
        /* Issend: not complete before the receiver posts its receive */
        snprintf(what, sizeof what, "Issend %zu bytes to/from rank %d", n, peer);
        chk_case("%s", what);
        if (sender) {
            chk_fill(buf, n, chk_seed(51, (uint32_t)k, 0, 0));
            MPI_OK(MPI_Issend(buf, (int)n, MPI_BYTE, peer, 200 + k, MPI_COMM_WORLD, &rq));
            int flag = 0;
            for (int i = 0; i < 200; i++) {
                MPI_OK(MPI_Test(&rq, &flag, MPI_STATUS_IGNORE));
                CHECK(flag == 0, "%s: Issend completed at test %d before the receive was posted", what, i);
            }
            /* the receiver may only post now */
            MPI_OK(MPI_Send(&hs, 1, MPI_INT, peer, 300 + k, MPI_COMM_WORLD));
            MPI_OK(MPI_Wait(&rq, MPI_STATUS_IGNORE));
            CHECK(rq == MPI_REQUEST_NULL, "%s: Wait did not free the request", what);
        } else {
            MPI_OK(MPI_Recv(&hs, 1, MPI_INT, peer, 300 + k, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
            memset(buf, 0, n);
            MPI_OK(MPI_Recv(buf, (int)n, MPI_BYTE, peer, 200 + k, MPI_COMM_WORLD, &st));
            CHECK_STATUS(&st, peer, 200 + k, MPI_BYTE, (int)n, what);
            CHECK_BUF(buf, n, chk_seed(51, (uint32_t)k, 0, 0), what);
        }

        /* Rsend / Irsend: only after the receiver says its receive is posted */
        for (int v = 0; v < 2; v++) {
            snprintf(what, sizeof what, "%s %zu bytes to/from rank %d", v ? "Irsend" : "Rsend", n, peer);
            chk_case("%s", what);
            int tag = 400 + 10 * k + v;
            if (sender) {
                chk_fill(buf, n, chk_seed(52, (uint32_t)k, (uint32_t)v, 0));
                MPI_OK(MPI_Recv(&hs, 1, MPI_INT, peer, tag + 1000, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
                if (v) {
                    MPI_OK(MPI_Irsend(buf, (int)n, MPI_BYTE, peer, tag, MPI_COMM_WORLD, &rq));
                    MPI_OK(MPI_Wait(&rq, MPI_STATUS_IGNORE));
                } else {
                    MPI_OK(MPI_Rsend(buf, (int)n, MPI_BYTE, peer, tag, MPI_COMM_WORLD));
                }
            } else {
                memset(buf, 0, n);
                MPI_OK(MPI_Irecv(buf, (int)n, MPI_BYTE, peer, tag, MPI_COMM_WORLD, &rq));
                MPI_OK(MPI_Send(&hs, 1, MPI_INT, peer, tag + 1000, MPI_COMM_WORLD));
                MPI_OK(MPI_Wait(&rq, &st));
                CHECK_STATUS(&st, peer, tag, MPI_BYTE, (int)n, what);
                CHECK_BUF(buf, n, chk_seed(52, (uint32_t)k, (uint32_t)v, 0), what);
            }
        }

        /* Request_free on an active send: completes anyway; the ack says the buffer is free */
        snprintf(what, sizeof what, "Request_free of an active Isend, %zu bytes", n);
        chk_case("%s", what);
        if (sender) {
            chk_fill(buf, n, chk_seed(53, (uint32_t)k, 0, 0));
            MPI_OK(MPI_Isend(buf, (int)n, MPI_BYTE, peer, 500 + k, MPI_COMM_WORLD, &rq));
            MPI_OK(MPI_Request_free(&rq));
            CHECK(rq == MPI_REQUEST_NULL, "%s: handle not MPI_REQUEST_NULL", what);
            MPI_OK(MPI_Recv(&hs, 1, MPI_INT, peer, 600 + k, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
        } else {
            memset(buf, 0, n);
            MPI_OK(MPI_Recv(buf, (int)n, MPI_BYTE, peer, 500 + k, MPI_COMM_WORLD, &st));
            CHECK_STATUS(&st, peer, 500 + k, MPI_BYTE, (int)n, what);
            CHECK_BUF(buf, n, chk_seed(53, (uint32_t)k, 0, 0), what);
            MPI_OK(MPI_Send(&hs, 1, MPI_INT, peer, 600 + k, MPI_COMM_WORLD));
        }
        free(buf);
    }
}

static void ring_sendrecv(size_t n)
{
    int me = chk_rank, np = chk_size;
    int left = (me - 1 + np) % np, right = (me + 1) % np;
    unsigned char *sb = chk_malloc(n), *rb = chk_malloc(n);
    MPI_Status st;
    char what[160];
    snprintf(what, sizeof what, "Sendrecv ring, %zu bytes from rank %d", n, left);
    chk_case("%s", what);
    chk_fill(sb, n, chk_seed(54, (uint32_t)me, (uint32_t)n, 0));
    MPI_OK(MPI_Sendrecv(sb, (int)n, MPI_BYTE, right, 700, rb, (int)n, MPI_BYTE, left, 700, MPI_COMM_WORLD, &st));
    CHECK_STATUS(&st, left, 700, MPI_BYTE, (int)n, what);
    CHECK_BUF(rb, n, chk_seed(54, (uint32_t)left, (uint32_t)n, 0), what);

    /* Sendrecv_replace: after s steps the buffer holds the data of rank me - s */
    chk_fill(rb, n, chk_seed(55, (uint32_t)me, (uint32_t)n, 0));
    for (int s = 1; s <= np; s++) {
        int owner = ((me - s) % np + np) % np;
        snprintf(what, sizeof what, "Sendrecv_replace ring step %d, %zu bytes (data of rank %d)", s, n, owner);
        chk_case("%s", what);
        MPI_OK(MPI_Sendrecv_replace(rb, (int)n, MPI_BYTE, right, 701, left, MPI_ANY_TAG, MPI_COMM_WORLD, &st));
        CHECK_STATUS(&st, left, 701, MPI_BYTE, (int)n, what);
        CHECK_BUF(rb, n, chk_seed(55, (uint32_t)owner, (uint32_t)n, 0), what);
    }
    free(sb);
    free(rb);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    chk_begin("p2p_waittest");
    int me = chk_rank, np = chk_size;
    if (np < 2) {
        fprintf(stderr, "p2p_waittest needs at least 2 ranks\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    all_null();
    static const size_t sizes[] = {0, 100, 70000};
    for (int round = 0; round < 3; round++)
        for (int m = W_ALL; m <= T_ONE; m++) mixed((mode_t_)m, sizes[round], round);
    int peer = (me ^ 1) < np ? (me ^ 1) : -1;
    if (peer >= 0) synchronous_and_ready(peer, me % 2 == 0);
    ring_sendrecv(10);
    ring_sendrecv(300000);
    return chk_end();
}
