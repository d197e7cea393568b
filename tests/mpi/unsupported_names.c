/* unsupported_names: the Tier 1 link-only names (one-sided windows, Dist_graph_neighbors) exist
 * and, in libmsgpass, fail with MPI_ERR_UNSUPPORTED_OPERATION through the communicator's error
 * handler (returned under MPI_ERRORS_RETURN, passed to a user handler), leave the window handle
 * MPI_WIN_NULL, and leave the job working. Other MPIs implement windows (Open MPI in a container
 * may still refuse them): there a window that was created must free cleanly. Any rank count >= 1. */
#include "check.h"

#ifdef MSGPASS_VERSION_STRING
static int handler_calls, handler_code;

static void count_errors(MPI_Comm *comm, int *code, ...)
{
    (void)comm;
    handler_calls++;
    handler_code = *code;
}

static void expect_unsupported(int rc, const char *what)
{
    int cls = -1;
    CHECK(rc != MPI_SUCCESS, "%s succeeded", what);
    MPI_OK(MPI_Error_class(rc, &cls));
    CHECK_INT(cls, MPI_ERR_UNSUPPORTED_OPERATION, what);
    char text[MPI_MAX_ERROR_STRING];
    int len = 0;
    MPI_OK(MPI_Error_string(rc, text, &len));
    CHECK(len > 0 && (int)strlen(text) == len, "%s: error string of length %d", what, len);
}
#endif

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    chk_begin("unsupported_names");
    int buf[4] = {0};
    MPI_Win win = MPI_WIN_NULL;

#ifdef MSGPASS_VERSION_STRING
    chk_case("returned under MPI_ERRORS_RETURN");
    MPI_OK(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN));
    win = (MPI_Win)12345;
    expect_unsupported(MPI_Win_create(buf, sizeof buf, sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win),
                       "MPI_Win_create");
    CHECK(win == MPI_WIN_NULL, "MPI_Win_create left a window handle %d", (int)win);
    void *base = NULL;
    expect_unsupported(MPI_Win_allocate(64, 1, MPI_INFO_NULL, MPI_COMM_WORLD, &base, &win), "MPI_Win_allocate");
    CHECK(win == MPI_WIN_NULL, "MPI_Win_allocate left a window handle %d", (int)win);
    expect_unsupported(MPI_Win_create_dynamic(MPI_INFO_NULL, MPI_COMM_WORLD, &win), "MPI_Win_create_dynamic");
    expect_unsupported(MPI_Win_attach(win, buf, sizeof buf), "MPI_Win_attach");
    expect_unsupported(MPI_Win_free(&win), "MPI_Win_free");
    int src[1], sw[1], dst[1], dw[1];
    expect_unsupported(MPI_Dist_graph_neighbors(MPI_COMM_WORLD, 1, src, sw, 1, dst, dw), "MPI_Dist_graph_neighbors");

    chk_case("passed to a user error handler");
    MPI_Errhandler eh;
    MPI_OK(MPI_Comm_create_errhandler(count_errors, &eh));
    MPI_OK(MPI_Comm_set_errhandler(MPI_COMM_WORLD, eh));
    int rc = MPI_Win_create(buf, sizeof buf, sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win);
    CHECK_INT(rc, MPI_ERR_UNSUPPORTED_OPERATION, "MPI_Win_create under a user handler");
    CHECK_INT(handler_calls, 1, "handler calls");
    CHECK_INT(handler_code, MPI_ERR_UNSUPPORTED_OPERATION, "code given to the handler");
    MPI_OK(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL));
    MPI_OK(MPI_Errhandler_free(&eh));
#else
    chk_case("windows in this MPI");
    MPI_OK(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN));
    if (MPI_Win_create(buf, sizeof buf, sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win) == MPI_SUCCESS) {
        CHECK(win != MPI_WIN_NULL, "MPI_Win_create gave MPI_WIN_NULL");
        MPI_OK(MPI_Win_free(&win));
        CHECK(win == MPI_WIN_NULL, "MPI_Win_free left a handle");
    }
    MPI_OK(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL));
#endif

    chk_case("the job goes on");
    int one = 1, sum = 0;
    MPI_OK(MPI_Allreduce(&one, &sum, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD));
    CHECK_INT(sum, chk_size, "allreduce after the failed calls");
    return chk_end();
}
