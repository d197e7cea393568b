/* p2p_sizes: every message size from 0 B to 8 MiB, blocking and nonblocking, between pairs and
 * from every rank to every other, plus unexpected messages (envelope already there when the
 * receive is posted) of all sizes. Content depends on (src, dst, size, index). */
#include "check.h"

#define MAXSIZES 128

static size_t sizes[MAXSIZES];
static int nsizes;

static void add_size(size_t s, size_t max)
{
    if (s > max) return;
    for (int i = 0; i < nsizes; i++)
        if (sizes[i] == s) return;
    sizes[nsizes++] = s;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* 0,1,2,3,7,8, every power of two and +-1 around it up to max, plus odd sizes. */
static void make_sizes(size_t max, int sparse)
{
    static const size_t odd[] = {5, 13, 100, 1000, 1500, 4000, 9000, 12345, 40000, 100003, 333333, 1000003, 3000017};
    nsizes = 0;
    add_size(0, max);
    add_size(1, max);
    add_size(2, max);
    add_size(3, max);
    add_size(7, max);
    add_size(8, max);
    for (size_t p = 16; p <= max; p *= 2) {
        if (!sparse || p <= 65536) {
            add_size(p - 1, max);
            add_size(p + 1, max);
        }
        add_size(p, max);
    }
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++)
        if (!sparse || i % 2 == 0) add_size(odd[i], max);
    qsort(sizes, (size_t)nsizes, sizeof sizes[0], cmp_size);
}

static int partner_of(int r, int n)
{
    int p = r ^ 1;
    return p < n ? p : r; /* odd rank count: the last rank pairs with itself */
}

static uint32_t seed_of(int phase, int src, int dst, size_t size, int idx)
{
    return chk_seed((uint32_t)(phase * 1000003 + src), (uint32_t)dst, (uint32_t)size, (uint32_t)idx);
}

/* Phase 1: pairs, blocking. The lower rank sends first (alternating Send / Ssend), the upper one
 * receives first; a rank paired with itself uses Isend + Recv + Wait. */
static void pairs_blocking(unsigned char *sbuf, unsigned char *rbuf)
{
    int me = chk_rank, peer = partner_of(me, chk_size);
    char what[160];
    for (int k = 0; k < nsizes; k++) {
        size_t n = sizes[k];
        int tag = k;
        MPI_Status st;
        chk_case("pairs blocking size %zu with rank %d", n, peer);
        snprintf(what, sizeof what, "pairs blocking, %zu bytes from rank %d", n, peer);
        chk_fill(sbuf, n, seed_of(1, me, peer, n, k));
        memset(rbuf, 0xEE, n + 16);
        if (peer == me) {
            MPI_Request rq;
            MPI_OK(MPI_Isend(sbuf, (int)n, MPI_BYTE, me, tag, MPI_COMM_WORLD, &rq));
            MPI_OK(MPI_Recv(rbuf, (int)n, MPI_BYTE, me, tag, MPI_COMM_WORLD, &st));
            MPI_OK(MPI_Wait(&rq, MPI_STATUS_IGNORE));
        } else if (me < peer) {
            if (k % 2)
                MPI_OK(MPI_Ssend(sbuf, (int)n, MPI_BYTE, peer, tag, MPI_COMM_WORLD));
            else
                MPI_OK(MPI_Send(sbuf, (int)n, MPI_BYTE, peer, tag, MPI_COMM_WORLD));
            MPI_OK(MPI_Recv(rbuf, (int)n, MPI_BYTE, peer, tag, MPI_COMM_WORLD, &st));
        } else {
            MPI_OK(MPI_Recv(rbuf, (int)n, MPI_BYTE, peer, tag, MPI_COMM_WORLD, &st));
            if (k % 2)
                MPI_OK(MPI_Ssend(sbuf, (int)n, MPI_BYTE, peer, tag, MPI_COMM_WORLD));
            else
                MPI_OK(MPI_Send(sbuf, (int)n, MPI_BYTE, peer, tag, MPI_COMM_WORLD));
        }
        CHECK_STATUS(&st, peer, tag, MPI_BYTE, (int)n, what);
        CHECK_BUF(rbuf, n, seed_of(1, peer, me, n, k), what);
        CHECK_BYTES(rbuf + n, 16, 0xEE, "bytes after the receive buffer untouched");
    }
}

/* Phase 2: pairs, nonblocking, receive buffer larger than the message; count checked with
 * MPI_INT too when the size is a multiple of sizeof(int). */
static void pairs_nonblocking(unsigned char *sbuf, unsigned char *rbuf, size_t max)
{
    int me = chk_rank, peer = partner_of(me, chk_size);
    char what[160];
    for (int k = 0; k < nsizes; k++) {
        size_t n = sizes[k];
        int tag = 1000 + k;
        MPI_Request rq[2];
        MPI_Status st[2];
        chk_case("pairs nonblocking size %zu with rank %d", n, peer);
        snprintf(what, sizeof what, "pairs nonblocking, %zu bytes from rank %d", n, peer);
        chk_fill(sbuf, n, seed_of(2, me, peer, n, k));
        memset(rbuf, 0xEE, n + 16);
        /* receive count larger than the message (up to the buffer size) */
        int rcount = (int)(n + 16 <= max ? n + 16 : n);
        MPI_OK(MPI_Irecv(rbuf, rcount, MPI_BYTE, peer, tag, MPI_COMM_WORLD, &rq[0]));
        MPI_OK(MPI_Isend(sbuf, (int)n, MPI_BYTE, peer, tag, MPI_COMM_WORLD, &rq[1]));
        MPI_OK(MPI_Waitall(2, rq, st));
        CHECK(rq[0] == MPI_REQUEST_NULL && rq[1] == MPI_REQUEST_NULL, "%s: requests not set to MPI_REQUEST_NULL", what);
        CHECK_STATUS(&st[0], peer, tag, MPI_BYTE, (int)n, what);
        if (n % sizeof(int) == 0) {
            int c = -1;
            MPI_OK(MPI_Get_count(&st[0], MPI_INT, &c));
            CHECK_INT(c, (int)(n / sizeof(int)), "MPI_Get_count(MPI_INT)");
        }
        CHECK_BUF(rbuf, n, seed_of(2, peer, me, n, k), what);
        if (rcount > (int)n) CHECK_BYTES(rbuf + n, 16, 0xEE, "bytes past the message untouched");
    }
}

/* Phase 3: every rank to every other. Nonblocking: all Irecvs, then all Isends, one Waitall.
 * Blocking: shift d = 1..n-1 with MPI_Sendrecv. */
static void all_to_all(size_t max)
{
    int np = chk_size, me = chk_rank;
    unsigned char *sb = chk_malloc((size_t)np * max), *rb = chk_malloc((size_t)np * max);
    MPI_Request *rq = chk_malloc(sizeof(MPI_Request) * 2 * (size_t)np);
    MPI_Status *st = chk_malloc(sizeof(MPI_Status) * 2 * (size_t)np);
    char what[160];
    for (int k = 0; k < nsizes; k++) {
        size_t n = sizes[k];
        if (n > max) break;
        int tag = 2000 + k;
        chk_case("all-to-all nonblocking size %zu", n);
        int nr = 0;
        for (int p = 0; p < np; p++) {
            memset(rb + (size_t)p * max, 0xEE, n);
            MPI_OK(MPI_Irecv(rb + (size_t)p * max, (int)n, MPI_BYTE, p, tag, MPI_COMM_WORLD, &rq[nr++]));
        }
        for (int i = 0; i < np; i++) {
            int p = (me + i) % np;
            chk_fill(sb + (size_t)p * max, n, seed_of(3, me, p, n, k));
            MPI_OK(MPI_Isend(sb + (size_t)p * max, (int)n, MPI_BYTE, p, tag, MPI_COMM_WORLD, &rq[nr++]));
        }
        MPI_OK(MPI_Waitall(nr, rq, st));
        for (int p = 0; p < np; p++) {
            snprintf(what, sizeof what, "all-to-all nonblocking, %zu bytes from rank %d", n, p);
            CHECK_STATUS(&st[p], p, tag, MPI_BYTE, (int)n, what);
            CHECK_BUF(rb + (size_t)p * max, n, seed_of(3, p, me, n, k), what);
        }

        chk_case("all-to-all blocking (Sendrecv shifts) size %zu", n);
        for (int d = 1; d < np; d++) {
            int dst = (me + d) % np, src = (me - d + np) % np;
            MPI_Status s;
            chk_fill(sb, n, seed_of(4, me, dst, n, k));
            memset(rb, 0xEE, n);
            MPI_OK(MPI_Sendrecv(sb, (int)n, MPI_BYTE, dst, tag + d, rb, (int)n, MPI_BYTE, src, tag + d, MPI_COMM_WORLD,
                                &s));
            snprintf(what, sizeof what, "all-to-all Sendrecv shift %d, %zu bytes from rank %d", d, n, src);
            CHECK_STATUS(&s, src, tag + d, MPI_BYTE, (int)n, what);
            CHECK_BUF(rb, n, seed_of(4, src, me, n, k), what);
        }
    }
    free(sb);
    free(rb);
    free(rq);
    free(st);
}

/* Phase 4: unexpected messages. Within each pair the lower rank (or a rank alone, to itself)
 * Isends every size with tag = index; the receiver first MPI_Probes every envelope (last tag
 * first), so all of them are queued before any receive is posted, then receives in reverse order. */
static void unexpected(size_t max)
{
    int me = chk_rank, peer = partner_of(me, chk_size);
    size_t total = 0;
    for (int k = 0; k < nsizes; k++)
        if (sizes[k] <= max) total += sizes[k];
    int cnt = 0;
    while (cnt < nsizes && sizes[cnt] <= max) cnt++;
    int sender = me <= peer, receiver = me >= peer;
    unsigned char *sb = NULL, *rb = NULL;
    MPI_Request *rq = chk_malloc(sizeof(MPI_Request) * (size_t)cnt);
    char what[160];
    if (sender) {
        chk_case("unexpected: sending %d messages (%zu bytes) to rank %d", cnt, total, peer);
        sb = chk_malloc(total);
        size_t off = 0;
        for (int k = 0; k < cnt; k++) {
            chk_fill(sb + off, sizes[k], seed_of(5, me, peer, sizes[k], k));
            MPI_OK(MPI_Isend(sb + off, (int)sizes[k], MPI_BYTE, peer, 3000 + k, MPI_COMM_WORLD, &rq[k]));
            off += sizes[k];
        }
    }
    if (receiver) {
        rb = chk_malloc(total);
        memset(rb, 0xEE, total);
        for (int k = cnt - 1; k >= 0; k--) {
            MPI_Status st;
            chk_case("unexpected: probing message %d (%zu bytes) from rank %d", k, sizes[k], peer);
            MPI_OK(MPI_Probe(peer, 3000 + k, MPI_COMM_WORLD, &st));
            snprintf(what, sizeof what, "unexpected: probe of %zu bytes from rank %d", sizes[k], peer);
            CHECK_STATUS(&st, peer, 3000 + k, MPI_BYTE, (int)sizes[k], what);
        }
        size_t off = total;
        for (int k = cnt - 1; k >= 0; k--) {
            MPI_Status st;
            off -= sizes[k];
            chk_case("unexpected: receiving message %d (%zu bytes) from rank %d", k, sizes[k], peer);
            MPI_OK(MPI_Recv(rb + off, (int)sizes[k], MPI_BYTE, peer, 3000 + k, MPI_COMM_WORLD, &st));
            snprintf(what, sizeof what, "unexpected: %zu bytes from rank %d", sizes[k], peer);
            CHECK_STATUS(&st, peer, 3000 + k, MPI_BYTE, (int)sizes[k], what);
            CHECK_BUF(rb + off, sizes[k], seed_of(5, peer, me, sizes[k], k), what);
        }
    }
    if (sender) {
        chk_case("unexpected: completing sends to rank %d", peer);
        MPI_OK(MPI_Waitall(cnt, rq, MPI_STATUSES_IGNORE));
    }
    free(sb);
    free(rb);
    free(rq);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    chk_begin("p2p_sizes");
    int np = chk_size;
    /* fewer and smaller sizes at high rank counts: the suite must stay fast oversubscribed */
    size_t pair_max = np <= 8 ? (size_t)8 << 20 : (size_t)1 << 20;
    size_t a2a_max = np <= 4 ? (size_t)1 << 20 : np <= 8 ? (size_t)256 << 10 : (size_t)64 << 10;
    size_t unexp_max = np <= 4 ? (size_t)8 << 20 : np <= 8 ? (size_t)1 << 20 : (size_t)256 << 10;
    make_sizes(pair_max, np > 8);

    unsigned char *sbuf = chk_malloc(pair_max + 16), *rbuf = chk_malloc(pair_max + 16);
    pairs_blocking(sbuf, rbuf);
    pairs_nonblocking(sbuf, rbuf, pair_max + 16);
    free(sbuf);
    free(rbuf);
    all_to_all(a2a_max);
    unexpected(unexp_max);
    return chk_end();
}
