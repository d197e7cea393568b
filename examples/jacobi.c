/* jacobi: 2-D Jacobi heat stencil on an N x N grid (default 256) for a fixed number of
 * iterations (default 300). Interior rows are split into blocks, one per rank; halo rows are
 * exchanged every iteration with MPI_Sendrecv (default) or Isend/Irecv (--nonblocking). The grid
 * is gathered to rank 0 with point-to-point messages and summarised as a checksum: the sum of
 * all cells (%.17g, summed serially in row-major order) and an FNV-1a hash of the grid's bytes.
 *
 * Every cell is updated with the same operations in the same order whatever the decomposition,
 * so the checksum is bit-for-bit identical at every rank count (examples/jacobi_check.cmake
 * runs it at several counts and compares).
 *
 * Usage: jacobi [-n N] [-i ITERATIONS] [--nonblocking] */
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Initial and boundary values, a pure function of the global position. */
static double initial(int i, int j, int n)
{
    if (i == 0) return 100.0;                      /* hot top edge */
    if (i == n - 1) return 0.0;                    /* cold bottom edge */
    if (j == 0) return 50.0 * i / (double)(n - 1); /* left edge: a ramp */
    if (j == n - 1) return 25.0;                   /* right edge */
    return (double)((i * 7 + j * 13) % 17) / 17.0; /* interior: some structure to smooth out */
}

static void block(int rank, int size, int interior, int *lo, int *rows)
{
    int base = interior / size, rem = interior % size;
    *rows = base + (rank < rem);
    *lo = 1 + rank * base + (rank < rem ? rank : rem); /* global index of the first owned row */
}

int main(int argc, char **argv)
{
    int rank, size;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int n = 256, iters = 300, nonblocking = 0;
    for (int a = 1; a < argc; a++) {
        if (!strcmp(argv[a], "-n") && a + 1 < argc)
            n = atoi(argv[++a]);
        else if (!strcmp(argv[a], "-i") && a + 1 < argc)
            iters = atoi(argv[++a]);
        else if (!strcmp(argv[a], "--nonblocking"))
            nonblocking = 1;
        else {
            if (rank == 0) fprintf(stderr, "usage: jacobi [-n N] [-i ITERATIONS] [--nonblocking]\n");
            MPI_Finalize();
            return 2;
        }
    }
    if (n < 3 || n - 2 < size || iters < 0) {
        if (rank == 0)
            fprintf(stderr, "jacobi: need N >= 3 and at least one interior row per rank (N=%d, %d ranks)\n", n, size);
        MPI_Finalize();
        return 2;
    }

    int lo, rows;
    block(rank, size, n - 2, &lo, &rows);
    int up = rank > 0 ? rank - 1 : MPI_PROC_NULL, down = rank < size - 1 ? rank + 1 : MPI_PROC_NULL;
    /* local rows 0 and rows+1 are halos (global rows lo-1 and lo+rows) */
    size_t cells = (size_t)(rows + 2) * (size_t)n;
    double *u = malloc(cells * sizeof(double)), *v = malloc(cells * sizeof(double));
    if (!u || !v) {
        fprintf(stderr, "jacobi: out of memory\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    for (int li = 0; li < rows + 2; li++)
        for (int j = 0; j < n; j++) u[(size_t)li * n + j] = v[(size_t)li * n + j] = initial(lo - 1 + li, j, n);

    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = MPI_Wtime();
    for (int it = 0; it < iters; it++) {
        /* halo exchange: first owned row up / bottom halo from below; last owned row down / top
         * halo from above. At the edges the neighbour is MPI_PROC_NULL and the halo keeps the
         * fixed boundary row. */
        double *first = u + n, *last = u + (size_t)rows * n;
        double *top_halo = u, *bottom_halo = u + (size_t)(rows + 1) * n;
        if (nonblocking) {
            MPI_Request rq[4];
            MPI_Irecv(top_halo, n, MPI_DOUBLE, up, 2, MPI_COMM_WORLD, &rq[0]);
            MPI_Irecv(bottom_halo, n, MPI_DOUBLE, down, 1, MPI_COMM_WORLD, &rq[1]);
            MPI_Isend(first, n, MPI_DOUBLE, up, 1, MPI_COMM_WORLD, &rq[2]);
            MPI_Isend(last, n, MPI_DOUBLE, down, 2, MPI_COMM_WORLD, &rq[3]);
            MPI_Waitall(4, rq, MPI_STATUSES_IGNORE);
        } else {
            MPI_Sendrecv(first, n, MPI_DOUBLE, up, 1, bottom_halo, n, MPI_DOUBLE, down, 1, MPI_COMM_WORLD,
                         MPI_STATUS_IGNORE);
            MPI_Sendrecv(last, n, MPI_DOUBLE, down, 2, top_halo, n, MPI_DOUBLE, up, 2, MPI_COMM_WORLD,
                         MPI_STATUS_IGNORE);
        }
        for (int li = 1; li <= rows; li++) {
            const double *a = u + (size_t)(li - 1) * n, *b = u + (size_t)li * n, *c = u + (size_t)(li + 1) * n;
            double *o = v + (size_t)li * n;
            for (int j = 1; j < n - 1; j++) o[j] = 0.25 * ((a[j] + c[j]) + (b[j - 1] + b[j + 1]));
        }
        double *t = u;
        u = v;
        v = t;
    }
    double t = MPI_Wtime() - t0;

    /* gather the owned rows to rank 0 */
    int ok = 1;
    if (rank == 0) {
        double *g = malloc((size_t)n * (size_t)n * sizeof(double));
        if (!g) {
            fprintf(stderr, "jacobi: out of memory\n");
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        for (int j = 0; j < n; j++) {
            g[j] = initial(0, j, n);
            g[(size_t)(n - 1) * n + j] = initial(n - 1, j, n);
        }
        memcpy(g + (size_t)lo * n, u + n, (size_t)rows * n * sizeof(double));
        for (int r = 1; r < size; r++) {
            int rlo, rrows, count;
            MPI_Status st;
            block(r, size, n - 2, &rlo, &rrows);
            MPI_Recv(g + (size_t)rlo * n, rrows * n, MPI_DOUBLE, r, 3, MPI_COMM_WORLD, &st);
            MPI_Get_count(&st, MPI_DOUBLE, &count);
            if (count != rrows * n) {
                fprintf(stderr, "jacobi: rank %d sent %d values, expected %d\n", r, count, rrows * n);
                ok = 0;
            }
        }
        double sum = 0.0;
        uint64_t h = 1469598103934665603ULL;
        const unsigned char *p = (const unsigned char *)g;
        for (size_t k = 0; k < (size_t)n * n; k++) sum += g[k];
        for (size_t k = 0; k < (size_t)n * n * sizeof(double); k++) {
            h ^= p[k];
            h *= 1099511628211ULL;
        }
        printf("jacobi: %dx%d grid, %d iterations, %d ranks, %s halo exchange, %.3f s\n", n, n, iters, size,
               nonblocking ? "Isend/Irecv" : "Sendrecv", t);
        printf("checksum: sum=%.17g fnv1a=%016llx\n", sum, (unsigned long long)h);
        free(g);
    } else {
        MPI_Send(u + n, rows * n, MPI_DOUBLE, 0, 3, MPI_COMM_WORLD);
    }
    free(u);
    free(v);
    MPI_Finalize();
    return ok ? 0 : 1;
}
