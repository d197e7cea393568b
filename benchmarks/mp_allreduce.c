/* mp_allreduce: MPI Allreduce Latency Test, OSU osu_allreduce compatible (options, columns; see coll_bench.h). Any
 * number of ranks. Usage: mp_allreduce [-m [MIN:]MAX] [-i ITERS] [-x WARMUP] [--format text|json|csv] */
#include "coll_bench.h"

static void run(void *sbuf, void *rbuf, long size, int rank, int np)
{
    (void)sbuf, (void)rbuf, (void)size, (void)rank, (void)np;
    MPI_Allreduce(sbuf, rbuf, (int)(size / 4), MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
}

int main(int argc, char **argv)
{
    static const struct coll_bench cb = {"mp_allreduce", "MPI Allreduce Latency Test", 0, coll_bench_one, run};
    return coll_bench_main(argc, argv, &cb);
}
