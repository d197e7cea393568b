/* Counts whose bytes overflow: every call refuses them with MPI_ERR_COUNT before touching memory,
 * sizes above INT_MAX read as MPI_UNDEFINED, and with argv[1] = "fatal" a send of such a count
 * ends the job (limits.sh checks the message). The types are huge but never allocated. Plain MPI. */
#include "../mpi/check.h"

#include <limits.h>

static int class_of(int rc)
{
    int cls;
    MPI_Error_class(rc, &cls);
    return cls;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    chk_begin("count_overflow");
    MPI_Datatype gib, huge;
    MPI_Type_contiguous(1 << 30, MPI_BYTE, &gib); /* 2^30 bytes */
    MPI_Type_contiguous(1 << 30, gib, &huge);     /* 2^60 bytes */
    MPI_Type_commit(&gib);
    MPI_Type_commit(&huge);
    char buf[64] = {0};
    int me = chk_rank;
    if (argc > 1 && !strcmp(argv[1], "fatal")) {
        MPI_Send(buf, 16, huge, me, 0, MPI_COMM_WORLD);
        CHECK(0, "MPI_Send of 2^64 bytes returned under MPI_ERRORS_ARE_FATAL");
    }
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);

    chk_case("sizes above INT_MAX");
    int size;
    MPI_Count size_x;
    CHECK(MPI_Type_size(huge, &size) == MPI_SUCCESS && size == MPI_UNDEFINED, "MPI_Type_size gave %d", size);
    CHECK(MPI_Type_size_x(huge, &size_x) == MPI_SUCCESS && size_x == (MPI_Count)1 << 60, "MPI_Type_size_x gave %lld",
          (long long)size_x);
    MPI_Status st;
    MPI_Status_set_elements_x(&st, MPI_BYTE, (MPI_Count)3 << 30);
    int count = 0;
    MPI_Get_count(&st, MPI_BYTE, &count);
    CHECK(count == MPI_UNDEFINED, "MPI_Get_count of 3 GiB gave %d", count);

    chk_case("point-to-point");
    int rc = MPI_Send(buf, 16, huge, me, 0, MPI_COMM_WORLD); /* 2^64 bytes: wraps a size_t */
    CHECK(class_of(rc) == MPI_ERR_COUNT, "MPI_Send of 2^64 bytes: class %d", class_of(rc));
    rc = MPI_Send(buf, 8, huge, me, 0, MPI_COMM_WORLD); /* 2^63 bytes: no buffer is that large */
    CHECK(class_of(rc) == MPI_ERR_COUNT, "MPI_Send of 2^63 bytes: class %d", class_of(rc));
    MPI_Request req = MPI_REQUEST_NULL;
    rc = MPI_Irecv(buf, 16, huge, me, 0, MPI_COMM_WORLD, &req);
    CHECK(class_of(rc) == MPI_ERR_COUNT && req == MPI_REQUEST_NULL, "MPI_Irecv of 2^64 bytes: class %d", class_of(rc));

    chk_case("pack");
    rc = MPI_Pack_size(3, gib, MPI_COMM_WORLD, &size); /* 3 GiB: more than an int */
    CHECK(class_of(rc) == MPI_ERR_COUNT, "MPI_Pack_size of 3 GiB: class %d", class_of(rc));
    rc = MPI_Pack_size(16, huge, MPI_COMM_WORLD, &size);
    CHECK(class_of(rc) == MPI_ERR_COUNT, "MPI_Pack_size of 2^64 bytes: class %d", class_of(rc));
    size = 0;
    CHECK(MPI_Pack_size(1, gib, MPI_COMM_WORLD, &size) == MPI_SUCCESS && size >= 1 << 30,
          "MPI_Pack_size of 1 GiB gave %d", size);
    int pos = 0;
    rc = MPI_Pack(buf, 16, huge, buf + 32, 32, &pos, MPI_COMM_WORLD);
    CHECK(class_of(rc) == MPI_ERR_COUNT && pos == 0, "MPI_Pack of 2^64 bytes: class %d, position %d", class_of(rc),
          pos);

    chk_case("constructors");
    MPI_Datatype bigger = MPI_DATATYPE_NULL;
    rc = MPI_Type_contiguous(INT_MAX, huge, &bigger);
    CHECK(class_of(rc) == MPI_ERR_COUNT, "MPI_Type_contiguous of INT_MAX * 2^60 bytes: class %d", class_of(rc));

    chk_case("still working");
    int token = 41 + me, got = 0;
    MPI_Sendrecv(&token, 1, MPI_INT, me, 1, &got, 1, MPI_INT, me, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    CHECK(got == token, "self message gave %d, expected %d", got, token);
    MPI_Type_free(&huge);
    MPI_Type_free(&gib);
    return chk_end();
}
