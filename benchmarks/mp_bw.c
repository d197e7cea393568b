/* mp_bw: streaming bandwidth between two ranks, OSU osu_bw compatible (options, columns,
 * method): for each size, rank 0 posts a window of Isends, rank 1 a window of Irecvs; after each
 * window rank 1 acknowledges with a small message. Bandwidth = bytes moved / time, in MB/s
 * (10^6 bytes per second). Plain MPI: builds with any mpicc.
 * Usage: mp_bw [-m [MIN:]MAX] [-i ITERS] [-x WARMUP] [-W WINDOW] [-c] [--format text|json|csv]
 * With -c every message of a window has its own buffer (so the data can be checked); without
 * it, as in OSU, the window shares one send and one receive buffer. */
#include "bench_common.h"

int main(int argc, char **argv)
{
    int rank;
    struct bench_opts o = {1, 1L << 22, 100, 20, 10, 2, 64, 0, FMT_TEXT};
    struct bench_meta m;
    struct bench_out out = {.bench = "mp_bw",
                            .title = "MPI Bandwidth Test (OSU osu_bw compatible)",
                            .column = "Bandwidth (MB/s)",
                            .key = "bandwidth_mb_s",
                            .windowed = 1};
    int status = bench_start(argc, argv, &o, &m, &out, &rank);
    if (status >= 0) return status;

    int w = o.window, nbuf = o.validate ? w : 1;
    size_t stride = ((size_t)o.max_size + 63) / 64 * 64;
    unsigned char *sbuf = bench_alloc(stride * (size_t)nbuf), *rbuf = bench_alloc(stride * (size_t)nbuf);
    MPI_Request *req = malloc(sizeof(MPI_Request) * (size_t)w);
    MPI_Status *st = malloc(sizeof(MPI_Status) * (size_t)w); /* as OSU; MPI_STATUSES_IGNORE trips gcc 12 + MPICH */
    if (!req || !st) MPI_Abort(MPI_COMM_WORLD, 1);
    int peer = 1 - rank, failed = 0;
    char ack[4] = {0};
    for (long sz = o.min_size; sz <= o.max_size; sz = bench_next_size(sz)) {
        int iters = bench_iters(&o, sz), skip = bench_skip(&o, sz);
        int errors = 0;
        double t_start = 0.0, t_end = 0.0;
        MPI_Barrier(MPI_COMM_WORLD);
        for (int i = 0; i < iters + skip; i++) {
            if (i == skip && rank == 0) t_start = MPI_Wtime();
            if (rank == 0) {
                for (int j = 0; j < w; j++) {
                    unsigned char *b = sbuf + (o.validate ? (size_t)j * stride : 0);
                    if (o.validate) bench_fill(b, sz, i * w + j, 0);
                    MPI_Isend(b, (int)sz, MPI_CHAR, peer, 100, MPI_COMM_WORLD, &req[j]);
                }
                MPI_Waitall(w, req, st);
                MPI_Recv(ack, 4, MPI_CHAR, peer, 101, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            } else {
                for (int j = 0; j < w; j++)
                    MPI_Irecv(rbuf + (o.validate ? (size_t)j * stride : 0), (int)sz, MPI_CHAR, peer, 100,
                              MPI_COMM_WORLD, &req[j]);
                MPI_Waitall(w, req, st);
                if (o.validate)
                    for (int j = 0; j < w; j++) errors += bench_check(rbuf + (size_t)j * stride, sz, i * w + j, 0);
                MPI_Send(ack, 4, MPI_CHAR, peer, 101, MPI_COMM_WORLD);
            }
        }
        if (rank == 0) t_end = MPI_Wtime();
        if (o.validate) errors = bench_errors_all(errors, &failed);
        if (rank == 0) {
            double t = t_end - t_start;
            double bw = t > 0 ? (double)sz / 1e6 * (double)iters * (double)w / t : 0.0;
            bench_row(&out, &o, &m, sz, iters, bw, errors == 0);
        }
    }
    free(req);
    free(st);
    free(sbuf);
    free(rbuf);
    return bench_end(&out, &o, &m, rank, failed, argv[0]);
}
