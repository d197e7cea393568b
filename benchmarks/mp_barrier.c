/* mp_barrier: MPI Barrier Latency Test, OSU osu_barrier compatible (options, columns; see coll_bench.h). Any number of
 * ranks. Usage: mp_barrier [-m [MIN:]MAX] [-i ITERS] [-x WARMUP] [--format text|json|csv] */
#include "coll_bench.h"

static void run(void *sbuf, void *rbuf, long size, int rank, int np)
{
    (void)sbuf, (void)rbuf, (void)size, (void)rank, (void)np;
    MPI_Barrier(MPI_COMM_WORLD);
}

int main(int argc, char **argv)
{
    static const struct coll_bench cb = {"mp_barrier", "MPI Barrier Latency Test", 1, coll_bench_one, run};
    return coll_bench_main(argc, argv, &cb);
}
