/* A user program built outside the project against an installed libmsgpass: every rank checks
 * a sum over all ranks and its rank's echo from the next rank around a ring. */
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int sum = 0;
    MPI_Allreduce(&rank, &sum, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    int from_left = -1;
    MPI_Sendrecv(&rank, 1, MPI_INT, (rank + 1) % size, 7, &from_left, 1, MPI_INT, (rank + size - 1) % size, 7,
                 MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    int ok = sum == size * (size - 1) / 2 && from_left == (rank + size - 1) % size;
    if (!ok) fprintf(stderr, "consumer: rank %d got sum %d, left neighbour %d\n", rank, sum, from_left);
    MPI_Finalize();
    if (ok && rank == 0) printf("consumer ok on %d ranks\n", size);
    return ok ? 0 : 1;
}
