/* mp_alltoall: MPI Alltoall Latency Test, OSU osu_alltoall compatible (options, columns; see coll_bench.h). Any number
 * of ranks. Usage: mp_alltoall [-m [MIN:]MAX] [-i ITERS] [-x WARMUP] [--format text|json|csv] */
#include "coll_bench.h"

static void run(void *sbuf, void *rbuf, long size, int rank, int np)
{
    (void)sbuf, (void)rbuf, (void)size, (void)rank, (void)np;
    MPI_Alltoall(sbuf, (int)size, MPI_CHAR, rbuf, (int)size, MPI_CHAR, MPI_COMM_WORLD);
}

int main(int argc, char **argv)
{
    static const struct coll_bench cb = {"mp_alltoall", "MPI Alltoall Latency Test", 0, coll_bench_all, run};
    return coll_bench_main(argc, argv, &cb);
}
