/* p2p_persistent: Send_init / Recv_init / Ssend_init reused over many iterations with Start and
 * Startall (content checked every time), Wait/Test on inactive persistent requests, PROC_NULL
 * persistent requests, Request_free of inactive persistent requests. Ring: r -> r+1. */
#include "check.h"

static void ring_iterations(size_t n, int iters, int synchronous, int use_startall)
{
    int me = chk_rank, np = chk_size;
    int to = (me + 1) % np, from = (me - 1 + np) % np;
    unsigned char *sb = chk_malloc(n), *rb = chk_malloc(n);
    MPI_Request rq[2];
    MPI_Status st[2];
    char what[160];
    int tag = 7 + synchronous;
    chk_case("persistent %s, %zu bytes: init", synchronous ? "Ssend_init" : "Send_init", n);
    MPI_OK(MPI_Recv_init(rb, (int)n, MPI_BYTE, from, tag, MPI_COMM_WORLD, &rq[0]));
    if (synchronous)
        MPI_OK(MPI_Ssend_init(sb, (int)n, MPI_BYTE, to, tag, MPI_COMM_WORLD, &rq[1]));
    else
        MPI_OK(MPI_Send_init(sb, (int)n, MPI_BYTE, to, tag, MPI_COMM_WORLD, &rq[1]));
    CHECK(rq[0] != MPI_REQUEST_NULL && rq[1] != MPI_REQUEST_NULL, "persistent init returned MPI_REQUEST_NULL");

    for (int it = 0; it < iters; it++) {
        snprintf(what, sizeof what, "persistent %s %s, %zu bytes, iteration %d", synchronous ? "Ssend" : "Send",
                 use_startall ? "Startall" : "Start", n, it);
        chk_case("%s", what);
        chk_fill(sb, n, chk_seed(40, (uint32_t)me, (uint32_t)n, (uint32_t)it));
        memset(rb, 0xEE, n);
        if (use_startall) {
            MPI_OK(MPI_Startall(2, rq));
            MPI_OK(MPI_Waitall(2, rq, st));
        } else {
            MPI_OK(MPI_Start(&rq[0]));
            MPI_OK(MPI_Start(&rq[1]));
            MPI_OK(MPI_Wait(&rq[1], &st[1]));
            MPI_OK(MPI_Wait(&rq[0], &st[0]));
        }
        CHECK(rq[0] != MPI_REQUEST_NULL && rq[1] != MPI_REQUEST_NULL, "%s: completion freed a persistent request",
              what);
        CHECK_STATUS(&st[0], from, tag, MPI_BYTE, (int)n, what);
        CHECK_BUF(rb, n, chk_seed(40, (uint32_t)from, (uint32_t)n, (uint32_t)it), what);
    }

    /* inactive persistent requests: Wait and Test return at once with an empty status */
    chk_case("Wait/Test on inactive persistent requests (%zu bytes)", n);
    MPI_Status e;
    memset(&e, 0x55, sizeof e);
    MPI_OK(MPI_Wait(&rq[0], &e));
    CHECK_EMPTY_STATUS(&e, MPI_ANY_SOURCE, "Wait on an inactive persistent receive");
    int flag = 0;
    MPI_OK(MPI_Test(&rq[1], &flag, &e));
    CHECK(flag == 1, "Test on an inactive persistent send: flag %d", flag);
    CHECK(rq[0] != MPI_REQUEST_NULL && rq[1] != MPI_REQUEST_NULL, "Wait/Test freed an inactive persistent request");

    chk_case("Request_free of inactive persistent requests (%zu bytes)", n);
    MPI_OK(MPI_Request_free(&rq[0]));
    MPI_OK(MPI_Request_free(&rq[1]));
    CHECK(rq[0] == MPI_REQUEST_NULL && rq[1] == MPI_REQUEST_NULL, "Request_free did not set MPI_REQUEST_NULL");
    free(sb);
    free(rb);
}

/* Many persistent requests at once: every rank to every other, Startall over all of them. */
static void all_pairs(int iters)
{
    int me = chk_rank, np = chk_size;
    enum { N = 333 }; /* ints per message */
    int *sb = chk_malloc(sizeof(int) * N * (size_t)np), *rb = chk_malloc(sizeof(int) * N * (size_t)np);
    MPI_Request *rq = chk_malloc(sizeof(MPI_Request) * 2 * (size_t)np);
    MPI_Status *st = chk_malloc(sizeof(MPI_Status) * 2 * (size_t)np);
    char what[160];
    chk_case("all pairs: init");
    for (int p = 0; p < np; p++) {
        MPI_OK(MPI_Recv_init(rb + p * N, N, MPI_INT, p, 20, MPI_COMM_WORLD, &rq[p]));
        MPI_OK(MPI_Send_init(sb + p * N, N, MPI_INT, p, 20, MPI_COMM_WORLD, &rq[np + p]));
    }
    for (int it = 0; it < iters; it++) {
        chk_case("all pairs: iteration %d", it);
        for (int p = 0; p < np; p++)
            for (int i = 0; i < N; i++) {
                sb[p * N + i] = ((me * 131 + p) * 1000 + it) * 1000 + i;
                rb[p * N + i] = -1;
            }
        MPI_OK(MPI_Startall(2 * np, rq));
        MPI_OK(MPI_Waitall(2 * np, rq, st));
        for (int p = 0; p < np; p++) {
            snprintf(what, sizeof what, "all pairs: iteration %d from rank %d", it, p);
            CHECK_STATUS(&st[p], p, 20, MPI_INT, N, what);
            for (int i = 0; i < N; i++)
                if (rb[p * N + i] != ((p * 131 + me) * 1000 + it) * 1000 + i)
                    chk_fail(__FILE__, __LINE__, "%s: int %d is %d, expected %d", what, i, rb[p * N + i],
                             ((p * 131 + me) * 1000 + it) * 1000 + i);
            chk_passed++;
        }
    }
    for (int i = 0; i < 2 * np; i++) MPI_OK(MPI_Request_free(&rq[i]));
    free(sb);
    free(rb);
    free(rq);
    free(st);
}

static void proc_null_persistent(void)
{
    int buf[2] = {3, 4};
    MPI_Request rq[2];
    MPI_Status st[2];
    chk_case("persistent requests on MPI_PROC_NULL");
    MPI_OK(MPI_Send_init(buf, 2, MPI_INT, MPI_PROC_NULL, 1, MPI_COMM_WORLD, &rq[0]));
    MPI_OK(MPI_Recv_init(buf, 2, MPI_INT, MPI_PROC_NULL, 1, MPI_COMM_WORLD, &rq[1]));
    for (int it = 0; it < 3; it++) {
        MPI_OK(MPI_Startall(2, rq));
        MPI_OK(MPI_Waitall(2, rq, st));
        CHECK_EMPTY_STATUS(&st[1], MPI_PROC_NULL, "persistent receive from MPI_PROC_NULL");
        CHECK(buf[0] == 3 && buf[1] == 4, "persistent receive from MPI_PROC_NULL changed the buffer");
    }
    MPI_OK(MPI_Request_free(&rq[0]));
    MPI_OK(MPI_Request_free(&rq[1]));
    /* never started: freeing is fine too */
    chk_case("Request_free of a never-started persistent request");
    MPI_OK(MPI_Send_init(buf, 2, MPI_INT, (chk_rank + 1) % chk_size, 99, MPI_COMM_WORLD, &rq[0]));
    MPI_OK(MPI_Request_free(&rq[0]));
    CHECK(rq[0] == MPI_REQUEST_NULL, "Request_free of a never-started request did not set MPI_REQUEST_NULL");
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    chk_begin("p2p_persistent");
    int np = chk_size;
    int many = np <= 4 ? 100 : 40;
    ring_iterations(64, many, 0, 1);
    ring_iterations(64, many, 0, 0);
    ring_iterations(40000, many / 2, 0, 1);
    ring_iterations((size_t)1 << 20, 10, 0, 1);
    ring_iterations(0, 10, 0, 0);
    ring_iterations(64, 30, 1, 1);
    ring_iterations(200000, 10, 1, 0);
    all_pairs(np <= 4 ? 50 : 20);
    proc_null_persistent();
    return chk_end();
}
