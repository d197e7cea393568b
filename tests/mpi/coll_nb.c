/* coll_nb: nonblocking collectives overlapped with each other and with point-to-point traffic:
 * several in flight at once on one communicator (their messages must not match each other's),
 * on a dup and a split, completed in another order than started with Waitall, Testall, Testany
 * and Test polling, while a ring of Isend/Irecv runs on WORLD; a user op freed while in use.
 * Results checked. */
#include "check.h"

#define N 3000

static void add_fn(void *in, void *inout, int *len, MPI_Datatype *dt)
{
    (void)dt;
    for (int i = 0; i < *len; i++) ((int *)inout)[i] += ((int *)in)[i];
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    chk_begin("coll_nb");
    int me, np;
    MPI_Comm_rank(MPI_COMM_WORLD, &me);
    MPI_Comm_size(MPI_COMM_WORLD, &np);
    MPI_Comm dup, split;
    MPI_OK(MPI_Comm_dup(MPI_COMM_WORLD, &dup));
    MPI_OK(MPI_Comm_split(MPI_COMM_WORLD, me % 2, -me, &split));
    int sme, snp;
    MPI_Comm_rank(split, &sme);
    MPI_Comm_size(split, &snp);

    int *a = chk_malloc(N * sizeof(int)), *sum = chk_malloc(N * sizeof(int)), *sum2 = chk_malloc(N * sizeof(int));
    int *gath = chk_malloc((size_t)np * N * sizeof(int)), *bc = chk_malloc(N * sizeof(int));
    int *ring_out = chk_malloc(N * sizeof(int)), *ring_in = chk_malloc(N * sizeof(int));
    int *scan = chk_malloc(N * sizeof(int));
    for (int round = 0; round < 20; round++) {
        chk_case("round %d: 6 nonblocking collectives and a p2p ring in flight", round);
        for (int i = 0; i < N; i++) a[i] = me * 1000 + i + round, ring_out[i] = me + i * round;
        for (int i = 0; i < N; i++) bc[i] = me == round % np ? i * 3 + round : -1;
        MPI_Request r[8];
        int right = (me + 1) % np, left = (me - 1 + np) % np;
        MPI_OK(MPI_Irecv(ring_in, N, MPI_INT, left, round, MPI_COMM_WORLD, &r[0]));
        MPI_OK(MPI_Iallreduce(a, sum, N, MPI_INT, MPI_SUM, MPI_COMM_WORLD, &r[1]));
        MPI_OK(MPI_Iallgather(a, N, MPI_INT, gath, N, MPI_INT, MPI_COMM_WORLD, &r[2]));
        MPI_OK(MPI_Ibcast(bc, N, MPI_INT, round % np, dup, &r[3]));
        MPI_OK(MPI_Iallreduce(a, sum2, N, MPI_INT, MPI_MAX, split, &r[4]));
        MPI_OK(MPI_Iscan(a, scan, N, MPI_INT, MPI_SUM, MPI_COMM_WORLD, &r[5]));
        MPI_OK(MPI_Ibarrier(dup, &r[6]));
        MPI_OK(MPI_Isend(ring_out, N, MPI_INT, right, round, MPI_COMM_WORLD, &r[7]));
        switch (round % 3) {
        case 0: MPI_OK(MPI_Waitall(8, r, MPI_STATUSES_IGNORE)); break;
        case 1: {
            int flag = 0;
            while (!flag) MPI_OK(MPI_Testall(8, r, &flag, MPI_STATUSES_IGNORE));
            break;
        }
        default:
            for (int left_n = 8; left_n > 0;) {
                int idx, flag;
                MPI_OK(MPI_Testany(8, r, &idx, &flag, MPI_STATUS_IGNORE));
                if (flag && idx != MPI_UNDEFINED) left_n--;
            }
        }
        for (int i = 0; i < 8; i++) CHECK(r[i] == MPI_REQUEST_NULL, "request %d not freed", i);
        for (int i = 0; i < N; i++) {
            long long s = 0, pre = 0;
            for (int q = 0; q < np; q++) {
                s += q * 1000 + i + round;
                if (q <= me) pre += q * 1000 + i + round;
            }
            if (sum[i] != s) CHECK(0, "Iallreduce[%d] = %d, expected %lld", i, sum[i], s);
            if (scan[i] != pre) CHECK(0, "Iscan[%d] = %d, expected %lld", i, scan[i], pre);
            if (bc[i] != i * 3 + round) CHECK(0, "Ibcast[%d] = %d", i, bc[i]);
            if (ring_in[i] != left + i * round) CHECK(0, "ring[%d] = %d", i, ring_in[i]);
            /* the split's highest world rank has the largest value: with keys -me, its rank 0 */
            int top = me % 2 + 2 * ((np - 1 - me % 2) / 2);
            if (sum2[i] != top * 1000 + i + round) CHECK(0, "Iallreduce MAX on split[%d] = %d", i, sum2[i]);
            for (int q = 0; q < np; q++)
                if (gath[q * N + i] != q * 1000 + i + round) CHECK(0, "Iallgather[%d][%d] = %d", q, i, gath[q * N + i]);
        }
        chk_passed += 6;
    }

    chk_case("Test polling one Ialltoall while computing");
    int *s = chk_malloc((size_t)np * 100 * sizeof(int)), *d = chk_malloc((size_t)np * 100 * sizeof(int));
    for (int i = 0; i < np * 100; i++) s[i] = me * 100000 + i;
    MPI_Request req;
    MPI_OK(MPI_Ialltoall(s, 100, MPI_INT, d, 100, MPI_INT, MPI_COMM_WORLD, &req));
    int flag = 0;
    while (!flag) MPI_OK(MPI_Test(&req, &flag, MPI_STATUS_IGNORE));
    for (int q = 0; q < np; q++)
        for (int i = 0; i < 100; i++)
            if (d[q * 100 + i] != q * 100000 + me * 100 + i)
                CHECK(0, "Ialltoall from %d [%d] = %d", q, i, d[q * 100 + i]);
    chk_passed++;

    chk_case("MPI_Op_free while an Iallreduce with that op is in flight");
    MPI_Op add;
    MPI_OK(MPI_Op_create(add_fn, 1, &add));
    for (int i = 0; i < N; i++) a[i] = me + i;
    MPI_OK(MPI_Iallreduce(a, sum, N, MPI_INT, add, MPI_COMM_WORLD, &req));
    MPI_OK(MPI_Op_free(&add));
    MPI_OK(MPI_Wait(&req, MPI_STATUS_IGNORE));
    for (int i = 0; i < N; i++)
        if (sum[i] != np * (np - 1) / 2 + np * i) CHECK(0, "Iallreduce with a freed op [%d] = %d", i, sum[i]);
    chk_passed++;

    free(a), free(sum), free(sum2), free(gath), free(bc), free(ring_out), free(ring_in), free(scan), free(s), free(d);
    MPI_OK(MPI_Comm_free(&dup));
    MPI_OK(MPI_Comm_free(&split));
    return chk_end();
}
