// mpi.h must compile as C++ (extern "C" linkage, no C-only constructs) and link from C++.
// Built with -Wall -Wextra -pedantic -Werror; runs as a one-rank job.
#include <mpi.h>

#include <cstdio>
#include <cstring>

namespace
{
template <typename T> int count_of(const MPI_Status &st, MPI_Datatype dt)
{
    int n = -1;
    MPI_Get_count(&st, dt, &n);
    return n * static_cast<int>(sizeof(T));
}
} // namespace

int main(int argc, char **argv)
{
    if (MPI_Init(&argc, &argv) != MPI_SUCCESS) return 1;
    int rank = -1, size = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    // a few constants and handles used the C++ way
    const MPI_Datatype types[] = {MPI_INT, MPI_DOUBLE, MPI_BYTE, MPI_C_BOOL, MPI_2INT};
    const MPI_Op ops[] = {MPI_SUM, MPI_MAX, MPI_MINLOC};
    MPI_Request req = MPI_REQUEST_NULL;
    MPI_Status st;
    std::memset(&st, 0, sizeof st);
    int v = 42, w = 0, bad = 0;
    MPI_Irecv(&w, 1, MPI_INT, rank, 7, MPI_COMM_WORLD, &req);
    MPI_Send(&v, 1, MPI_INT, rank, 7, MPI_COMM_WORLD);
    MPI_Wait(&req, &st);
    if (w != 42 || st.MPI_SOURCE != rank || st.MPI_TAG != 7 || count_of<int>(st, MPI_INT) != 4) bad = 1;
    int sum = 0;
    MPI_Allreduce(&v, &sum, 1, types[0], ops[0], MPI_COMM_WORLD);
    if (sum != 42 * size) bad = 1;
    (void)MPI_IN_PLACE;
    (void)MPI_STATUS_IGNORE;
    (void)MPI_STATUSES_IGNORE;
    (void)MPI_BOTTOM;
    if (rank == 0)
        std::printf("cxx_header: %s (%d types, %d ops)\n", bad ? "FAILED" : "1 passed, 0 failed",
                    static_cast<int>(sizeof types / sizeof types[0]), static_cast<int>(sizeof ops / sizeof ops[0]));
    MPI_Finalize();
    return bad;
}
