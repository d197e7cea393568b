/* Resource stress: 10,000 outstanding requests per rank (receives posted before any message
 * arrives, then as many sends), completed in one Waitall and checked in order; then 2,000
 * communicators created and freed one after another (dup and split), each used for a message
 * before it is freed, so context ids and matching queues must be recycled, not leaked. */
#include "check.h" /* first: it sets the feature-test macros */

#include <stdlib.h>

enum { OUTSTANDING = 10000, COMM_CYCLES = 1000 };

static void many_requests(void)
{
    int me = chk_rank, np = chk_size;
    int right = (me + 1) % np, left = (me + np - 1) % np;
    int *in = chk_malloc(sizeof(int) * OUTSTANDING), *out = chk_malloc(sizeof(int) * OUTSTANDING);
    MPI_Request *req = chk_malloc(sizeof(MPI_Request) * 2 * OUTSTANDING);
    chk_case("%d receives from rank %d posted, then %d sends to rank %d", OUTSTANDING, left, OUTSTANDING, right);
    for (int i = 0; i < OUTSTANDING; i++) {
        in[i] = -1;
        MPI_OK(MPI_Irecv(&in[i], 1, MPI_INT, left, i % 3, MPI_COMM_WORLD, &req[i]));
    }
    MPI_OK(MPI_Barrier(MPI_COMM_WORLD));
    for (int i = 0; i < OUTSTANDING; i++) {
        out[i] = me * OUTSTANDING + i;
        MPI_OK(MPI_Isend(&out[i], 1, MPI_INT, right, i % 3, MPI_COMM_WORLD, &req[OUTSTANDING + i]));
    }
    MPI_OK(MPI_Waitall(2 * OUTSTANDING, req, MPI_STATUSES_IGNORE));
    for (int i = 0; i < OUTSTANDING; i++) CHECK_INT(in[i], left * OUTSTANDING + i, "message i from the left");
    for (int i = 0; i < 2 * OUTSTANDING; i++) CHECK(req[i] == MPI_REQUEST_NULL, "request %d not freed by Waitall", i);
    free(in);
    free(out);
    free(req);
}

/* One message around the ring of `comm` (whose ranks are a permutation of WORLD's). */
static void ring_message(MPI_Comm comm, int cycle)
{
    int r, n, got = -1;
    MPI_OK(MPI_Comm_rank(comm, &r));
    MPI_OK(MPI_Comm_size(comm, &n));
    MPI_OK(MPI_Sendrecv(&cycle, 1, MPI_INT, (r + 1) % n, 5, &got, 1, MPI_INT, (r + n - 1) % n, 5, comm,
                        MPI_STATUS_IGNORE));
    CHECK_INT(got, cycle, "message on a fresh communicator");
}

static void many_communicators(void)
{
    for (int cycle = 0; cycle < COMM_CYCLES; cycle++) {
        MPI_Comm dup, split;
        chk_case("communicator cycle %d: dup", cycle);
        MPI_OK(MPI_Comm_dup(MPI_COMM_WORLD, &dup));
        ring_message(dup, cycle);
        chk_case("communicator cycle %d: split with reversed keys", cycle);
        MPI_OK(MPI_Comm_split(dup, 0, chk_size - chk_rank, &split));
        int r;
        MPI_OK(MPI_Comm_rank(split, &r));
        CHECK_INT(r, chk_size - 1 - chk_rank, "rank in the reversed split");
        ring_message(split, cycle);
        MPI_OK(MPI_Comm_free(&split));
        MPI_OK(MPI_Comm_free(&dup));
        CHECK(dup == MPI_COMM_NULL && split == MPI_COMM_NULL, "Comm_free did not set the handles to MPI_COMM_NULL");
    }
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    chk_begin("stress_resources");
    many_requests();
    many_communicators();
    return chk_end();
}
