/* comm_inter: intercommunicators. WORLD splits into the even and the odd ranks; Intercomm_create
 * joins them (leaders: local rank 0, remote leader named in WORLD); test_inter, Comm_size /
 * remote_size / rank, Comm_group (the local group), point-to-point to remote ranks (source in
 * the status is the remote rank), Comm_dup of the intercommunicator (isolated traffic),
 * Comm_compare, Intercomm_merge with high = 0/1 on either side and on both (rank order checked),
 * traffic and a collective on the merged communicator. Needs at least 2 ranks. */
#include "check.h"

/* World rank of rank r of the even (side 0) or odd (side 1) group. */
static int world_of(int side, int r)
{
    return 2 * r + side;
}

static void check_merged(MPI_Comm m, int low_side, const char *what)
{
    int n = chk_size, size = -1, rank = -1;
    int evens = (n + 1) / 2, odds = n / 2;
    int first_n = low_side ? odds : evens;
    MPI_OK(MPI_Comm_size(m, &size));
    MPI_OK(MPI_Comm_rank(m, &rank));
    CHECK_INT(size, n, what);
    int side = chk_rank % 2, expect = side == low_side ? chk_rank / 2 : first_n + chk_rank / 2;
    CHECK_INT(rank, expect, what);
    int flag = -1;
    MPI_OK(MPI_Comm_test_inter(m, &flag));
    CHECK_INT(flag, 0, "merged communicator is an intracommunicator");
    /* Everybody sends its world rank to merged rank 0, which checks the order. */
    int sum = -1;
    MPI_OK(MPI_Allreduce(&chk_rank, &sum, 1, MPI_INT, MPI_SUM, m));
    CHECK_INT(sum, n * (n - 1) / 2, "allreduce over the merged communicator");
    if (rank == 0) {
        for (int r = 1; r < n; r++) {
            int w = -1;
            MPI_OK(MPI_Recv(&w, 1, MPI_INT, r, 3, m, MPI_STATUS_IGNORE));
            int s = r < first_n ? low_side : 1 - low_side, idx = r < first_n ? r : r - first_n;
            CHECK_INT(w, world_of(s, idx), "world rank at a merged rank");
        }
    } else {
        MPI_OK(MPI_Send(&chk_rank, 1, MPI_INT, 0, 3, m));
    }
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    chk_begin("comm_inter");
    int n = chk_size, side = chk_rank % 2;
    int evens = (n + 1) / 2, odds = n / 2;
    int my_n = side ? odds : evens, other_n = side ? evens : odds;

    chk_case("Intercomm_create");
    MPI_Comm half, inter;
    MPI_OK(MPI_Comm_split(MPI_COMM_WORLD, side, chk_rank, &half));
    MPI_OK(MPI_Intercomm_create(half, 0, MPI_COMM_WORLD, side ? 0 : 1, 42, &inter));
    int flag = -1, size = -1, rsize = -1, rank = -1;
    MPI_OK(MPI_Comm_test_inter(inter, &flag));
    CHECK_INT(flag, 1, "test_inter");
    MPI_OK(MPI_Comm_size(inter, &size));
    MPI_OK(MPI_Comm_remote_size(inter, &rsize));
    MPI_OK(MPI_Comm_rank(inter, &rank));
    CHECK_INT(size, my_n, "local size");
    CHECK_INT(rsize, other_n, "remote size");
    CHECK_INT(rank, chk_rank / 2, "local rank");

    chk_case("Comm_group of an intercommunicator is the local group");
    MPI_Group g, wg;
    MPI_OK(MPI_Comm_group(inter, &g));
    MPI_OK(MPI_Comm_group(MPI_COMM_WORLD, &wg));
    int gs = -1;
    MPI_OK(MPI_Group_size(g, &gs));
    CHECK_INT(gs, my_n, "group size");
    for (int r = 0; r < my_n; r++) {
        int w = -1;
        MPI_OK(MPI_Group_translate_ranks(g, 1, &r, wg, &w));
        CHECK_INT(w, world_of(side, r), "local group member");
    }
    MPI_OK(MPI_Group_free(&g));
    MPI_OK(MPI_Group_free(&wg));

    chk_case("point-to-point to every remote rank");
    /* Each rank sends its world rank to every remote rank and receives one from each. */
    MPI_Request *rq = chk_malloc(sizeof(MPI_Request) * (size_t)(2 * other_n));
    int *in = chk_malloc(sizeof(int) * (size_t)other_n);
    for (int r = 0; r < other_n; r++) {
        MPI_OK(MPI_Irecv(&in[r], 1, MPI_INT, r, 11, inter, &rq[r]));
        MPI_OK(MPI_Isend(&chk_rank, 1, MPI_INT, r, 11, inter, &rq[other_n + r]));
    }
    MPI_OK(MPI_Waitall(2 * other_n, rq, MPI_STATUSES_IGNORE));
    for (int r = 0; r < other_n; r++) CHECK_INT(in[r], world_of(1 - side, r), "value from a remote rank");
    MPI_Status st;
    int v = -1;
    if (rank == 0) MPI_OK(MPI_Send(&rank, 1, MPI_INT, other_n - 1, 12, inter));
    if (rank == my_n - 1) {
        MPI_OK(MPI_Recv(&v, 1, MPI_INT, MPI_ANY_SOURCE, 12, inter, &st));
        CHECK_INT(st.MPI_SOURCE, 0, "status source is the remote rank");
        CHECK_INT(v, 0, "value");
    }

    chk_case("Comm_dup of an intercommunicator");
    MPI_Comm inter2;
    MPI_OK(MPI_Comm_dup(inter, &inter2));
    int res = -1;
    MPI_OK(MPI_Comm_compare(inter, inter2, &res));
    CHECK_INT(res, MPI_CONGRUENT, "dup vs original");
    MPI_OK(MPI_Comm_compare(inter, MPI_COMM_WORLD, &res));
    CHECK_INT(res, MPI_UNEQUAL, "intercommunicator vs WORLD");
    MPI_OK(MPI_Comm_remote_size(inter2, &rsize));
    CHECK_INT(rsize, other_n, "remote size of the dup");
    int a = 100 + chk_rank, b = 200 + chk_rank, ga = -1, gb = -1;
    int peer = rank < other_n ? rank : other_n - 1;
    int senders = 0; /* remote ranks whose peer is me */
    for (int r = 0; r < other_n; r++) senders += (r < my_n ? r : my_n - 1) == rank;
    /* Each rank sends to its peer on both communicators, the dup first; receivers take the
     * original's message first, so matching across the two would show. */
    MPI_Request q[2];
    MPI_OK(MPI_Isend(&b, 1, MPI_INT, peer, 13, inter2, &q[0]));
    MPI_OK(MPI_Isend(&a, 1, MPI_INT, peer, 13, inter, &q[1]));
    for (int i = 0; i < senders; i++) {
        MPI_OK(MPI_Recv(&ga, 1, MPI_INT, MPI_ANY_SOURCE, 13, inter, &st));
        int src = st.MPI_SOURCE;
        CHECK_INT(ga, 100 + world_of(1 - side, src), "message on the intercommunicator");
        MPI_OK(MPI_Recv(&gb, 1, MPI_INT, src, 13, inter2, MPI_STATUS_IGNORE));
        CHECK_INT(gb, 200 + world_of(1 - side, src), "message on its dup");
    }
    MPI_OK(MPI_Waitall(2, q, MPI_STATUSES_IGNORE));
    MPI_OK(MPI_Comm_free(&inter2));

#ifdef MSGPASS_VERSION_STRING
    /* Collectives on intercommunicators are not provided: refused with MPI_ERR_COMM, and the
     * intercommunicator keeps working. */
    chk_case("a collective on an intercommunicator is refused");
    MPI_OK(MPI_Comm_set_errhandler(inter, MPI_ERRORS_RETURN));
    int ec = -1;
    MPI_Error_class(MPI_Barrier(inter), &ec);
    CHECK_INT(ec, MPI_ERR_COMM, "MPI_Barrier on an intercommunicator");
    MPI_Error_class(MPI_Allreduce(&a, &ga, 1, MPI_INT, MPI_SUM, inter), &ec);
    CHECK_INT(ec, MPI_ERR_COMM, "MPI_Allreduce on an intercommunicator");
#endif

    chk_case("Intercomm_merge, odd side high");
    MPI_Comm m;
    MPI_OK(MPI_Intercomm_merge(inter, side, &m));
    check_merged(m, 0, "merge odd-high");
    MPI_OK(MPI_Comm_free(&m));
    chk_case("Intercomm_merge, even side high");
    MPI_OK(MPI_Intercomm_merge(inter, !side, &m));
    check_merged(m, 1, "merge even-high");
    MPI_OK(MPI_Comm_free(&m));
    chk_case("Intercomm_merge, both the same: some order, every rank agrees");
    MPI_OK(MPI_Intercomm_merge(inter, 1, &m));
    int mr = -1, first = -1;
    MPI_OK(MPI_Comm_rank(m, &mr));
    if (mr == 0) first = side;
    MPI_OK(MPI_Bcast(&first, 1, MPI_INT, 0, m));
    check_merged(m, first, "merge tie");
    MPI_OK(MPI_Comm_free(&m));

    MPI_OK(MPI_Comm_free(&inter));
    MPI_OK(MPI_Comm_free(&half));
    free(rq);
    free(in);
    return chk_end();
}
