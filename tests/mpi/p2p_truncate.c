/* p2p_truncate: with MPI_ERRORS_RETURN, a receive into a too-small buffer returns an error of
 * class MPI_ERR_TRUNCATE (eager-sized and 1 MiB messages; Recv, Irecv+Wait, Irecv+Waitall);
 * invalid rank / tag / count / communicator / datatype arguments return MPI_ERR_RANK /
 * MPI_ERR_TAG / MPI_ERR_COUNT / MPI_ERR_COMM / MPI_ERR_TYPE; MPI_Error_string describes them;
 * communication still works afterwards. Needs >= 2 ranks (pairs 0-1, 2-3, ...). */
#include "check.h"

static void check_class(int rc, int want, const char *what)
{
    int cls = -1;
    CHECK(rc != MPI_SUCCESS, "%s: returned MPI_SUCCESS, expected an error of class %d", what, want);
    MPI_OK(MPI_Error_class(rc, &cls));
    CHECK(cls == want, "%s: error class %d, expected %d (code %d)", what, cls, want, rc);
    char s[MPI_MAX_ERROR_STRING];
    int len = -1;
    s[0] = 0;
    MPI_OK(MPI_Error_string(rc, s, &len));
    CHECK(len > 0 && len < MPI_MAX_ERROR_STRING && (int)strlen(s) == len && s[0] != 0,
          "%s: MPI_Error_string gave length %d, text '%s'", what, len, s);
}

static void truncation(int peer, int sender)
{
    static const int sizes[] = {100, 4000, 1 << 20}; /* bytes sent */
    static const int room[] = {10, 3999, 1000};      /* bytes the receiver offers */
    char what[160];
    for (int k = 0; k < 3; k++) {
        int n = sizes[k];
        unsigned char *buf = chk_malloc((size_t)n);
        for (int variant = 0; variant < 3; variant++) {
            int tag = 10 * k + variant;
            snprintf(what, sizeof what, "truncation: %d bytes into %d (%s)", n, room[k],
                     variant == 0   ? "Recv"
                     : variant == 1 ? "Irecv+Wait"
                                    : "Irecv+Waitall");
            chk_case("%s", what);
            if (sender) {
                chk_fill(buf, (size_t)n, chk_seed(30, (uint32_t)k, 0, 0));
                /* the sender's side completes normally */
                int rc = MPI_Send(buf, n, MPI_BYTE, peer, tag, MPI_COMM_WORLD);
                CHECK(rc == MPI_SUCCESS, "%s: sender got error %d", what, rc);
            } else {
                MPI_Status st;
                MPI_Request rq;
                int rc;
                memset(buf, 0, (size_t)n);
                if (variant == 0) {
                    rc = MPI_Recv(buf, room[k], MPI_BYTE, peer, tag, MPI_COMM_WORLD, &st);
                    check_class(rc, MPI_ERR_TRUNCATE, what);
                } else if (variant == 1) {
                    rc = MPI_Irecv(buf, room[k], MPI_BYTE, peer, tag, MPI_COMM_WORLD, &rq);
                    CHECK(rc == MPI_SUCCESS, "%s: Irecv returned %d", what, rc);
                    rc = MPI_Wait(&rq, &st);
                    check_class(rc, MPI_ERR_TRUNCATE, what);
                    CHECK(rq == MPI_REQUEST_NULL, "%s: request not freed by Wait", what);
                } else {
                    MPI_Request two[2];
                    MPI_Status sts[2];
                    rc = MPI_Irecv(buf, room[k], MPI_BYTE, peer, tag, MPI_COMM_WORLD, &two[0]);
                    CHECK(rc == MPI_SUCCESS, "%s: Irecv returned %d", what, rc);
                    two[1] = MPI_REQUEST_NULL;
                    sts[0].MPI_ERROR = -1;
                    rc = MPI_Waitall(2, two, sts);
                    check_class(rc, MPI_ERR_IN_STATUS, what);
                    int cls = -1;
                    MPI_OK(MPI_Error_class(sts[0].MPI_ERROR, &cls));
                    CHECK(cls == MPI_ERR_TRUNCATE, "%s: status.MPI_ERROR class %d, expected MPI_ERR_TRUNCATE", what,
                          cls);
                    CHECK(sts[1].MPI_ERROR == MPI_SUCCESS, "%s: null request's MPI_ERROR %d", what, sts[1].MPI_ERROR);
                }
            }
        }
        free(buf);
    }
}

static void bad_arguments(int peer)
{
    int np = chk_size, x = 5;
    MPI_Request rq = MPI_REQUEST_NULL;
    chk_case("invalid arguments");
    check_class(MPI_Send(&x, 1, MPI_INT, np, 1, MPI_COMM_WORLD), MPI_ERR_RANK, "Send to rank == size");
    check_class(MPI_Send(&x, 1, MPI_INT, -5, 1, MPI_COMM_WORLD), MPI_ERR_RANK, "Send to rank -5");
    check_class(MPI_Recv(&x, 1, MPI_INT, np + 3, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE), MPI_ERR_RANK,
                "Recv from rank size+3");
    check_class(MPI_Isend(&x, 1, MPI_INT, np, 1, MPI_COMM_WORLD, &rq), MPI_ERR_RANK, "Isend to rank == size");
    check_class(MPI_Send(&x, 1, MPI_INT, peer, -7, MPI_COMM_WORLD), MPI_ERR_TAG, "Send with tag -7");
    check_class(MPI_Send(&x, 1, MPI_INT, peer, MPI_ANY_TAG, MPI_COMM_WORLD), MPI_ERR_TAG, "Send with MPI_ANY_TAG");
    check_class(MPI_Recv(&x, 1, MPI_INT, peer, -7, MPI_COMM_WORLD, MPI_STATUS_IGNORE), MPI_ERR_TAG, "Recv with tag -7");
    check_class(MPI_Irecv(&x, 1, MPI_INT, peer, -7, MPI_COMM_WORLD, &rq), MPI_ERR_TAG, "Irecv with tag -7");
    check_class(MPI_Send(&x, -1, MPI_INT, peer, 1, MPI_COMM_WORLD), MPI_ERR_COUNT, "Send with count -1");
    check_class(MPI_Recv(&x, -1, MPI_INT, peer, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE), MPI_ERR_COUNT,
                "Recv with count -1");
    check_class(MPI_Send(&x, 1, MPI_INT, peer, 1, MPI_COMM_NULL), MPI_ERR_COMM, "Send on MPI_COMM_NULL");
    check_class(MPI_Recv(&x, 1, MPI_INT, peer, 1, MPI_COMM_NULL, MPI_STATUS_IGNORE), MPI_ERR_COMM,
                "Recv on MPI_COMM_NULL");
    check_class(MPI_Send(&x, 1, MPI_DATATYPE_NULL, peer, 1, MPI_COMM_WORLD), MPI_ERR_TYPE,
                "Send with MPI_DATATYPE_NULL");

    /* every error class has a description; MPI_SUCCESS is its own class */
    static const int classes[] = {MPI_ERR_BUFFER,   MPI_ERR_COUNT,  MPI_ERR_TYPE,     MPI_ERR_TAG,
                                  MPI_ERR_COMM,     MPI_ERR_RANK,   MPI_ERR_REQUEST,  MPI_ERR_ROOT,
                                  MPI_ERR_GROUP,    MPI_ERR_OP,     MPI_ERR_ARG,      MPI_ERR_UNKNOWN,
                                  MPI_ERR_TRUNCATE, MPI_ERR_OTHER,  MPI_ERR_INTERN,   MPI_ERR_IN_STATUS,
                                  MPI_ERR_PENDING,  MPI_ERR_NO_MEM, MPI_ERR_TOPOLOGY, MPI_ERR_DIMS};
    chk_case("error classes and strings");
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++) {
        char what[64];
        snprintf(what, sizeof what, "error class %d", classes[i]);
        check_class(classes[i], classes[i], what);
        CHECK(classes[i] <= MPI_ERR_LASTCODE, "class %d above MPI_ERR_LASTCODE", classes[i]);
    }
    int cls = -1;
    MPI_OK(MPI_Error_class(MPI_SUCCESS, &cls));
    CHECK_INT(cls, MPI_SUCCESS, "Error_class(MPI_SUCCESS)");
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    chk_begin("p2p_truncate");
    int me = chk_rank, np = chk_size;
    if (np < 2) {
        fprintf(stderr, "p2p_truncate needs at least 2 ranks\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    MPI_Errhandler eh = MPI_ERRHANDLER_NULL;
    chk_case("errhandler");
    MPI_OK(MPI_Comm_get_errhandler(MPI_COMM_WORLD, &eh));
    CHECK(eh == MPI_ERRORS_ARE_FATAL, "default error handler of COMM_WORLD is not MPI_ERRORS_ARE_FATAL");
    MPI_OK(MPI_Errhandler_free(&eh));
    MPI_OK(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN));
    /* errors on MPI_COMM_NULL go to COMM_WORLD's handler (MPI-3.1) or COMM_SELF's (MPI-4) */
    MPI_OK(MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN));
    MPI_OK(MPI_Comm_get_errhandler(MPI_COMM_WORLD, &eh));
    CHECK(eh == MPI_ERRORS_RETURN, "error handler of COMM_WORLD is not MPI_ERRORS_RETURN after set");
    MPI_OK(MPI_Errhandler_free(&eh));

    /* pairs (0,1), (2,3)...; an odd last rank truncates against itself with Isend */
    int peer = (me ^ 1) < np ? (me ^ 1) : -1;
    if (peer >= 0) {
        truncation(peer, me % 2 == 0);
    } else {
        chk_case("truncation to self");
        char big[64] = "0123456789", small[4];
        MPI_Request rq;
        MPI_OK(MPI_Isend(big, 64, MPI_CHAR, me, 5, MPI_COMM_WORLD, &rq));
        check_class(MPI_Recv(small, 4, MPI_CHAR, me, 5, MPI_COMM_WORLD, MPI_STATUS_IGNORE), MPI_ERR_TRUNCATE,
                    "self truncation");
        MPI_OK(MPI_Wait(&rq, MPI_STATUS_IGNORE));
    }
    bad_arguments(peer >= 0 ? peer : me);

    /* communication still works: a ring of 64 KiB messages */
    chk_case("ring after errors");
    int to = (me + 1) % np, from = (me - 1 + np) % np;
    size_t n = 65536;
    unsigned char *sb = chk_malloc(n), *rb = chk_malloc(n);
    chk_fill(sb, n, chk_seed(31, (uint32_t)me, 0, 0));
    MPI_Status st;
    MPI_OK(MPI_Sendrecv(sb, (int)n, MPI_BYTE, to, 9, rb, (int)n, MPI_BYTE, from, 9, MPI_COMM_WORLD, &st));
    CHECK_STATUS(&st, from, 9, MPI_BYTE, (int)n, "ring after errors");
    CHECK_BUF(rb, n, chk_seed(31, (uint32_t)from, 0, 0), "ring after errors");
    MPI_OK(MPI_Barrier(MPI_COMM_WORLD));
    free(sb);
    free(rb);
    return chk_end();
}
