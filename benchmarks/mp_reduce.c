/* mp_reduce: MPI Reduce Latency Test, OSU osu_reduce compatible (options, columns; see coll_bench.h). Any number of
 * ranks. Usage: mp_reduce [-m [MIN:]MAX] [-i ITERS] [-x WARMUP] [--format text|json|csv] */
#include "coll_bench.h"

static void run(void *sbuf, void *rbuf, long size, int rank, int np)
{
    (void)sbuf, (void)rbuf, (void)size, (void)rank, (void)np;
    MPI_Reduce(sbuf, rbuf, (int)(size / 4), MPI_FLOAT, MPI_SUM, 0, MPI_COMM_WORLD);
}

int main(int argc, char **argv)
{
    static const struct coll_bench cb = {"mp_reduce", "MPI Reduce Latency Test", 0, coll_bench_one, run};
    return coll_bench_main(argc, argv, &cb);
}
