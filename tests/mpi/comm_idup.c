/* comm_idup: MPI_Comm_idup is nonblocking. A rank that starts it and then waits in a synchronous
 * send whose partner starts its own MPI_Comm_idup only after that send has completed must not
 * hang; point-to-point traffic overlaps the duplication; several duplications (of the same and of
 * different communicators, nonblocking and blocking) in flight at once give communicators with
 * the right groups whose messages never mix. */
#include "check.h"

/* Each rank sends to the next on b, then on a, with the same tag; receiving on a first must get
 * a's message: the two communicators do not share a context. */
static void check_apart(MPI_Comm a, MPI_Comm b, const char *what)
{
    int me, np;
    MPI_Comm_rank(a, &me);
    MPI_Comm_size(a, &np);
    chk_case("%s: messages stay apart", what);
    int to = (me + 1) % np, from = (me + np - 1) % np, one = 1, two = 2, got_a = 0, got_b = 0;
    MPI_Request r[2];
    MPI_OK(MPI_Isend(&one, 1, MPI_INT, to, 5, b, &r[0]));
    MPI_OK(MPI_Isend(&two, 1, MPI_INT, to, 5, a, &r[1]));
    MPI_OK(MPI_Recv(&got_a, 1, MPI_INT, MPI_ANY_SOURCE, 5, a, MPI_STATUS_IGNORE));
    MPI_OK(MPI_Recv(&got_b, 1, MPI_INT, from, MPI_ANY_TAG, b, MPI_STATUS_IGNORE));
    MPI_OK(MPI_Waitall(2, r, MPI_STATUSES_IGNORE));
    CHECK_INT(got_a, 2, "message on the first communicator");
    CHECK_INT(got_b, 1, "message on the second communicator");
}

/* dup is a working duplicate of parent: congruent, same rank, collectives run on it. */
static void check_dup(MPI_Comm parent, MPI_Comm dup, const char *what)
{
    chk_case("%s: a duplicate", what);
    CHECK(dup != MPI_COMM_NULL, "MPI_COMM_NULL");
    int cmp, me, dme, np, sum = 0;
    MPI_OK(MPI_Comm_compare(parent, dup, &cmp));
    CHECK_INT(cmp, MPI_CONGRUENT, "MPI_Comm_compare");
    MPI_Comm_rank(parent, &me);
    MPI_Comm_rank(dup, &dme);
    MPI_Comm_size(dup, &np);
    CHECK_INT(dme, me, "rank in the duplicate");
    MPI_OK(MPI_Allreduce(&me, &sum, 1, MPI_INT, MPI_SUM, dup));
    CHECK_INT(sum, np * (np - 1) / 2, "allreduce on the duplicate");
    check_apart(dup, parent, what);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    chk_begin("comm_idup");
    int me, np;
    MPI_Comm_rank(MPI_COMM_WORLD, &me);
    MPI_Comm_size(MPI_COMM_WORLD, &np);

    /* Rank 0 starts the duplication, then takes part in a synchronous exchange with rank 1, which
     * starts its own duplication only after that exchange: a duplication that completed inside
     * MPI_Comm_idup would wait for rank 1 there while rank 1 waits in MPI_Ssend. */
    chk_case("Comm_idup, then a synchronous send its partner completes first");
    MPI_Comm d1;
    MPI_Request r;
    int x = 0;
    if (me == 0) {
        MPI_OK(MPI_Comm_idup(MPI_COMM_WORLD, &d1, &r));
        if (np > 1) MPI_OK(MPI_Recv(&x, 1, MPI_INT, 1, 9, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
        if (np > 1) CHECK_INT(x, 42, "message from rank 1");
    } else {
        if (me == 1) {
            x = 42;
            MPI_OK(MPI_Ssend(&x, 1, MPI_INT, 0, 9, MPI_COMM_WORLD));
        }
        MPI_OK(MPI_Comm_idup(MPI_COMM_WORLD, &d1, &r));
    }
    /* More traffic between the start and the wait: a ring on WORLD. */
    int left = (me + np - 1) % np, right = (me + 1) % np, token = me, in = -1;
    MPI_OK(MPI_Sendrecv(&token, 1, MPI_INT, right, 3, &in, 1, MPI_INT, left, 3, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    CHECK_INT(in, left, "ring token");
    MPI_OK(MPI_Wait(&r, MPI_STATUS_IGNORE));
    CHECK(r == MPI_REQUEST_NULL, "request not freed by MPI_Wait");
    check_dup(MPI_COMM_WORLD, d1, "idup of WORLD");

    /* Several at once: two of WORLD, one of a split (reversed order), a blocking dup in between,
     * completed in another order than started. */
    chk_case("Comm_idup several in flight");
    MPI_Comm half, d2, d3, d4, d5;
    MPI_OK(MPI_Comm_split(MPI_COMM_WORLD, me % 2, np - me, &half));
    MPI_Request rs[3];
    MPI_OK(MPI_Comm_idup(MPI_COMM_WORLD, &d2, &rs[0]));
    MPI_OK(MPI_Comm_idup(half, &d3, &rs[1]));
    MPI_OK(MPI_Comm_dup(MPI_COMM_WORLD, &d4));
    MPI_OK(MPI_Comm_idup(d1, &d5, &rs[2]));
    int flag = 0;
    MPI_OK(MPI_Test(&rs[2], &flag, MPI_STATUS_IGNORE));
    MPI_OK(MPI_Wait(&rs[1], MPI_STATUS_IGNORE));
    MPI_OK(MPI_Waitall(3, rs, MPI_STATUSES_IGNORE));
    check_dup(MPI_COMM_WORLD, d2, "second idup of WORLD");
    check_dup(half, d3, "idup of a split");
    check_dup(MPI_COMM_WORLD, d4, "blocking dup among idups");
    check_dup(d1, d5, "idup of an idup");
    MPI_Comm all[] = {MPI_COMM_WORLD, d1, d2, d4, d5};
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 5; j++)
            if (i != j) check_apart(all[i], all[j], "pairs of duplicates");

    MPI_Comm *frees[] = {&d1, &d2, &d3, &d4, &d5, &half};
    for (int i = 0; i < 6; i++) MPI_OK(MPI_Comm_free(frees[i]));
    return chk_end();
}
