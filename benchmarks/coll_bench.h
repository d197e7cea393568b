/* The collective benchmarks (mp_barrier, mp_bcast, ...): OSU-style (osu_allreduce and friends)
 * on top of bench_common.h: same options, header and output formats; any number of ranks. For
 * each size every rank times `iters` calls after `skip` warm-up calls; the reported latency is
 * the average over ranks of each rank's mean time per call, in microseconds. */
#ifndef MP_COLL_BENCH_H
#define MP_COLL_BENCH_H

#include "bench_common.h"

/* `run` makes one call of the collective for `size` bytes per rank (the OSU message size) with
 * buffers of bufsize(size, ranks) bytes. Results are checked by the test suite (tests/mpi/coll_*),
 * not here: -c is refused. */
struct coll_bench {
    const char *bench, *title;
    int sizeless; /* barrier: one row, size 0 */
    size_t (*bufsize)(long size, int np);
    void (*run)(void *sbuf, void *rbuf, long size, int rank, int np);
};

static int coll_bench_main(int argc, char **argv, const struct coll_bench *cb)
{
    int rank, np;
    struct bench_opts o = {1, 1L << 20, 1000, 100, 200, 10, 0, 0, FMT_TEXT};
    if (cb->sizeless) o.min_size = o.max_size = 0;
    struct bench_meta m;
    struct bench_out out = {.bench = cb->bench, .title = cb->title, .column = "Avg Latency(us)", .key = "latency_us"};
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &np);
    int p = bench_parse(argc, argv, &o, &out, rank);
    if (p != 0) {
        MPI_Finalize();
        return p > 0 ? 0 : 1;
    }
    if (o.validate) {
        if (rank == 0) fprintf(stderr, "%s: -c is not supported by the collective benchmarks\n", argv[0]);
        MPI_Finalize();
        return 1;
    }
    if (cb->sizeless) o.min_size = o.max_size = 0;
    bench_meta_get(&m, rank);
    if (rank == 0) bench_header(&out, &o, &m);
    size_t cap = cb->bufsize(o.max_size, np);
    unsigned char *sbuf = bench_alloc(cap), *rbuf = bench_alloc(cap);
    for (long sz = o.min_size; sz <= o.max_size; sz = bench_next_size(sz)) {
        int iters = bench_iters(&o, sz), skip = bench_skip(&o, sz);
        double t0 = 0.0;
        MPI_Barrier(MPI_COMM_WORLD);
        for (int i = 0; i < iters + skip; i++) {
            if (i == skip) t0 = MPI_Wtime();
            cb->run(sbuf, rbuf, sz, rank, np);
        }
        double mine = iters > 0 ? (MPI_Wtime() - t0) * 1e6 / iters : 0.0, sum = 0.0;
        MPI_Reduce(&mine, &sum, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
        if (rank == 0) bench_row(&out, &o, &m, sz, iters, sum / np, 1);
        if (cb->sizeless) break;
    }
    free(sbuf);
    free(rbuf);
    return bench_end(&out, &o, &m, rank, 0, argv[0]);
}

static inline size_t coll_bench_one(long size, int np)
{
    (void)np;
    return (size_t)size;
}
static inline size_t coll_bench_all(long size, int np)
{
    return (size_t)size * (size_t)np;
}

#endif
