/* Rank 1 vanishes (exits without MPI_Finalize) while rank 0 waits to receive from it over an
 * established connection: the job must end with an error naming rank 1, not hang (peer_exit.sh
 * checks). Plain MPI. */
#include <mpi.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, v = 42;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rank == 0) {
        MPI_Send(&v, 1, MPI_INT, 1, 0, MPI_COMM_WORLD);
        MPI_Recv(&v, 1, MPI_INT, 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        printf("peer_exit: rank 0 received %d from a rank that had exited\n", v);
    } else if (rank == 1) {
        MPI_Recv(&v, 1, MPI_INT, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        _exit(0);
    }
    MPI_Finalize();
    return 0;
}
