/* p2p_match: MPI_ANY_SOURCE / MPI_ANY_TAG, non-overtaking order per pair (same tag, across the
 * eager/rendezvous boundary), receiving mixed tags in another order, wildcard and specific
 * receives posted together (earliest posted wins), communicator isolation (COMM_WORLD vs a
 * Comm_dup), MPI_PROC_NULL, and messages to self. Runs at any rank count >= 1. */
#include "check.h"

typedef struct {
    int src, tag, seq, pad;
} msg_t;

/* Every rank > 0 sends to rank 0: ANY_SOURCE, ANY_TAG and both wildcards. */
static void wildcards(void)
{
    int me = chk_rank, np = chk_size;
    char what[160];
    if (np < 2) return;
    /* own communicator: ranks that finish early go on to send (on COMM_WORLD) to their ring
     * neighbour, which for rank np-1 is rank 0 -- those must not meet these wildcard receives */
    MPI_Comm comm;
    MPI_OK(MPI_Comm_dup(MPI_COMM_WORLD, &comm));
    if (me != 0) {
        msg_t m = {me, 1, 0, 0};
        chk_case("wildcards: sending to rank 0");
        MPI_OK(MPI_Send(&m, 4, MPI_INT, 0, 1, comm)); /* for ANY_SOURCE */
        m.tag = 100 + me;
        MPI_OK(MPI_Send(&m, 4, MPI_INT, 0, 100 + me, comm)); /* for ANY_TAG */
        for (int s = 0; s < 3; s++) {                        /* for ANY/ANY: tags 7,8,9 in order */
            msg_t x = {me, 7 + s, s, 0};
            MPI_OK(MPI_Send(&x, 4, MPI_INT, 0, 7 + s, comm));
        }
        MPI_OK(MPI_Comm_free(&comm));
        return;
    }
    int *seen = chk_malloc(sizeof(int) * (size_t)np);
    memset(seen, 0, sizeof(int) * (size_t)np);
    chk_case("wildcards: MPI_ANY_SOURCE, tag 1");
    for (int i = 1; i < np; i++) {
        msg_t m;
        MPI_Status st;
        MPI_OK(MPI_Recv(&m, 4, MPI_INT, MPI_ANY_SOURCE, 1, comm, &st));
        CHECK(st.MPI_SOURCE >= 1 && st.MPI_SOURCE < np, "ANY_SOURCE: status.MPI_SOURCE %d out of range", st.MPI_SOURCE);
        snprintf(what, sizeof what, "ANY_SOURCE receive #%d", i);
        CHECK_STATUS(&st, m.src, 1, MPI_INT, 4, what);
        CHECK(seen[m.src] == 0, "ANY_SOURCE: message from rank %d received twice", m.src);
        seen[m.src] = 1;
    }
    chk_case("wildcards: MPI_ANY_TAG from each source in turn");
    for (int s = np - 1; s >= 1; s--) {
        msg_t m;
        MPI_Status st;
        MPI_OK(MPI_Recv(&m, 4, MPI_INT, s, MPI_ANY_TAG, comm, &st));
        snprintf(what, sizeof what, "ANY_TAG receive from rank %d", s);
        CHECK_STATUS(&st, s, 100 + s, MPI_INT, 4, what);
        CHECK_INT(m.tag, 100 + s, "ANY_TAG payload tag");
    }
    chk_case("wildcards: MPI_ANY_SOURCE + MPI_ANY_TAG, per-sender order");
    memset(seen, 0, sizeof(int) * (size_t)np);
    for (int i = 0; i < 3 * (np - 1); i++) {
        msg_t m;
        MPI_Status st;
        MPI_OK(MPI_Recv(&m, 4, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, comm, &st));
        snprintf(what, sizeof what, "ANY/ANY receive #%d (payload from rank %d seq %d)", i, m.src, m.seq);
        CHECK_STATUS(&st, m.src, m.tag, MPI_INT, 4, what);
        CHECK_INT(m.seq, seen[m.src], "non-overtaking with ANY/ANY: sequence number from this sender");
        seen[m.src]++;
    }
    free(seen);
    MPI_OK(MPI_Comm_free(&comm));
}

/* Non-overtaking: rank r sends N messages with one tag to r+1 (mod np), sizes mixed so some go
 * eager and some rendezvous; r+1 receives them in order. Then mixed tags received by tag in
 * reverse order, sequence checked within each tag. */
static void ordering(void)
{
    enum { N = 120, BIG = 300000 };
    int me = chk_rank, np = chk_size;
    int to = (me + 1) % np, from = (me - 1 + np) % np;
    char what[160];
    unsigned char *sb = chk_malloc((size_t)N * BIG), *rb = chk_malloc(BIG);
    MPI_Request rq[N];
    size_t len[N];
    for (int i = 0; i < N; i++)
        len[i] = (i % 17 == 5) ? BIG - (size_t)i : (i % 5 == 0) ? 20000 + (size_t)i : 8 + (size_t)i;

    chk_case("non-overtaking: %d messages, same tag, to rank %d", N, to);
    for (int i = 0; i < N; i++) {
        chk_fill(sb + (size_t)i * BIG, len[i], chk_seed(10, (uint32_t)me, (uint32_t)i, 0));
        MPI_OK(MPI_Isend(sb + (size_t)i * BIG, (int)len[i], MPI_BYTE, to, 42, MPI_COMM_WORLD, &rq[i]));
    }
    for (int i = 0; i < N; i++) {
        MPI_Status st;
        chk_case("non-overtaking: receiving message %d from rank %d", i, from);
        /* alternate a specific and a wildcard source: both must see the messages in order */
        MPI_OK(MPI_Recv(rb, BIG, MPI_BYTE, (i % 3 == 1) ? MPI_ANY_SOURCE : from, (i % 4 == 2) ? MPI_ANY_TAG : 42,
                        MPI_COMM_WORLD, &st));
        snprintf(what, sizeof what, "non-overtaking message %d from rank %d", i, from);
        CHECK_STATUS(&st, from, 42, MPI_BYTE, (int)len[i], what);
        CHECK_BUF(rb, len[i], chk_seed(10, (uint32_t)from, (uint32_t)i, 0), what);
    }
    MPI_OK(MPI_Waitall(N, rq, MPI_STATUSES_IGNORE));

    /* tags t = i % 4 (tags 50..53); receive all of tag 53 first, then 52, 51, 50 */
    chk_case("mixed tags: %d messages to rank %d", N, to);
    for (int i = 0; i < N; i++) {
        chk_fill(sb + (size_t)i * BIG, len[i], chk_seed(11, (uint32_t)me, (uint32_t)i, 0));
        MPI_OK(MPI_Isend(sb + (size_t)i * BIG, (int)len[i], MPI_BYTE, to, 50 + i % 4, MPI_COMM_WORLD, &rq[i]));
    }
    for (int t = 3; t >= 0; t--) {
        for (int i = t; i < N; i += 4) {
            MPI_Status st;
            chk_case("mixed tags: receiving message %d (tag %d) from rank %d", i, 50 + t, from);
            MPI_OK(MPI_Recv(rb, BIG, MPI_BYTE, from, 50 + t, MPI_COMM_WORLD, &st));
            snprintf(what, sizeof what, "mixed tags: message %d tag %d from rank %d", i, 50 + t, from);
            CHECK_STATUS(&st, from, 50 + t, MPI_BYTE, (int)len[i], what);
            CHECK_BUF(rb, len[i], chk_seed(11, (uint32_t)from, (uint32_t)i, 0), what);
        }
    }
    MPI_OK(MPI_Waitall(N, rq, MPI_STATUSES_IGNORE));
    free(sb);
    free(rb);
}

/* Wildcard and specific receives posted together before the messages are sent (a handshake
 * says so): matching follows posting order. Pairs (0,1), (2,3), ... */
static void posted_order(void)
{
    int me = chk_rank, np = chk_size;
    if (np < 2) return;
    if (np % 2 && me == np - 1) { /* unpaired: still takes part in the collective split */
        MPI_Comm c;
        MPI_OK(MPI_Comm_split(MPI_COMM_WORLD, MPI_UNDEFINED, me, &c));
        CHECK(c == MPI_COMM_NULL, "Comm_split with MPI_UNDEFINED did not give MPI_COMM_NULL");
        return;
    }
    int peer = me ^ 1;
    char what[160];
    MPI_Comm comm; /* a ring neighbour's later messages must not meet the ANY/ANY receive */
    MPI_OK(MPI_Comm_split(MPI_COMM_WORLD, me / 2, me, &comm));
    int cpeer = 1 - me % 2; /* the peer's rank in comm */
    if (me % 2 == 0) {      /* receiver */
        int a[3] = {-1, -1, -1}, b[3] = {-1, -1, -1}, c[3] = {-1, -1, -1}, d[3] = {-1, -1, -1};
        int e[3] = {-1, -1, -1}, f[3] = {-1, -1, -1};
        MPI_Request rq[6];
        MPI_Status st[6];
        chk_case("posted order: posting receives for rank %d", peer);
        MPI_OK(MPI_Irecv(a, 3, MPI_INT, cpeer, 5, comm, &rq[0]));
        MPI_OK(MPI_Irecv(b, 3, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, comm, &rq[1]));
        MPI_OK(MPI_Irecv(c, 3, MPI_INT, MPI_ANY_SOURCE, 6, comm, &rq[2]));
        MPI_OK(MPI_Irecv(d, 3, MPI_INT, cpeer, 6, comm, &rq[3]));
        MPI_OK(MPI_Irecv(e, 3, MPI_INT, MPI_ANY_SOURCE, 7, comm, &rq[4]));
        MPI_OK(MPI_Irecv(f, 3, MPI_INT, cpeer, 8, comm, &rq[5]));
        int go = 1;
        MPI_OK(MPI_Send(&go, 1, MPI_INT, cpeer, 99, comm));
        chk_case("posted order: waiting for the 6 messages from rank %d", peer);
        MPI_OK(MPI_Waitall(6, rq, st));
        /* sender order: (5,A) (5,B) (6,C) (6,D) (8,E) (7,F) */
        static const int want_tag[6] = {5, 5, 6, 6, 7, 8};
        static const int want_val[6] = {'A', 'B', 'C', 'D', 'F', 'E'};
        int *bufs[6] = {a, b, c, d, e, f};
        for (int i = 0; i < 6; i++) {
            snprintf(what, sizeof what, "posted order: receive #%d", i);
            CHECK_STATUS(&st[i], cpeer, want_tag[i], MPI_INT, 3, what);
            CHECK(bufs[i][0] == want_val[i] && bufs[i][1] == peer && bufs[i][2] == want_tag[i],
                  "posted order: receive #%d got message '%c' (tag %d), expected '%c'", i, bufs[i][0], bufs[i][2],
                  want_val[i]);
        }
    } else {
        int go = 0;
        chk_case("posted order: waiting for the go from rank %d", peer);
        MPI_OK(MPI_Recv(&go, 1, MPI_INT, cpeer, 99, comm, MPI_STATUS_IGNORE));
        int m[6][3] = {{'A', me, 5}, {'B', me, 5}, {'C', me, 6}, {'D', me, 6}, {'E', me, 8}, {'F', me, 7}};
        for (int i = 0; i < 6; i++) MPI_OK(MPI_Send(m[i], 3, MPI_INT, cpeer, m[i][2], comm));
    }
    MPI_OK(MPI_Comm_free(&comm));
}

/* Messages on COMM_WORLD and on a duplicate never match each other. */
static void comm_isolation(void)
{
    int me = chk_rank, np = chk_size;
    MPI_Comm dup;
    chk_case("comm isolation: MPI_Comm_dup");
    MPI_OK(MPI_Comm_dup(MPI_COMM_WORLD, &dup));
    int to = (me + 1) % np, from = (me - 1 + np) % np;
    int x[2] = {me, 111}, y[2] = {me, 222}, r[2] = {-1, -1};
    MPI_Request rq[2];
    MPI_Status st;
    chk_case("comm isolation: dup message sent first, world message second, to rank %d", to);
    MPI_OK(MPI_Isend(x, 2, MPI_INT, to, 3, dup, &rq[0]));
    MPI_OK(MPI_Isend(y, 2, MPI_INT, to, 3, MPI_COMM_WORLD, &rq[1]));
    /* make sure the dup message has arrived, then a wildcard receive on WORLD must skip it */
    MPI_OK(MPI_Probe(from, 3, dup, &st));
    CHECK_STATUS(&st, from, 3, MPI_INT, 2, "probe on the dup communicator");
    MPI_OK(MPI_Recv(r, 2, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &st));
    CHECK_STATUS(&st, from, 3, MPI_INT, 2, "wildcard receive on COMM_WORLD");
    CHECK(r[1] == 222, "wildcard receive on COMM_WORLD got the message sent on the dup (value %d, expected 222)", r[1]);
    MPI_OK(MPI_Recv(r, 2, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, dup, &st));
    CHECK_STATUS(&st, from, 3, MPI_INT, 2, "wildcard receive on the dup");
    CHECK(r[1] == 111 && r[0] == from, "receive on the dup got value %d from %d, expected 111 from %d", r[1], r[0],
          from);
    MPI_OK(MPI_Waitall(2, rq, MPI_STATUSES_IGNORE));
    int flag = 1;
    MPI_OK(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, dup, &flag, MPI_STATUS_IGNORE));
    CHECK(flag == 0, "Iprobe on the drained dup found a message");
    MPI_OK(MPI_Comm_free(&dup));
    CHECK(dup == MPI_COMM_NULL, "MPI_Comm_free did not set the handle to MPI_COMM_NULL");
}

static void proc_null(void)
{
    int buf[4] = {7, 7, 7, 7};
    MPI_Status st;
    MPI_Request rq[2];
    MPI_Status sts[2];
    chk_case("MPI_PROC_NULL: Send");
    MPI_OK(MPI_Send(buf, 4, MPI_INT, MPI_PROC_NULL, 1, MPI_COMM_WORLD));
    MPI_OK(MPI_Ssend(buf, 4, MPI_INT, MPI_PROC_NULL, 1, MPI_COMM_WORLD));
    chk_case("MPI_PROC_NULL: Recv");
    memset(&st, 0x55, sizeof st);
    MPI_OK(MPI_Recv(buf, 4, MPI_INT, MPI_PROC_NULL, 1, MPI_COMM_WORLD, &st));
    CHECK_EMPTY_STATUS(&st, MPI_PROC_NULL, "Recv from MPI_PROC_NULL");
    CHECK(buf[0] == 7 && buf[3] == 7, "Recv from MPI_PROC_NULL modified the buffer");
    chk_case("MPI_PROC_NULL: Isend/Irecv");
    MPI_OK(MPI_Irecv(buf, 4, MPI_INT, MPI_PROC_NULL, MPI_ANY_TAG, MPI_COMM_WORLD, &rq[0]));
    MPI_OK(MPI_Isend(buf, 4, MPI_INT, MPI_PROC_NULL, 2, MPI_COMM_WORLD, &rq[1]));
    MPI_OK(MPI_Waitall(2, rq, sts));
    CHECK_EMPTY_STATUS(&sts[0], MPI_PROC_NULL, "Irecv from MPI_PROC_NULL");
    chk_case("MPI_PROC_NULL: Sendrecv");
    MPI_OK(MPI_Sendrecv(buf, 4, MPI_INT, MPI_PROC_NULL, 3, buf, 4, MPI_INT, MPI_PROC_NULL, 3, MPI_COMM_WORLD, &st));
    CHECK_EMPTY_STATUS(&st, MPI_PROC_NULL, "Sendrecv from MPI_PROC_NULL");
    chk_case("MPI_PROC_NULL: Probe / Iprobe");
    MPI_OK(MPI_Probe(MPI_PROC_NULL, 4, MPI_COMM_WORLD, &st));
    CHECK_EMPTY_STATUS(&st, MPI_PROC_NULL, "Probe of MPI_PROC_NULL");
    int flag = 0;
    MPI_OK(MPI_Iprobe(MPI_PROC_NULL, 4, MPI_COMM_WORLD, &flag, &st));
    CHECK(flag == 1, "Iprobe of MPI_PROC_NULL: flag %d, expected 1", flag);
    CHECK_EMPTY_STATUS(&st, MPI_PROC_NULL, "Iprobe of MPI_PROC_NULL");
}

static void self_sends(void)
{
    int me = chk_rank;
    static const size_t sz[] = {0, 1, 100, 4096, 65537, 1 << 20, 3 << 20};
    size_t max = (size_t)3 << 20;
    unsigned char *sb = chk_malloc(max), *rb = chk_malloc(max);
    char what[160];
    for (size_t k = 0; k < sizeof sz / sizeof sz[0]; k++) {
        size_t n = sz[k];
        MPI_Request rq;
        MPI_Status st;
        snprintf(what, sizeof what, "self: Isend + Recv, %zu bytes", n);
        chk_case("%s", what);
        chk_fill(sb, n, chk_seed(20, (uint32_t)me, (uint32_t)n, 0));
        memset(rb, 0, n);
        MPI_OK(MPI_Isend(sb, (int)n, MPI_BYTE, me, 61, MPI_COMM_WORLD, &rq));
        MPI_OK(MPI_Recv(rb, (int)n, MPI_BYTE, me, 61, MPI_COMM_WORLD, &st));
        MPI_OK(MPI_Wait(&rq, MPI_STATUS_IGNORE));
        CHECK_STATUS(&st, me, 61, MPI_BYTE, (int)n, what);
        CHECK_BUF(rb, n, chk_seed(20, (uint32_t)me, (uint32_t)n, 0), what);

        snprintf(what, sizeof what, "self: Irecv (ANY_SOURCE) + Send, %zu bytes", n);
        chk_case("%s", what);
        chk_fill(sb, n, chk_seed(21, (uint32_t)me, (uint32_t)n, 0));
        memset(rb, 0, n);
        MPI_OK(MPI_Irecv(rb, (int)n, MPI_BYTE, MPI_ANY_SOURCE, 62, MPI_COMM_WORLD, &rq));
        MPI_OK(MPI_Send(sb, (int)n, MPI_BYTE, me, 62, MPI_COMM_WORLD)); /* the receive is already posted */
        MPI_OK(MPI_Wait(&rq, &st));
        CHECK_STATUS(&st, me, 62, MPI_BYTE, (int)n, what);
        CHECK_BUF(rb, n, chk_seed(21, (uint32_t)me, (uint32_t)n, 0), what);

        snprintf(what, sizeof what, "self: Sendrecv, %zu bytes", n);
        chk_case("%s", what);
        chk_fill(sb, n, chk_seed(22, (uint32_t)me, (uint32_t)n, 0));
        memset(rb, 0, n);
        MPI_OK(MPI_Sendrecv(sb, (int)n, MPI_BYTE, me, 63, rb, (int)n, MPI_BYTE, me, 63, MPI_COMM_WORLD, &st));
        CHECK_STATUS(&st, me, 63, MPI_BYTE, (int)n, what);
        CHECK_BUF(rb, n, chk_seed(22, (uint32_t)me, (uint32_t)n, 0), what);

        snprintf(what, sizeof what, "self: Sendrecv_replace, %zu bytes", n);
        chk_case("%s", what);
        chk_fill(rb, n, chk_seed(23, (uint32_t)me, (uint32_t)n, 0));
        MPI_OK(MPI_Sendrecv_replace(rb, (int)n, MPI_BYTE, me, 64, me, 64, MPI_COMM_WORLD, &st));
        CHECK_STATUS(&st, me, 64, MPI_BYTE, (int)n, what);
        CHECK_BUF(rb, n, chk_seed(23, (uint32_t)me, (uint32_t)n, 0), what);
    }
    /* self on MPI_COMM_SELF */
    chk_case("self: MPI_COMM_SELF Isend + Recv");
    int v = 1234 + me, w = 0;
    MPI_Request rq;
    MPI_Status st;
    MPI_OK(MPI_Isend(&v, 1, MPI_INT, 0, 65, MPI_COMM_SELF, &rq));
    MPI_OK(MPI_Recv(&w, 1, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_SELF, &st));
    MPI_OK(MPI_Wait(&rq, MPI_STATUS_IGNORE));
    CHECK_STATUS(&st, 0, 65, MPI_INT, 1, "MPI_COMM_SELF message");
    CHECK_INT(w, 1234 + me, "MPI_COMM_SELF payload");
    free(sb);
    free(rb);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    chk_begin("p2p_match");
    wildcards();
    ordering();
    posted_order();
    comm_isolation();
    proc_null();
    self_sends();
    return chk_end();
}
