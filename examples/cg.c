/* Conjugate-gradient solver for the 2-D Poisson problem -laplace(u) = f on the unit square with
 * u = 0 on the boundary, discretised with the 5-point stencil on an N x N interior grid and
 * distributed over a Cartesian process grid (MPI_Dims_create / MPI_Cart_create / MPI_Cart_shift).
 * Halo rows travel as contiguous doubles, halo columns as an MPI_Type_vector.
 *
 * f = 2 (x (1-x) + y (1-y)), so u(x,y) = x (1-x) y (1-y). The stencil differentiates quadratics
 * exactly, so u at the grid points also solves the discrete problem. The program checks itself:
 * the true residual |b - A x| / |b| must be within 10x the tolerance, and x within 1e-9 of u
 * (whose maximum is 1/16), else it exits with 1.
 *
 * usage: cg [N [tolerance [max_iterations]]]   (defaults 128, 1e-8, 10 * N) */
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

struct grid {
    MPI_Comm cart;
    int rank;
    int n;             /* interior points per dimension, whole problem */
    int nx, ny;        /* local rows and columns */
    int x0, y0;        /* global index of the first local row and column */
    int up, down;      /* neighbours in dimension 0 (rows), MPI_PROC_NULL at the boundary */
    int left, right;   /* neighbours in dimension 1 (columns) */
    MPI_Datatype column;
};

#define AT(g, a, i, j) ((a)[(size_t)(i) * (size_t)((g)->ny + 2) + (size_t)(j)])

/* Splits n points over parts as evenly as possible; part p gets *count points from *first. */
static void split_range(int n, int parts, int p, int *first, int *count)
{
    int base = n / parts, extra = n % parts;
    *count = base + (p < extra);
    *first = p * base + (p < extra ? p : extra);
}

static void grid_setup(struct grid *g, int n)
{
    int size, dims[2] = {0, 0}, periods[2] = {0, 0}, coords[2];
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Dims_create(size, 2, dims);
    MPI_Cart_create(MPI_COMM_WORLD, 2, dims, periods, 1, &g->cart);
    MPI_Comm_rank(g->cart, &g->rank);
    MPI_Cart_coords(g->cart, g->rank, 2, coords);
    MPI_Cart_shift(g->cart, 0, 1, &g->up, &g->down);
    MPI_Cart_shift(g->cart, 1, 1, &g->left, &g->right);
    g->n = n;
    split_range(n, dims[0], coords[0], &g->x0, &g->nx);
    split_range(n, dims[1], coords[1], &g->y0, &g->ny);
    MPI_Type_vector(g->nx, 1, g->ny + 2, MPI_DOUBLE, &g->column);
    MPI_Type_commit(&g->column);
    if (g->rank == 0) printf("cg: N=%d on %d ranks, process grid %dx%d\n", n, size, dims[0], dims[1]);
}

static void halo_exchange(const struct grid *g, double *a)
{
    MPI_Request req[8];
    int ny = g->ny, nx = g->nx;
    MPI_Irecv(&AT(g, a, 0, 1), ny, MPI_DOUBLE, g->up, 0, g->cart, &req[0]);
    MPI_Irecv(&AT(g, a, nx + 1, 1), ny, MPI_DOUBLE, g->down, 1, g->cart, &req[1]);
    MPI_Irecv(&AT(g, a, 1, 0), 1, g->column, g->left, 2, g->cart, &req[2]);
    MPI_Irecv(&AT(g, a, 1, ny + 1), 1, g->column, g->right, 3, g->cart, &req[3]);
    MPI_Isend(&AT(g, a, 1, 1), ny, MPI_DOUBLE, g->up, 1, g->cart, &req[4]);
    MPI_Isend(&AT(g, a, nx, 1), ny, MPI_DOUBLE, g->down, 0, g->cart, &req[5]);
    MPI_Isend(&AT(g, a, 1, 1), 1, g->column, g->left, 3, g->cart, &req[6]);
    MPI_Isend(&AT(g, a, 1, ny), 1, g->column, g->right, 2, g->cart, &req[7]);
    MPI_Waitall(8, req, MPI_STATUSES_IGNORE);
}

/* out = A p, where A is the 5-point Laplacian scaled by h^2 (p's halo must be current). */
static void apply_laplacian(const struct grid *g, const double *p, double *out)
{
    for (int i = 1; i <= g->nx; i++)
        for (int j = 1; j <= g->ny; j++)
            AT(g, out, i, j) = 4.0 * AT(g, p, i, j) - AT(g, p, i - 1, j) - AT(g, p, i + 1, j) - AT(g, p, i, j - 1) -
                               AT(g, p, i, j + 1);
}

static double dot(const struct grid *g, const double *a, const double *b)
{
    double local = 0.0, global;
    for (int i = 1; i <= g->nx; i++)
        for (int j = 1; j <= g->ny; j++) local += AT(g, a, i, j) * AT(g, b, i, j);
    MPI_Allreduce(&local, &global, 1, MPI_DOUBLE, MPI_SUM, g->cart);
    return global;
}

static double coord(const struct grid *g, int global_index)
{
    return (double)(global_index + 1) / (double)(g->n + 1);
}

static double bump(double t)
{
    return t * (1.0 - t);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int n = argc > 1 ? atoi(argv[1]) : 128;
    double tol = argc > 2 ? atof(argv[2]) : 1e-8;
    int max_it = argc > 3 ? atoi(argv[3]) : 10 * n;
    if (n < 1 || tol <= 0.0 || max_it < 1) {
        fprintf(stderr, "usage: cg [N>0 [tolerance>0 [max_iterations>0]]]\n");
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    struct grid g;
    grid_setup(&g, n);
    size_t cells = (size_t)(g.nx + 2) * (size_t)(g.ny + 2);
    double *x = calloc(cells, sizeof *x), *b = calloc(cells, sizeof *b), *r = calloc(cells, sizeof *r);
    double *p = calloc(cells, sizeof *p), *ap = calloc(cells, sizeof *ap);
    if (!x || !b || !r || !p || !ap) {
        fprintf(stderr, "cg: out of memory for a %dx%d block\n", g.nx, g.ny);
        MPI_Abort(MPI_COMM_WORLD, 3);
    }
    const double h = 1.0 / (double)(n + 1);
    for (int i = 1; i <= g.nx; i++)
        for (int j = 1; j <= g.ny; j++)
            AT(&g, b, i, j) = h * h * 2.0 * (bump(coord(&g, g.x0 + i - 1)) + bump(coord(&g, g.y0 + j - 1)));

    double t0 = MPI_Wtime();
    for (size_t k = 0; k < cells; k++) r[k] = p[k] = b[k];
    double rr = dot(&g, r, r), bb = rr;
    int it = 0;
    while (it < max_it && sqrt(rr / bb) > tol) {
        halo_exchange(&g, p);
        apply_laplacian(&g, p, ap);
        double alpha = rr / dot(&g, p, ap);
        for (int i = 1; i <= g.nx; i++)
            for (int j = 1; j <= g.ny; j++) {
                AT(&g, x, i, j) += alpha * AT(&g, p, i, j);
                AT(&g, r, i, j) -= alpha * AT(&g, ap, i, j);
            }
        double rr_next = dot(&g, r, r);
        double beta = rr_next / rr;
        rr = rr_next;
        for (int i = 1; i <= g.nx; i++)
            for (int j = 1; j <= g.ny; j++) AT(&g, p, i, j) = AT(&g, r, i, j) + beta * AT(&g, p, i, j);
        it++;
    }
    double elapsed = MPI_Wtime() - t0;

    /* The self-check recomputes the residual from x instead of trusting the recurrence. */
    halo_exchange(&g, x);
    apply_laplacian(&g, x, ap);
    double local_err = 0.0;
    for (int i = 1; i <= g.nx; i++)
        for (int j = 1; j <= g.ny; j++) {
            AT(&g, r, i, j) = AT(&g, b, i, j) - AT(&g, ap, i, j);
            double exact = bump(coord(&g, g.x0 + i - 1)) * bump(coord(&g, g.y0 + j - 1));
            local_err = fmax(local_err, fabs(AT(&g, x, i, j) - exact));
        }
    double residual = sqrt(dot(&g, r, r) / bb), err;
    MPI_Allreduce(&local_err, &err, 1, MPI_DOUBLE, MPI_MAX, g.cart);
    const double err_bound = 1e-9;
    int ok = residual <= 10.0 * tol && err <= err_bound;
    if (g.rank == 0)
        printf("cg: iterations=%d relative_residual=%.3e max_error=%.3e (bound %.3e) time=%.3f s: %s\n", it, residual,
               err, err_bound, elapsed, ok ? "PASS" : "FAIL");
    free(x);
    free(b);
    free(r);
    free(p);
    free(ap);
    MPI_Type_free(&g.column);
    MPI_Comm_free(&g.cart);
    MPI_Finalize();
    return ok ? 0 : 1;
}
