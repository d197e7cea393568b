/* mp_latency: ping-pong latency between two ranks, OSU osu_latency compatible (options, columns,
 * method): for each size, rank 0 sends and waits for the reply; latency = half the round trip,
 * averaged over the timed iterations, in microseconds. Plain MPI: builds with any mpicc.
 * Usage: mp_latency [-m [MIN:]MAX] [-i ITERS] [-x WARMUP] [-c] [--format text|json|csv] */
#include "bench_common.h"

int main(int argc, char **argv)
{
    int rank;
    struct bench_opts o = {0, 1L << 22, 10000, 1000, 1000, 100, 0, 0, FMT_TEXT};
    struct bench_meta m;
    struct bench_out out = {.bench = "mp_latency",
                            .title = "MPI Latency Test (OSU osu_latency compatible)",
                            .column = "Latency (us)",
                            .key = "latency_us"};
    int status = bench_start(argc, argv, &o, &m, &out, &rank);
    if (status >= 0) return status;

    unsigned char *sbuf = bench_alloc((size_t)o.max_size), *rbuf = bench_alloc((size_t)o.max_size);
    int peer = 1 - rank, failed = 0;
    for (long sz = o.min_size; sz <= o.max_size; sz = bench_next_size(sz)) {
        int iters = bench_iters(&o, sz), skip = bench_skip(&o, sz);
        int errors = 0;
        double t_start = 0.0, t_end = 0.0;
        MPI_Barrier(MPI_COMM_WORLD);
        for (int i = 0; i < iters + skip; i++) {
            if (i == skip && rank == 0) t_start = MPI_Wtime();
            if (rank == 0) {
                if (o.validate) bench_fill(sbuf, sz, i, 0);
                MPI_Send(sbuf, (int)sz, MPI_CHAR, peer, 1, MPI_COMM_WORLD);
                MPI_Recv(rbuf, (int)sz, MPI_CHAR, peer, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                if (o.validate) errors += bench_check(rbuf, sz, i, 1);
            } else {
                MPI_Recv(rbuf, (int)sz, MPI_CHAR, peer, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                if (o.validate) {
                    errors += bench_check(rbuf, sz, i, 0);
                    bench_fill(sbuf, sz, i, 1);
                }
                MPI_Send(sbuf, (int)sz, MPI_CHAR, peer, 1, MPI_COMM_WORLD);
            }
        }
        if (rank == 0) t_end = MPI_Wtime();
        if (o.validate) errors = bench_errors_all(errors, &failed);
        if (rank == 0) {
            double lat = iters > 0 ? (t_end - t_start) * 1e6 / (2.0 * iters) : 0.0;
            bench_row(&out, &o, &m, sz, iters, lat, errors == 0);
        }
    }
    free(sbuf);
    free(rbuf);
    return bench_end(&out, &o, &m, rank, failed, argv[0]);
}
