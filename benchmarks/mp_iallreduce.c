/* mp_iallreduce: overlap of a nonblocking allreduce with computation, in the manner of OSU
 * osu_iallreduce. Per size: t_pure = Iallreduce + Wait alone; then Iallreduce, a computation of
 * t_pure (calling MPI_Test every ~10 us so a library that progresses only inside MPI calls can
 * advance), Wait: t_total. Overlap % = 100 * (1 - (t_total - t_compute) / t_pure), clamped to
 * 0..100; reported as the value, averaged over ranks. Usage as the other benchmarks (no -c). */
#include "coll_bench.h"

static double pure_us;

static void compute(double us, MPI_Request *req)
{
    double t0 = MPI_Wtime(), last = t0;
    int flag = 0;
    while ((MPI_Wtime() - t0) * 1e6 < us) {
        if (!flag && (MPI_Wtime() - last) * 1e6 > 10.0) {
            MPI_Test(req, &flag, MPI_STATUS_IGNORE);
            last = MPI_Wtime();
        }
    }
}

static double timed(void *sbuf, void *rbuf, long size, double work_us, int iters)
{
    double t0 = MPI_Wtime();
    for (int i = 0; i < iters; i++) {
        MPI_Request req;
        MPI_Iallreduce(sbuf, rbuf, (int)(size / 4), MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD, &req);
        if (work_us > 0) compute(work_us, &req);
        MPI_Wait(&req, MPI_STATUS_IGNORE);
    }
    return (MPI_Wtime() - t0) * 1e6 / iters;
}

int main(int argc, char **argv)
{
    int rank, np;
    struct bench_opts o = {4, 1L << 20, 200, 50, 20, 5, 0, 0, FMT_TEXT};
    struct bench_meta m;
    struct bench_out out = {.bench = "mp_iallreduce",
                            .title = "MPI Iallreduce Overlap Test (OSU osu_iallreduce style)",
                            .column = "Overlap (%)",
                            .key = "overlap_pct"};
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &np);
    int p = bench_parse(argc, argv, &o, &out, rank);
    if (p != 0 || o.validate) {
        if (o.validate && rank == 0) fprintf(stderr, "%s: -c is not supported\n", argv[0]);
        MPI_Finalize();
        return p > 0 ? 0 : 1;
    }
    bench_meta_get(&m, rank);
    if (rank == 0) bench_header(&out, &o, &m);
    unsigned char *sbuf = bench_alloc((size_t)o.max_size), *rbuf = bench_alloc((size_t)o.max_size);
    for (long sz = o.min_size; sz <= o.max_size; sz = bench_next_size(sz)) {
        int iters = bench_iters(&o, sz), skip = bench_skip(&o, sz);
        MPI_Barrier(MPI_COMM_WORLD);
        if (skip) timed(sbuf, rbuf, sz, 0, skip);
        pure_us = timed(sbuf, rbuf, sz, 0, iters);
        MPI_Allreduce(MPI_IN_PLACE, &pure_us, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
        MPI_Barrier(MPI_COMM_WORLD);
        double total = timed(sbuf, rbuf, sz, pure_us, iters);
        double overlap = 100.0 * (1.0 - (total - pure_us) / pure_us), sum = 0.0;
        overlap = overlap < 0 ? 0 : overlap > 100 ? 100 : overlap;
        MPI_Reduce(&overlap, &sum, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
        if (rank == 0) bench_row(&out, &o, &m, sz, iters, sum / np, 1);
    }
    free(sbuf);
    free(rbuf);
    return bench_end(&out, &o, &m, rank, 0, argv[0]);
}
