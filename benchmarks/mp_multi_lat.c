/* mp_multi_lat: ping-pong latency of several pairs at once, OSU osu_multi_lat compatible
 * (options, columns, method): with n ranks (any even n >= 2), rank i and rank i + n/2 form a
 * pair and all pairs ping-pong at the same time; each rank's latency is half its round-trip
 * time averaged over the timed iterations, and the reported latency is the average over all
 * ranks, in microseconds. Plain MPI: builds with any mpicc.
 * Usage: mp_multi_lat [-m [MIN:]MAX] [-i ITERS] [-x WARMUP] [-c] [--format text|json|csv] */
#include "bench_common.h"

int main(int argc, char **argv)
{
    int rank;
    struct bench_opts o = {0, 1L << 22, 10000, 1000, 1000, 100, 0, 0, FMT_TEXT};
    struct bench_meta m;
    struct bench_out out = {.bench = "mp_multi_lat",
                            .title = "MPI Multi Latency Test (OSU osu_multi_lat compatible)",
                            .column = "Latency (us)",
                            .key = "latency_us",
                            .even_ranks = 1};
    int status = bench_start(argc, argv, &o, &m, &out, &rank);
    if (status >= 0) return status;

    int nranks;
    MPI_Comm_size(MPI_COMM_WORLD, &nranks);
    int pairs = nranks / 2, first = rank < pairs, failed = 0;
    int peer = first ? rank + pairs : rank - pairs;
    unsigned char *sbuf = bench_alloc((size_t)o.max_size), *rbuf = bench_alloc((size_t)o.max_size);
    for (long sz = o.min_size; sz <= o.max_size; sz = bench_next_size(sz)) {
        int iters = bench_iters(&o, sz), skip = bench_skip(&o, sz);
        int errors = 0;
        double t_start = 0.0, t_end = 0.0;
        MPI_Barrier(MPI_COMM_WORLD);
        for (int i = 0; i < iters + skip; i++) { /* iters >= 1: the barrier below runs once */
            if (i == skip) {                     /* as in OSU: every pair starts its timed part together */
                t_start = MPI_Wtime();
                MPI_Barrier(MPI_COMM_WORLD);
            }
            if (first) {
                if (o.validate) bench_fill(sbuf, sz, i, rank);
                MPI_Send(sbuf, (int)sz, MPI_CHAR, peer, 1, MPI_COMM_WORLD);
                MPI_Recv(rbuf, (int)sz, MPI_CHAR, peer, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                if (o.validate) errors += bench_check(rbuf, sz, i, peer);
            } else {
                MPI_Recv(rbuf, (int)sz, MPI_CHAR, peer, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                if (o.validate) {
                    errors += bench_check(rbuf, sz, i, peer);
                    bench_fill(sbuf, sz, i, rank);
                }
                MPI_Send(sbuf, (int)sz, MPI_CHAR, peer, 1, MPI_COMM_WORLD);
            }
        }
        t_end = MPI_Wtime();
        double lat = iters > 0 ? (t_end - t_start) * 1e6 / (2.0 * iters) : 0.0, sum = 0.0;
        MPI_Reduce(&lat, &sum, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
        if (o.validate) errors = bench_errors_all(errors, &failed);
        if (rank == 0) bench_row(&out, &o, &m, sz, iters, sum / nranks, errors == 0);
    }
    free(sbuf);
    free(rbuf);
    return bench_end(&out, &o, &m, rank, failed, argv[0]);
}
