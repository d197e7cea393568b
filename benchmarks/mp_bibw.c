/* mp_bibw: bidirectional streaming bandwidth between two ranks, OSU osu_bibw compatible (options,
 * columns, method): for each size, both ranks post a window of Irecvs, then a window of Isends,
 * and wait for all of them. Bandwidth = bytes moved in both directions / time, in MB/s
 * (10^6 bytes per second), measured on rank 0. Plain MPI: builds with any mpicc.
 * Usage: mp_bibw [-m [MIN:]MAX] [-i ITERS] [-x WARMUP] [-W WINDOW] [-c] [--format text|json|csv]
 * With -c every message of a window has its own buffer (so the data can be checked); without
 * it, as in OSU, the window shares one send and one receive buffer. */
#include "bench_common.h"

int main(int argc, char **argv)
{
    int rank;
    struct bench_opts o = {1, 1L << 22, 100, 20, 10, 2, 64, 0, FMT_TEXT};
    struct bench_meta m;
    struct bench_out out = {.bench = "mp_bibw",
                            .title = "MPI Bi-Directional Bandwidth Test (OSU osu_bibw compatible)",
                            .column = "Bandwidth (MB/s)",
                            .key = "bandwidth_mb_s",
                            .windowed = 1};
    int status = bench_start(argc, argv, &o, &m, &out, &rank);
    if (status >= 0) return status;

    int w = o.window, nbuf = o.validate ? w : 1;
    size_t stride = ((size_t)o.max_size + 63) / 64 * 64;
    unsigned char *sbuf = bench_alloc(stride * (size_t)nbuf), *rbuf = bench_alloc(stride * (size_t)nbuf);
    MPI_Request *sreq = malloc(sizeof(MPI_Request) * (size_t)w), *rreq = malloc(sizeof(MPI_Request) * (size_t)w);
    MPI_Status *st = malloc(sizeof(MPI_Status) * (size_t)w); /* as OSU; MPI_STATUSES_IGNORE trips gcc 12 + MPICH */
    if (!sreq || !rreq || !st) MPI_Abort(MPI_COMM_WORLD, 1);
    int peer = 1 - rank, failed = 0;
    /* as in OSU: rank 0 sends with tag 100 and receives tag 10; rank 1 the other way round */
    int stag = rank == 0 ? 100 : 10, rtag = rank == 0 ? 10 : 100;
    for (long sz = o.min_size; sz <= o.max_size; sz = bench_next_size(sz)) {
        int iters = bench_iters(&o, sz), skip = bench_skip(&o, sz);
        int errors = 0;
        double t_start = 0.0, t_end = 0.0;
        MPI_Barrier(MPI_COMM_WORLD);
        for (int i = 0; i < iters + skip; i++) {
            if (i == skip) t_start = MPI_Wtime();
            for (int j = 0; j < w; j++)
                MPI_Irecv(rbuf + (o.validate ? (size_t)j * stride : 0), (int)sz, MPI_CHAR, peer, rtag, MPI_COMM_WORLD,
                          &rreq[j]);
            for (int j = 0; j < w; j++) {
                unsigned char *b = sbuf + (o.validate ? (size_t)j * stride : 0);
                if (o.validate) bench_fill(b, sz, i * w + j, rank);
                MPI_Isend(b, (int)sz, MPI_CHAR, peer, stag, MPI_COMM_WORLD, &sreq[j]);
            }
            MPI_Waitall(w, sreq, st);
            MPI_Waitall(w, rreq, st);
            if (o.validate)
                for (int j = 0; j < w; j++) errors += bench_check(rbuf + (size_t)j * stride, sz, i * w + j, peer);
        }
        t_end = MPI_Wtime();
        if (o.validate) errors = bench_errors_all(errors, &failed);
        if (rank == 0) {
            double t = t_end - t_start;
            double bw = t > 0 ? (double)sz / 1e6 * (double)iters * (double)w * 2.0 / t : 0.0;
            bench_row(&out, &o, &m, sz, iters, bw, errors == 0);
        }
    }
    free(sreq);
    free(rreq);
    free(st);
    free(sbuf);
    free(rbuf);
    return bench_end(&out, &o, &m, rank, failed, argv[0]);
}
