/* ring: a token goes around the ring of ranks N times (default 10); every rank adds 1 to it.
 * Rank 0 checks that it comes back as N * size. Usage: ring [N] */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    int rank, size;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int laps = argc > 1 ? atoi(argv[1]) : 10;
    int next = (rank + 1) % size, prev = (rank - 1 + size) % size;
    int token = 0, ok = 1;

    for (int lap = 0; lap < laps; lap++) {
        MPI_Status st;
        if (rank == 0) {
            /* the send completes on its own, so one call serves a ring of one rank too */
            int out = token + 1;
            MPI_Sendrecv(&out, 1, MPI_INT, next, lap, &token, 1, MPI_INT, prev, lap, MPI_COMM_WORLD, &st);
            if (token != (lap + 1) * size) {
                fprintf(stderr, "ring: lap %d: token %d, expected %d\n", lap, token, (lap + 1) * size);
                ok = 0;
            }
        } else {
            MPI_Recv(&token, 1, MPI_INT, prev, lap, MPI_COMM_WORLD, &st);
            if (token != lap * size + rank) {
                fprintf(stderr, "ring: rank %d lap %d: token %d, expected %d\n", rank, lap, token, lap * size + rank);
                ok = 0;
            }
            token++;
            MPI_Send(&token, 1, MPI_INT, next, lap, MPI_COMM_WORLD);
        }
    }
    if (rank == 0)
        printf("ring: %d laps around %d ranks: token %d (%s)\n", laps, size, token, ok ? "correct" : "WRONG");
    MPI_Finalize();
    return ok ? 0 : 1;
}
