/* memcpy_bw: single-core memcpy bandwidth from 4 KiB (in L1/L2) to 64 MiB (beyond the caches).
 * For each size, copies between two buffers of that size, again and again, until about
 * BYTES bytes have been copied; GB/s = bytes copied / time (10^9 bytes per second; the memory
 * traffic is twice that: a read and a write per byte). Median of RUNS runs; pinned to CPU.
 *   memcpy_bw [-m MAX_BYTES] [-t BYTES_PER_RUN] [-r RUNS] [-c CPU]   (defaults 64 MiB, 1 GiB, 5, 0)
 * What it means for an MPI library: a copy-in/copy-out (two-copy) protocol through shared memory
 * costs two of these per byte, and a single-copy (process_vm_readv) transfer is at best one;
 * for sizes that fit in the cache, this is the ceiling of any one-core copy. */
#include "limits_common.h"
#include <stdint.h>

static const char usage[] = "usage: memcpy_bw [-m MAX_BYTES] [-t BYTES_PER_RUN] [-r RUNS] [-c CPU]\n";

int main(int argc, char **argv)
{
    long max = 64L << 20, per_run = 1L << 30, runs = 5, cpu = 0;
    for (int i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(argv[i], "-m"))
            max = lim_arg("-m", v, 4096, usage), i++;
        else if (!strcmp(argv[i], "-t"))
            per_run = lim_arg("-t", v, 1, usage), i++;
        else if (!strcmp(argv[i], "-r"))
            runs = lim_arg("-r", v, 1, usage), i++;
        else if (!strcmp(argv[i], "-c"))
            cpu = lim_arg("-c", v, 0, usage), i++;
        else {
            fputs(usage, strcmp(argv[i], "-h") ? stderr : stdout);
            return strcmp(argv[i], "-h") ? 2 : 0;
        }
    }
    if (lim_pin((int)cpu)) return 1;
    unsigned char *src = lim_alloc((size_t)max), *dst = lim_alloc((size_t)max);
    memset(src, 1, (size_t)max);
    memset(dst, 2, (size_t)max);
    double *gbs = malloc(sizeof(double) * (size_t)runs);
    unsigned sum = 0;
    printf("# memcpy bandwidth, one core (cpu %ld), median of %ld runs of ~%ld MB each\n", cpu, runs,
           per_run / 1000000);
    printf("%-12s%12s\n", "# Size", "GB/s");
    for (long sz = 4096; sz <= max; sz *= 2) {
        long reps = per_run / sz > 0 ? per_run / sz : 1;
        memcpy(dst, src, (size_t)sz); /* warm up: caches, TLB */
        LIM_CLOBBER();
        for (long r = 0; r < runs; r++) {
            double t0 = lim_now();
            for (long k = 0; k < reps; k++) {
                memcpy(dst, src, (size_t)sz);
                LIM_CLOBBER();
            }
            double t = lim_now() - t0;
            gbs[r] = t > 0 ? (double)sz * (double)reps / t / 1e9 : 0.0;
            sum += dst[(size_t)r % (size_t)sz];
        }
        printf("%-12ld%12.2f\n", sz, lim_median(gbs, (int)runs));
        fflush(stdout);
    }
    free(gbs);
    return sum == 0xdeadbeef; /* keeps the copies observable */
}
