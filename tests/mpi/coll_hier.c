/* coll_hier: the collectives that have node-aware algorithms (Barrier, Bcast, Reduce, Allreduce,
 * Allgather, Allgatherv), blocking and nonblocking, on communicators laid over nodes in every
 * way: WORLD, a dup, a split with reversed keys, and a split whose order interleaves the nodes
 * (even ranks first, each half reversed), so node members are not consecutive ranks. Counts 0
 * to 20000, every kind of root (leaders, non-leaders, first, last), MPI_IN_PLACE, int SUM and a
 * non-commutative user op that is only right in rank order; Allgatherv with uneven blocks laid
 * out backwards with gaps. Results checked against a serial reference. Run with --simulate-nodes
 * and MSGPASS_COLL_<NAME>=hier to force the hierarchical algorithms (tests/mpi/CMakeLists.txt). */
#include "check.h"

typedef struct {
    int lo, hi;
} range;

static MPI_Op range_op;
static int nb; /* use the nonblocking forms */

/* (lo1, hi1) op (lo2, hi2) = (lo1, hi2) when the ranges are adjacent and in order; anything else
 * poisons the result. */
static void range_fn(void *in, void *inout, int *len, MPI_Datatype *dt)
{
    (void)dt;
    range *a = in, *b = inout;
    for (int i = 0; i < *len; i++) {
        if (a[i].hi + 1 == b[i].lo && a[i].lo >= 0)
            b[i].lo = a[i].lo;
        else
            b[i].lo = b[i].hi = -1000000;
    }
}

static void finish(MPI_Request *r)
{
    if (nb) MPI_OK(MPI_Wait(r, MPI_STATUS_IGNORE));
}

static int val(int r, size_t i)
{
    return (r + 1) * 1000 + (int)(i % 997);
}

static void test_bcast(MPI_Comm comm, size_t n, int root)
{
    int me;
    MPI_Comm_rank(comm, &me);
    int *buf = chk_malloc((n + 1) * sizeof(int));
    for (size_t i = 0; i <= n; i++) buf[i] = me == root ? val(root, i) : -1;
    MPI_Request r = MPI_REQUEST_NULL;
    if (nb)
        MPI_OK(MPI_Ibcast(buf, (int)n, MPI_INT, root, comm, &r));
    else
        MPI_OK(MPI_Bcast(buf, (int)n, MPI_INT, root, comm));
    finish(&r);
    for (size_t i = 0; i < n; i++)
        if (buf[i] != val(root, i)) CHECK(0, "Bcast element %zu: %d, expected %d", i, buf[i], val(root, i));
    CHECK(me == root || buf[n] == -1, "Bcast wrote past the message");
    chk_passed++;
    free(buf);
}

/* The reduction of every rank's contribution: SUM of val, or the range (0, np - 1). */
static void check_reduced(const void *out, size_t n, int np, int ordered, const char *what)
{
    for (size_t i = 0; i < n; i++) {
        if (ordered) {
            const range *g = (const range *)out + i;
            int lo = (int)(i % 5) * np, hi = lo + np - 1;
            if (g->lo != lo || g->hi != hi)
                CHECK(0, "%s element %zu: (%d,%d), expected (%d,%d)", what, i, g->lo, g->hi, lo, hi);
        } else {
            int want = 0;
            for (int r = 0; r < np; r++) want += val(r, i);
            if (((const int *)out)[i] != want)
                CHECK(0, "%s element %zu: %d, expected %d", what, i, ((const int *)out)[i], want);
        }
    }
    chk_passed++;
}

static void *contribution(int me, int np, size_t n, int ordered)
{
    void *b = chk_malloc((n + 1) * sizeof(range));
    for (size_t i = 0; i < n; i++) {
        if (ordered)
            ((range *)b)[i].lo = ((range *)b)[i].hi = (int)(i % 5) * np + me;
        else
            ((int *)b)[i] = val(me, i);
    }
    return b;
}

static void test_reduce(MPI_Comm comm, size_t n, int root, int ordered, int in_place)
{
    int me, np;
    MPI_Comm_rank(comm, &me);
    MPI_Comm_size(comm, &np);
    MPI_Datatype t = ordered ? MPI_2INT : MPI_INT;
    MPI_Op op = ordered ? range_op : MPI_SUM;
    void *in = contribution(me, np, n, ordered), *out = chk_malloc((n + 1) * sizeof(range));
    memset(out, 0x5a, (n + 1) * sizeof(range));
    int ip = in_place && me == root;
    if (ip) memcpy(out, in, n * (ordered ? sizeof(range) : sizeof(int)));
    MPI_Request r = MPI_REQUEST_NULL;
    if (nb)
        MPI_OK(MPI_Ireduce(ip ? MPI_IN_PLACE : in, out, (int)n, t, op, root, comm, &r));
    else
        MPI_OK(MPI_Reduce(ip ? MPI_IN_PLACE : in, out, (int)n, t, op, root, comm));
    finish(&r);
    if (me == root) check_reduced(out, n, np, ordered, "Reduce");
    if (me != root) CHECK_BYTES(out, (n + 1) * sizeof(range), 0x5a, "Reduce receive buffer of a non-root");
    free(in), free(out);
}

static void test_allreduce(MPI_Comm comm, size_t n, int ordered, int in_place)
{
    int me, np;
    MPI_Comm_rank(comm, &me);
    MPI_Comm_size(comm, &np);
    MPI_Datatype t = ordered ? MPI_2INT : MPI_INT;
    MPI_Op op = ordered ? range_op : MPI_SUM;
    void *in = contribution(me, np, n, ordered), *out = in_place ? in : chk_malloc((n + 1) * sizeof(range));
    MPI_Request r = MPI_REQUEST_NULL;
    if (nb)
        MPI_OK(MPI_Iallreduce(in_place ? MPI_IN_PLACE : in, out, (int)n, t, op, comm, &r));
    else
        MPI_OK(MPI_Allreduce(in_place ? MPI_IN_PLACE : in, out, (int)n, t, op, comm));
    finish(&r);
    check_reduced(out, n, np, ordered, "Allreduce");
    if (!in_place) free(out);
    free(in);
}

static void test_allgather(MPI_Comm comm, size_t n, int in_place)
{
    int me, np;
    MPI_Comm_rank(comm, &me);
    MPI_Comm_size(comm, &np);
    size_t total = n * (size_t)np;
    int *out = chk_malloc((total + 1) * sizeof(int)), *in = chk_malloc((n + 1) * sizeof(int));
    for (size_t i = 0; i <= total; i++) out[i] = -1;
    for (size_t i = 0; i < n; i++) in[i] = val(me, i);
    if (in_place) memcpy(out + (size_t)me * n, in, n * sizeof(int));
    MPI_Request r = MPI_REQUEST_NULL;
    const void *sb = in_place ? MPI_IN_PLACE : in;
    if (nb)
        MPI_OK(MPI_Iallgather(sb, (int)n, MPI_INT, out, (int)n, MPI_INT, comm, &r));
    else
        MPI_OK(MPI_Allgather(sb, (int)n, MPI_INT, out, (int)n, MPI_INT, comm));
    finish(&r);
    for (int q = 0; q < np; q++)
        for (size_t i = 0; i < n; i++)
            if (out[(size_t)q * n + i] != val(q, i))
                CHECK(0, "Allgather block %d element %zu: %d, expected %d", q, i, out[(size_t)q * n + i], val(q, i));
    CHECK(out[total] == -1, "Allgather wrote past the buffer");
    chk_passed++;
    free(in), free(out);
}

/* Rank q contributes (q * 7 + base) % 5 * base elements (some ranks none); blocks are laid out
 * backwards (the last rank's first) with a gap of 3 elements after each. */
static void test_allgatherv(MPI_Comm comm, size_t base, int in_place)
{
    int me, np;
    MPI_Comm_rank(comm, &me);
    MPI_Comm_size(comm, &np);
    int *counts = chk_malloc((size_t)np * sizeof(int)), *displs = chk_malloc((size_t)np * sizeof(int));
    int span = 0;
    for (int q = np - 1; q >= 0; q--) {
        counts[q] = (int)(((size_t)q * 7 + base) % 5 * base);
        displs[q] = span;
        span += counts[q] + 3;
    }
    int *out = chk_malloc(((size_t)span + 1) * sizeof(int)), *in = chk_malloc(((size_t)counts[me] + 1) * sizeof(int));
    for (int i = 0; i <= span; i++) out[i] = -1;
    for (int i = 0; i < counts[me]; i++) in[i] = val(me, (size_t)i);
    if (in_place) memcpy(out + displs[me], in, (size_t)counts[me] * sizeof(int));
    MPI_Request r = MPI_REQUEST_NULL;
    const void *sb = in_place ? MPI_IN_PLACE : in;
    if (nb)
        MPI_OK(MPI_Iallgatherv(sb, counts[me], MPI_INT, out, counts, displs, MPI_INT, comm, &r));
    else
        MPI_OK(MPI_Allgatherv(sb, counts[me], MPI_INT, out, counts, displs, MPI_INT, comm));
    finish(&r);
    for (int q = 0; q < np; q++) {
        for (int i = 0; i < counts[q]; i++)
            if (out[displs[q] + i] != val(q, (size_t)i))
                CHECK(0, "Allgatherv block %d element %d: %d, expected %d", q, i, out[displs[q] + i],
                      val(q, (size_t)i));
        for (int i = counts[q]; i < counts[q] + 3; i++)
            CHECK(out[displs[q] + i] == -1, "Allgatherv wrote into the gap after block %d", q);
    }
    chk_passed++;
    free(counts), free(displs), free(in), free(out);
}

/* Several nonblocking collectives in flight at once on one communicator: their messages must
 * not match each other's (each collective's phases share one tag). */
static void test_overlap(MPI_Comm comm)
{
    int me, np;
    MPI_Comm_rank(comm, &me);
    MPI_Comm_size(comm, &np);
    enum { N = 500 };
    int *a = chk_malloc(N * sizeof(int)), *sum = chk_malloc(N * sizeof(int)), *bc = chk_malloc(N * sizeof(int));
    int *gath = chk_malloc((size_t)np * N * sizeof(int));
    for (int i = 0; i < N; i++) a[i] = val(me, (size_t)i), bc[i] = me == np - 1 ? val(np - 1, (size_t)i) : -1;
    MPI_Request r[4];
    MPI_OK(MPI_Iallreduce(a, sum, N, MPI_INT, MPI_SUM, comm, &r[0]));
    MPI_OK(MPI_Ibarrier(comm, &r[1]));
    MPI_OK(MPI_Iallgather(a, N, MPI_INT, gath, N, MPI_INT, comm, &r[2]));
    MPI_OK(MPI_Ibcast(bc, N, MPI_INT, np - 1, comm, &r[3]));
    MPI_OK(MPI_Waitall(4, r, MPI_STATUSES_IGNORE));
    check_reduced(sum, N, np, 0, "overlapped Iallreduce");
    for (int i = 0; i < N; i++) {
        if (bc[i] != val(np - 1, (size_t)i)) CHECK(0, "overlapped Ibcast element %d: %d", i, bc[i]);
        for (int q = 0; q < np; q++)
            if (gath[q * N + i] != val(q, (size_t)i)) CHECK(0, "overlapped Iallgather block %d element %d", q, i);
    }
    chk_passed++;
    free(a), free(sum), free(bc), free(gath);
}

static void run_all(MPI_Comm comm, const char *cname)
{
    int np;
    MPI_Comm_size(comm, &np);
    const char *how = nb ? " (nonblocking)" : "";
    static const size_t counts[] = {0, 1, 1000, 20000};
    for (int ci = 0; ci < 4; ci++) {
        size_t n = counts[ci];
        chk_case("%s%s: Barrier", cname, how);
        MPI_Request r = MPI_REQUEST_NULL;
        if (nb)
            MPI_OK(MPI_Ibarrier(comm, &r));
        else
            MPI_OK(MPI_Barrier(comm));
        finish(&r);
        /* Every root for short messages; for the long ones the first, the last and the middle. */
        for (int root = 0; root < np; root++) {
            if (n > 1 && root != 0 && root != np - 1 && root != np / 2) continue;
            chk_case("%s%s: Bcast %zu ints, root %d", cname, how, n, root);
            test_bcast(comm, n, root);
            for (int ordered = 0; ordered < 2; ordered++)
                for (int ip = 0; ip < 2; ip++) {
                    if (n == 20000 && (ordered || ip)) continue;
                    chk_case("%s%s: Reduce %s, %zu elements, root %d%s", cname, how,
                             ordered ? "ordered user op" : "int SUM", n, root, ip ? ", MPI_IN_PLACE" : "");
                    test_reduce(comm, n, root, ordered, ip);
                }
        }
        for (int ordered = 0; ordered < 2; ordered++)
            for (int ip = 0; ip < 2; ip++) {
                chk_case("%s%s: Allreduce %s, %zu elements%s", cname, how, ordered ? "ordered user op" : "int SUM", n,
                         ip ? ", MPI_IN_PLACE" : "");
                test_allreduce(comm, n, ordered, ip);
            }
        for (int ip = 0; ip < 2; ip++) {
            size_t m = n > 1000 ? n / 8 : n;
            chk_case("%s%s: Allgather %zu ints%s", cname, how, m, ip ? ", MPI_IN_PLACE" : "");
            test_allgather(comm, m, ip);
            chk_case("%s%s: Allgatherv base %zu%s", cname, how, m / 3 + (m > 0), ip ? ", MPI_IN_PLACE" : "");
            test_allgatherv(comm, m / 3 + (m > 0), ip);
        }
    }
    chk_case("%s: nonblocking collectives overlapped", cname);
    test_overlap(comm);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    chk_begin("coll_hier");
    int me, np;
    MPI_Comm_rank(MPI_COMM_WORLD, &me);
    MPI_Comm_size(MPI_COMM_WORLD, &np);
    MPI_OK(MPI_Op_create(range_fn, 0, &range_op));
    MPI_Comm dup, reversed, interleaved;
    MPI_OK(MPI_Comm_dup(MPI_COMM_WORLD, &dup));
    MPI_OK(MPI_Comm_split(MPI_COMM_WORLD, me % 2, np - me, &reversed));
    MPI_OK(MPI_Comm_split(MPI_COMM_WORLD, 0, (me % 2) * np + (np - me), &interleaved));
    for (nb = 0; nb < 2; nb++) {
        run_all(MPI_COMM_WORLD, "WORLD");
        run_all(dup, "dup");
        run_all(reversed, "split(parity, reversed keys)");
        run_all(interleaved, "split(evens then odds, reversed keys)");
    }
    MPI_OK(MPI_Comm_free(&dup));
    MPI_OK(MPI_Comm_free(&reversed));
    MPI_OK(MPI_Comm_free(&interleaved));
    MPI_OK(MPI_Op_free(&range_op));
    return chk_end();
}
