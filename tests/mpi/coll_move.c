/* coll_move: Barrier, Bcast, Gather(v), Scatter(v), Allgather(v), Alltoall(v,w) (blocking and
 * nonblocking forms) on WORLD, a dup and a split with reversed keys; block sizes 0 to 1 MiB;
 * roots first, last and middle; MPI_IN_PLACE; differing send and receive types of the same
 * signature; v-variants with uneven counts and displacements in reverse rank order with gaps.
 * Every block is a pattern seeded by its source and destination, checked where it lands; gaps
 * must stay untouched. Run under MSGPASS_COLL_<NAME>=<algorithm> to cover every algorithm. */
#include "check.h"

static int nb;
static MPI_Datatype quad; /* contiguous(4, MPI_CHAR): a receive type of the same signature as 4 bytes */

#define GUARD 0x77

static uint32_t seed_of(int from, int to, size_t n, int tag)
{
    return chk_seed((uint32_t)from, (uint32_t)to, (uint32_t)n, (uint32_t)tag);
}

static void finish(MPI_Request *r)
{
    if (nb) MPI_OK(MPI_Wait(r, MPI_STATUS_IGNORE));
}

static void test_bcast(MPI_Comm comm, size_t n, int root)
{
    int me;
    MPI_Comm_rank(comm, &me);
    char *buf = chk_malloc(n);
    uint32_t seed = seed_of(root, -1, n, 1);
    if (me == root)
        chk_fill(buf, n, seed);
    else
        memset(buf, GUARD, n);
    MPI_Request r;
    /* Whole 4-byte units travel as `quad` on odd ranks: same signature, other type. */
    int use_quad = n % 4 == 0 && me % 2;
    MPI_Datatype t = use_quad ? quad : MPI_BYTE;
    int cnt = (int)(use_quad ? n / 4 : n);
    if (nb)
        MPI_OK(MPI_Ibcast(buf, cnt, t, root, comm, &r));
    else
        MPI_OK(MPI_Bcast(buf, cnt, t, root, comm));
    finish(&r);
    CHECK_BUF(buf, n, seed, "Bcast data");
    free(buf);
}

/* Block sizes per rank for the v-variants: uneven, some zero. */
static int vcount(int i, size_t n)
{
    return (int)((size_t)(i % 3) * n / 2 + (i % 4 == 1 ? 0 : n / 3 + 1));
}

/* Displacements in reverse rank order with a 3-byte gap after each block; returns the total. */
static size_t vlayout(int np, const int *counts, int *displs)
{
    size_t off = 0;
    for (int i = np - 1; i >= 0; i--) {
        displs[i] = (int)off;
        off += (size_t)counts[i] + 3;
    }
    return off;
}

static void test_gather_scatter(MPI_Comm comm, size_t n, int root, int in_place, int v)
{
    int me, np;
    MPI_Comm_rank(comm, &me);
    MPI_Comm_size(comm, &np);
    int *counts = chk_malloc((size_t)np * sizeof(int)), *displs = chk_malloc((size_t)np * sizeof(int));
    size_t total;
    for (int i = 0; i < np; i++) counts[i] = v ? vcount(i, n) : (int)n;
    if (v)
        total = vlayout(np, counts, displs);
    else
        for (int i = 0; i < np; i++) displs[i] = (int)(i * n);
    if (!v) total = (size_t)np * n;
    size_t mine = (size_t)counts[me];
    char *big = chk_malloc(total), *own = chk_malloc(mine);
    int ip = in_place && me == root;
    MPI_Request r;

    /* Gather */
    memset(big, GUARD, total);
    chk_fill(own, mine, seed_of(me, root, mine, 2));
    if (ip) memcpy(big + displs[me], own, mine);
    const void *sb = ip ? MPI_IN_PLACE : own;
    if (v && nb)
        MPI_OK(MPI_Igatherv(sb, (int)mine, MPI_BYTE, big, counts, displs, MPI_BYTE, root, comm, &r));
    else if (v)
        MPI_OK(MPI_Gatherv(sb, (int)mine, MPI_BYTE, big, counts, displs, MPI_BYTE, root, comm));
    else if (nb)
        MPI_OK(MPI_Igather(sb, (int)n, MPI_BYTE, big, (int)n, MPI_BYTE, root, comm, &r));
    else
        MPI_OK(MPI_Gather(sb, (int)n, MPI_BYTE, big, (int)n, MPI_BYTE, root, comm));
    finish(&r);
    if (me == root) {
        for (int i = 0; i < np; i++) {
            char what[64];
            snprintf(what, sizeof what, "Gather block of rank %d", i);
            CHECK_BUF(big + displs[i], counts[i], seed_of(i, root, (size_t)counts[i], 2), what);
            if (v) CHECK_BYTES(big + displs[i] + counts[i], 3, GUARD, "Gatherv gap");
        }
    }

    /* Scatter */
    if (me == root)
        for (int i = 0; i < np; i++)
            chk_fill(big + displs[i], (size_t)counts[i], seed_of(root, i, (size_t)counts[i], 3));
    memset(own, GUARD, mine);
    void *rb = ip ? MPI_IN_PLACE : own;
    if (v && nb)
        MPI_OK(MPI_Iscatterv(big, counts, displs, MPI_BYTE, rb, (int)mine, MPI_BYTE, root, comm, &r));
    else if (v)
        MPI_OK(MPI_Scatterv(big, counts, displs, MPI_BYTE, rb, (int)mine, MPI_BYTE, root, comm));
    else if (nb)
        MPI_OK(MPI_Iscatter(big, (int)n, MPI_BYTE, rb, (int)n, MPI_BYTE, root, comm, &r));
    else
        MPI_OK(MPI_Scatter(big, (int)n, MPI_BYTE, rb, (int)n, MPI_BYTE, root, comm));
    finish(&r);
    CHECK_BUF(ip ? big + displs[me] : own, mine, seed_of(root, me, mine, 3), "Scatter block");
    free(big), free(own), free(counts), free(displs);
}

static void test_allgather(MPI_Comm comm, size_t n, int in_place, int v)
{
    int me, np;
    MPI_Comm_rank(comm, &me);
    MPI_Comm_size(comm, &np);
    int *counts = chk_malloc((size_t)np * sizeof(int)), *displs = chk_malloc((size_t)np * sizeof(int));
    size_t total = (size_t)np * n;
    for (int i = 0; i < np; i++) counts[i] = v ? vcount(i, n) : (int)n, displs[i] = (int)(i * n);
    if (v) total = vlayout(np, counts, displs);
    size_t mine = (size_t)counts[me];
    char *big = chk_malloc(total), *own = chk_malloc(mine);
    memset(big, GUARD, total);
    chk_fill(own, mine, seed_of(me, -1, mine, 4));
    if (in_place) memcpy(big + displs[me], own, mine);
    const void *sb = in_place ? MPI_IN_PLACE : own;
    MPI_Request r;
    int use_quad = !v && n % 4 == 0 && me % 2; /* receive as quads on odd ranks */
    if (v && nb)
        MPI_OK(MPI_Iallgatherv(sb, (int)mine, MPI_BYTE, big, counts, displs, MPI_BYTE, comm, &r));
    else if (v)
        MPI_OK(MPI_Allgatherv(sb, (int)mine, MPI_BYTE, big, counts, displs, MPI_BYTE, comm));
    else if (nb)
        MPI_OK(MPI_Iallgather(sb, (int)n, MPI_BYTE, big, (int)(use_quad ? n / 4 : n), use_quad ? quad : MPI_BYTE, comm,
                              &r));
    else
        MPI_OK(MPI_Allgather(sb, (int)n, MPI_BYTE, big, (int)(use_quad ? n / 4 : n), use_quad ? quad : MPI_BYTE, comm));
    finish(&r);
    for (int i = 0; i < np; i++) {
        CHECK_BUF(big + displs[i], counts[i], seed_of(i, -1, (size_t)counts[i], 4), "Allgather block");
        if (v) CHECK_BYTES(big + displs[i] + counts[i], 3, GUARD, "Allgatherv gap");
    }
    free(big), free(own), free(counts), free(displs);
}

/* Bytes rank `from` sends to rank `to` in the v/w tests; in place they must be symmetric. */
static int pair_count(int from, int to, size_t n, int in_place)
{
    return (int)((size_t)((from + (in_place ? 1 : 2) * to) % 3) * n / 2);
}

static void test_alltoall(MPI_Comm comm, size_t n, int in_place, int mode /* 0 plain, 1 v, 2 w */)
{
    int me, np;
    MPI_Comm_rank(comm, &me);
    MPI_Comm_size(comm, &np);
    int *sc = chk_malloc(4 * (size_t)np * sizeof(int)), *sd = sc + np, *rc = sc + 2 * np, *rd = sc + 3 * np;
    MPI_Datatype *st = chk_malloc(2 * (size_t)np * sizeof(MPI_Datatype)), *rt = st + np;
    for (int i = 0; i < np; i++) {
        sc[i] = mode ? pair_count(me, i, n, in_place) : (int)n;
        rc[i] = mode ? pair_count(i, me, n, in_place) : (int)n;
        st[i] = rt[i] = MPI_BYTE;
    }
    size_t stotal = vlayout(np, sc, sd), rtotal = vlayout(np, rc, rd);
    if (!mode)
        for (int i = 0; i < np; i++) sd[i] = rd[i] = (int)(i * n), stotal = rtotal = (size_t)np * n;
    char *in = chk_malloc(stotal), *out = chk_malloc(rtotal);
    memset(out, GUARD, rtotal);
    if (in_place) {
        /* In place the send side is the receive side: the block for peer i sits at rd[i]. */
        for (int i = 0; i < np; i++) chk_fill(out + rd[i], (size_t)rc[i], seed_of(me, i, (size_t)rc[i], 5));
    } else {
        for (int i = 0; i < np; i++) chk_fill(in + sd[i], (size_t)sc[i], seed_of(me, i, (size_t)sc[i], 5));
    }
    /* alltoallw: blocks from even peers arrive as quads where whole quads (displacements are bytes). */
    if (mode == 2)
        for (int i = 0; i < np; i++)
            if (i % 2 == 0 && rc[i] % 4 == 0) rt[i] = quad, rc[i] /= 4;
    const void *sb = in_place ? MPI_IN_PLACE : in;
    MPI_Request r;
    if (mode == 0 && nb)
        MPI_OK(MPI_Ialltoall(sb, (int)n, MPI_BYTE, out, (int)n, MPI_BYTE, comm, &r));
    else if (mode == 0)
        MPI_OK(MPI_Alltoall(sb, (int)n, MPI_BYTE, out, (int)n, MPI_BYTE, comm));
    else if (mode == 1 && nb)
        MPI_OK(MPI_Ialltoallv(sb, sc, sd, MPI_BYTE, out, rc, rd, MPI_BYTE, comm, &r));
    else if (mode == 1)
        MPI_OK(MPI_Alltoallv(sb, sc, sd, MPI_BYTE, out, rc, rd, MPI_BYTE, comm));
    else if (nb)
        MPI_OK(MPI_Ialltoallw(sb, sc, sd, st, out, rc, rd, rt, comm, &r));
    else
        MPI_OK(MPI_Alltoallw(sb, sc, sd, st, out, rc, rd, rt, comm));
    finish(&r);
    for (int i = 0; i < np; i++) {
        size_t len = (size_t)rc[i] * (rt[i] == quad ? 4 : 1);
        CHECK_BUF(out + rd[i], len, seed_of(i, me, len, 5), "Alltoall block");
        if (mode) CHECK_BYTES(out + rd[i] + len, 3, GUARD, "Alltoallv gap");
    }
    free(in), free(out), free(sc), free(st);
}

static void run_all(MPI_Comm comm, const char *cname, int big)
{
    int np;
    MPI_Comm_size(comm, &np);
    const char *I = nb ? " (I)" : "";
    chk_case("%s%s: Barrier", cname, I);
    MPI_Request r;
    if (nb)
        MPI_OK(MPI_Ibarrier(comm, &r));
    else
        MPI_OK(MPI_Barrier(comm));
    finish(&r);
    static const size_t sizes[] = {0, 1, 12, 1000, 20000, 1 << 20};
    for (int si = 0; si < 6; si++) {
        size_t n = sizes[si];
        if (n == 1 << 20 && !big) continue;
        int roots[3] = {0, np - 1, np / 2};
        for (int ri = 0; ri < 3; ri++) {
            if ((ri == 1 && roots[1] == roots[0]) || (ri == 2 && (roots[2] == roots[0] || roots[2] == roots[1])))
                continue;
            chk_case("%s%s: Bcast %zu bytes, root %d", cname, I, n, roots[ri]);
            test_bcast(comm, n, roots[ri]);
            /* Per-rank blocks of the all-to-all style calls: a 1 MiB total is enough. */
            size_t b = n / (size_t)np;
            for (int ip = 0; ip < 2; ip++)
                for (int v = 0; v < 2; v++) {
                    chk_case("%s%s: Gather%s/Scatter%s %zu bytes, root %d%s", cname, I, v ? "v" : "", v ? "v" : "", b,
                             roots[ri], ip ? ", MPI_IN_PLACE" : "");
                    test_gather_scatter(comm, b, roots[ri], ip, v);
                }
        }
        size_t b = n / (size_t)np;
        for (int ip = 0; ip < 2; ip++) {
            for (int v = 0; v < 2; v++) {
                chk_case("%s%s: Allgather%s %zu bytes%s", cname, I, v ? "v" : "", b, ip ? ", MPI_IN_PLACE" : "");
                test_allgather(comm, b, ip, v);
            }
            for (int mode = 0; mode < 3; mode++) {
                chk_case("%s%s: Alltoall%s %zu bytes%s", cname, I,
                         mode == 1   ? "v"
                         : mode == 2 ? "w"
                                     : "",
                         b / (size_t)np, ip ? ", MPI_IN_PLACE" : "");
                test_alltoall(comm, b / (size_t)np + (n > 0), ip, mode);
            }
        }
    }
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    chk_begin("coll_move");
    int me, np;
    MPI_Comm_rank(MPI_COMM_WORLD, &me);
    MPI_Comm_size(MPI_COMM_WORLD, &np);
    MPI_OK(MPI_Type_contiguous(4, MPI_CHAR, &quad));
    MPI_OK(MPI_Type_commit(&quad));
    MPI_Comm dup, split;
    MPI_OK(MPI_Comm_dup(MPI_COMM_WORLD, &dup));
    MPI_OK(MPI_Comm_split(MPI_COMM_WORLD, me % 2, np - me, &split));
    for (nb = 0; nb < 2; nb++) {
        run_all(MPI_COMM_WORLD, "WORLD", nb == 0);
        run_all(split, "split(parity, reversed keys)", 0);
    }
    nb = 0;
    run_all(dup, "dup", 0);
    MPI_OK(MPI_Comm_free(&dup));
    MPI_OK(MPI_Comm_free(&split));
    MPI_OK(MPI_Type_free(&quad));
    return chk_end();
}
