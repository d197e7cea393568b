/* pi: midpoint-rule integration of 4/(1+x^2) over [0,1], intervals dealt round-robin to the
 * ranks, partial sums combined with MPI_Reduce. Usage: pi [intervals] (default 10000000) */
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    const double PI25DT = 3.141592653589793238462643;
    int rank, size;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    long long n = 10000000;
    if (rank == 0 && argc > 1) n = atoll(argv[1]);
    MPI_Bcast(&n, 1, MPI_LONG_LONG, 0, MPI_COMM_WORLD);
    if (n < 1) n = 1;

    double t0 = MPI_Wtime();
    double h = 1.0 / (double)n, sum = 0.0;
    for (long long i = rank; i < n; i += size) {
        double x = h * ((double)i + 0.5);
        sum += 4.0 / (1.0 + x * x);
    }
    double mypi = h * sum, pi = 0.0;
    MPI_Reduce(&mypi, &pi, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
    double t = MPI_Wtime() - t0;

    int ok = 1;
    if (rank == 0) {
        double err = fabs(pi - PI25DT);
        printf("pi is approximately %.16f, error is %.16f (%lld intervals, %d ranks, %.3f s)\n", pi, err, n, size, t);
        ok = n < 1000 || err < 1e-8; /* the midpoint rule's error is ~ 1/(12 n^2) */
    }
    MPI_Finalize();
    return ok ? 0 : 1;
}
