/* p2p_bsend: buffered sends. Bsend/Ibsend/Bsend_init of eager and rendezvous sizes complete
 * before the receiver has posted anything and before the user buffer is reused (content checked
 * after overwriting it); Buffer_detach returns the attached buffer and waits for the pending
 * messages (the buffer is overwritten after detach while the receiver has not finished); a buffer
 * too small, or none at all, gives MPI_ERR_BUFFER and the job goes on; bad arguments give their
 * error classes. Ring: r sends to r+1. */
#include "check.h"

/* Detaching without a buffer, attaching a second one, starting a persistent buffered send that
 * does not fit: libmsgpass says MPI_ERR_BUFFER; Open MPI returns an internal code (-30). */
#ifdef MSGPASS_VERSION_STRING
#define BUFFER_ERROR(rc) ((rc) == MPI_ERR_BUFFER)
#else
#define BUFFER_ERROR(rc) ((rc) != MPI_SUCCESS)
#endif

static const int sizes[] = {0, 1, 100, 4000, 70000, 300000};
#define NSIZES ((int)(sizeof sizes / sizeof sizes[0]))

static int total_space(void)
{
    int n = 0;
    for (int i = 0; i < NSIZES; i++) n += sizes[i] + MPI_BSEND_OVERHEAD;
    return n;
}

/* mode 0: Bsend, 1: Ibsend (+ Wait), 2: Bsend_init (+ Start, Wait, Request_free) */
static void ring_round(int mode, int round)
{
    static const char *names[] = {"Bsend", "Ibsend", "Bsend_init"};
    int me = chk_rank, np = chk_size, to = (me + 1) % np, from = (me - 1 + np) % np;
    int space = total_space();
    char *attach = chk_malloc((size_t)space);
    chk_case("%s round %d: attach %d bytes", names[mode], round, space);
    MPI_OK(MPI_Buffer_attach(attach, space));
    unsigned char *sb = chk_malloc(300000), *rb = chk_malloc(300000);
    for (int i = 0; i < NSIZES; i++) {
        chk_case("%s round %d: %d bytes to rank %d", names[mode], round, sizes[i], to);
        chk_fill(sb, (size_t)sizes[i], chk_seed(71, (uint32_t)me, (uint32_t)i, (uint32_t)(mode * 10 + round)));
        MPI_Request rq = MPI_REQUEST_NULL;
        MPI_Status st;
        if (mode == 0) {
            MPI_OK(MPI_Bsend(sb, sizes[i], MPI_BYTE, to, 100 + i, MPI_COMM_WORLD));
        } else if (mode == 1) {
            MPI_OK(MPI_Ibsend(sb, sizes[i], MPI_BYTE, to, 100 + i, MPI_COMM_WORLD, &rq));
            MPI_OK(MPI_Wait(&rq, &st));
            CHECK(rq == MPI_REQUEST_NULL, "Wait left the Ibsend request non-null");
        } else {
            MPI_OK(MPI_Bsend_init(sb, sizes[i], MPI_BYTE, to, 100 + i, MPI_COMM_WORLD, &rq));
            MPI_OK(MPI_Start(&rq));
            MPI_OK(MPI_Wait(&rq, &st));
            CHECK(rq != MPI_REQUEST_NULL, "Wait freed a persistent Bsend_init request");
            MPI_OK(MPI_Request_free(&rq));
        }
        /* the message is in the attached buffer now: the user buffer is free */
        memset(sb, 0xA5, (size_t)sizes[i]);
    }
    /* nobody has posted a receive before every rank has sent everything */
    MPI_OK(MPI_Barrier(MPI_COMM_WORLD));
    for (int i = NSIZES - 1; i >= 0; i--) {
        chk_case("%s round %d: receive %d bytes from rank %d", names[mode], round, sizes[i], from);
        MPI_Status st;
        memset(rb, 0xEE, 300000);
        MPI_OK(MPI_Recv(rb, 300000, MPI_BYTE, from, 100 + i, MPI_COMM_WORLD, &st));
        CHECK_STATUS(&st, from, 100 + i, MPI_BYTE, sizes[i], "buffered message");
        CHECK_BUF(rb, sizes[i], chk_seed(71, (uint32_t)from, (uint32_t)i, (uint32_t)(mode * 10 + round)),
                  "buffered message");
    }
    chk_case("%s round %d: detach", names[mode], round);
    void *addr = NULL;
    int size = -1;
    MPI_OK(MPI_Buffer_detach(&addr, &size));
    CHECK(addr == (void *)attach, "Buffer_detach returned %p, attached %p", addr, (void *)attach);
    CHECK_INT(size, space, "Buffer_detach size");
    free(attach);
    free(sb);
    free(rb);
}

/* Detach must wait until a pending (rendezvous) message is out of the buffer: the buffer is
 * scribbled over right after detach, while the receiver only posts its receive later. */
static void detach_waits(void)
{
    int me = chk_rank, np = chk_size, to = (me + 1) % np, from = (me - 1 + np) % np;
    const int n = 300000;
    int space = n + MPI_BSEND_OVERHEAD;
    char *attach = chk_malloc((size_t)space);
    unsigned char *sb = chk_malloc((size_t)n), *rb = chk_malloc((size_t)n);
    chk_case("detach waits for a pending %d-byte message", n);
    MPI_OK(MPI_Buffer_attach(attach, space));
    chk_fill(sb, (size_t)n, chk_seed(72, (uint32_t)me, 0, 0));
    MPI_OK(MPI_Bsend(sb, n, MPI_BYTE, to, 5, MPI_COMM_WORLD));
    memset(sb, 0, (size_t)n);
    MPI_Request rq;
    MPI_OK(MPI_Irecv(rb, n, MPI_BYTE, from, 5, MPI_COMM_WORLD, &rq));
    void *addr;
    int size;
    MPI_OK(MPI_Buffer_detach(&addr, &size));
    memset(attach, 0x5A, (size_t)space);
    MPI_Status st;
    MPI_OK(MPI_Wait(&rq, &st));
    CHECK_STATUS(&st, from, 5, MPI_BYTE, n, "message sent while detaching");
    CHECK_BUF(rb, (size_t)n, chk_seed(72, (uint32_t)from, 0, 0), "message sent while detaching");
    free(attach);
    free(sb);
    free(rb);
}

static void errors(void)
{
    int me = chk_rank, np = chk_size, to = (me + 1) % np, from = (me - 1 + np) % np;
    int rc, one = 7, got = 0;
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    /* failing sends go to a communicator of their own: Open MPI numbers a message before it
     * fails for want of buffer space, and the receiver would wait for that number forever */
    MPI_Comm ec;
    MPI_OK(MPI_Comm_dup(MPI_COMM_WORLD, &ec));
    MPI_Comm_set_errhandler(ec, MPI_ERRORS_RETURN);
    MPI_Status st;
    void *addr;
    int size;

    /* messages large enough that no implementation can send them at once, without buffering */
    const int nbig = 300000;
    char *big = chk_malloc((size_t)nbig);
    memset(big, 0, (size_t)nbig);
    chk_case("Bsend without an attached buffer");
    rc = MPI_Bsend(big, nbig, MPI_CHAR, to, 1, ec);
    CHECK_INT(rc, MPI_ERR_BUFFER, "Bsend without a buffer");
    chk_case("Buffer_detach without an attached buffer");
    rc = MPI_Buffer_detach(&addr, &size);
    CHECK(BUFFER_ERROR(rc), "Buffer_detach without a buffer returned %d", rc);
    chk_case("Buffer_attach with a negative size");
    char small[100 + MPI_BSEND_OVERHEAD];
    rc = MPI_Buffer_attach(small, -1);
    CHECK_INT(rc, MPI_ERR_ARG, "Buffer_attach size -1");

    chk_case("buffer too small");
    MPI_OK(MPI_Buffer_attach(small, (int)sizeof small));
    chk_case("attach twice");
    char other[64];
    rc = MPI_Buffer_attach(other, (int)sizeof other);
    CHECK(BUFFER_ERROR(rc), "second Buffer_attach returned %d", rc);
    chk_case("message larger than the attached buffer");
    rc = MPI_Bsend(big, nbig, MPI_CHAR, to, 1, ec);
    CHECK_INT(rc, MPI_ERR_BUFFER, "Bsend of 300000 bytes into a small buffer");
    MPI_Request rq = MPI_REQUEST_NULL;
    rc = MPI_Ibsend(big, nbig, MPI_CHAR, to, 1, ec, &rq);
    CHECK_INT(rc, MPI_ERR_BUFFER, "Ibsend of 300000 bytes into a small buffer");
    MPI_OK(MPI_Bsend_init(big, nbig, MPI_CHAR, to, 1, ec, &rq));
    rc = MPI_Start(&rq);
    CHECK(BUFFER_ERROR(rc), "Start of a 300000-byte Bsend_init into a small buffer returned %d", rc);
    MPI_OK(MPI_Request_free(&rq));
    chk_case("bad arguments");
    rc = MPI_Bsend(&one, 1, MPI_INT, np, 1, MPI_COMM_WORLD);
    CHECK_INT(rc, MPI_ERR_RANK, "Bsend to rank size");
    rc = MPI_Bsend(&one, 1, MPI_INT, to, -5, MPI_COMM_WORLD);
    CHECK_INT(rc, MPI_ERR_TAG, "Bsend with tag -5");
    rc = MPI_Bsend(&one, -1, MPI_INT, to, 1, MPI_COMM_WORLD);
    CHECK_INT(rc, MPI_ERR_COUNT, "Bsend with count -1");
    rc = MPI_Bsend(&one, 1, MPI_INT, to, 1, MPI_COMM_NULL);
    CHECK_INT(rc, MPI_ERR_COMM, "Bsend on MPI_COMM_NULL");
    rc = MPI_Ibsend(&one, 1, MPI_DATATYPE_NULL, to, 1, MPI_COMM_WORLD, &rq);
    CHECK_INT(rc, MPI_ERR_TYPE, "Ibsend of MPI_DATATYPE_NULL");

    chk_case("the job goes on: a message that fits");
    MPI_OK(MPI_Bsend(&one, 1, MPI_INT, to, 2, MPI_COMM_WORLD));
    MPI_OK(MPI_Bsend(&one, 0, MPI_INT, MPI_PROC_NULL, 2, MPI_COMM_WORLD));
    MPI_OK(MPI_Recv(&got, 1, MPI_INT, from, 2, MPI_COMM_WORLD, &st));
    CHECK_INT(got, 7, "buffered int");
    MPI_OK(MPI_Buffer_detach(&addr, &size));
    CHECK(addr == (void *)small, "detach returned another buffer");
    CHECK_INT(size, (int)sizeof small, "detached size");
    free(big);
    MPI_OK(MPI_Comm_free(&ec));
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
}

/* The space of messages already sent is reused: many more messages than the buffer holds at
 * once go through it, as long as the receiver keeps up. */
static void reuse(void)
{
    int me = chk_rank, np = chk_size, to = (me + 1) % np, from = (me - 1 + np) % np;
    int space = 2 * (1000 + MPI_BSEND_OVERHEAD);
    char *attach = chk_malloc((size_t)space);
    unsigned char sb[1000], rb[1000];
    MPI_OK(MPI_Buffer_attach(attach, space));
    for (int it = 0; it < 200; it++) {
        chk_case("reuse of the buffer, message %d", it);
        chk_fill(sb, sizeof sb, chk_seed(73, (uint32_t)me, (uint32_t)it, 0));
        MPI_OK(MPI_Bsend(sb, (int)sizeof sb, MPI_BYTE, to, 9, MPI_COMM_WORLD));
        MPI_Status st;
        MPI_OK(MPI_Recv(rb, (int)sizeof rb, MPI_BYTE, from, 9, MPI_COMM_WORLD, &st));
        CHECK_BUF(rb, sizeof rb, chk_seed(73, (uint32_t)from, (uint32_t)it, 0), "reused buffer");
    }
    void *addr;
    int size;
    MPI_OK(MPI_Buffer_detach(&addr, &size));
    free(attach);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    chk_begin("p2p_bsend");
    for (int round = 0; round < 2; round++)
        for (int mode = 0; mode < 3; mode++) ring_round(mode, round);
    detach_waits();
    errors();
    reuse();
    return chk_end();
}
