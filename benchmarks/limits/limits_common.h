/* Helpers shared by the physical-limit probes (plain C11 + POSIX/Linux, no MPI): clock, CPU
 * pinning, medians, a shared anonymous mapping, and option parsing. */
#ifndef MP_LIMITS_COMMON_H
#define MP_LIMITS_COMMON_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* sched_setaffinity, process_vm_readv */
#endif
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static inline double lim_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Pins the calling process to one CPU; returns 0 or -1 (message printed). */
static inline int lim_pin(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0) {
        fprintf(stderr, "sched_setaffinity(cpu %d): %s\n", cpu, strerror(errno));
        return -1;
    }
    return 0;
}

static inline int lim_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of v[0..n-1] (sorts v). */
static inline double lim_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, lim_cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/* 1 when cpu_a and cpu_b are two different online CPUs; otherwise says why `prog` cannot
 * measure and returns 0 (the caller exits 77, "skipped"). */
static inline int lim_two_cpus(const char *prog, long cpu_a, long cpu_b)
{
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    if (cpu_a != cpu_b && online >= 2) return 1;
    printf("%s: needs two different online CPUs (asked for %ld and %ld, %ld online)\n", prog, cpu_a, cpu_b, online);
    return 0;
}

/* Shared (across fork) anonymous, page-aligned, zeroed mapping. */
static inline void *lim_shared(size_t n)
{
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        exit(1);
    }
    return p;
}

/* Page-aligned private buffer (inherited copy-on-write by fork). */
static inline unsigned char *lim_alloc(size_t n)
{
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        exit(1);
    }
    return p;
}

/* "-x VALUE" style integer option with a lower bound; exits with usage on a bad value. */
static inline long lim_arg(const char *opt, const char *val, long min, const char *usage)
{
    char *end;
    long v = val ? strtol(val, &end, 10) : 0;
    if (!val || !*val || *end || v < min) {
        fprintf(stderr, "bad value for %s\n%s", opt, usage);
        exit(2);
    }
    return v;
}

/* A compiler barrier: the copies it follows really happen. */
#define LIM_CLOBBER() __asm__ volatile("" ::: "memory")

#endif
