/* cacheline_pingpong: how long one cache line takes to move between two CPUs. Two processes
 * (fork), pinned to CPU A and CPU B, bounce a counter that lives alone in one cache line of a
 * shared anonymous mapping: A waits for an even value and stores value+1, B waits for an odd value
 * and stores value+1. One round trip moves the line there and back; one-way = round trip / 2.
 * Prints the median over RUNS runs of ITERS round trips each.
 *   cacheline_pingpong [-n ITERS] [-r RUNS] [-a CPU_A] [-b CPU_B]   (defaults 1000000 11 0 1)
 * What it means for an MPI library: a small message needs at least the flag/header line to move
 * from the sender's core to the receiver's, so a ping-pong's one-way latency cannot drop below
 * about one line transfer, and real implementations (header + payload + index update) sit at a
 * small multiple of it. */
#include "limits_common.h"
#include <stdatomic.h>
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

struct line {
    _Alignas(64) _Atomic uint64_t counter;
    char pad[64 - sizeof(uint64_t)];
};

static const char usage[] = "usage: cacheline_pingpong [-n ITERS] [-r RUNS] [-a CPU_A] [-b CPU_B]\n";

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __asm__ volatile("pause");
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
}

int main(int argc, char **argv)
{
    long iters = 1000000, runs = 11, cpu_a = 0, cpu_b = 1;
    for (int i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(argv[i], "-n"))
            iters = lim_arg("-n", v, 1, usage), i++;
        else if (!strcmp(argv[i], "-r"))
            runs = lim_arg("-r", v, 1, usage), i++;
        else if (!strcmp(argv[i], "-a"))
            cpu_a = lim_arg("-a", v, 0, usage), i++;
        else if (!strcmp(argv[i], "-b"))
            cpu_b = lim_arg("-b", v, 0, usage), i++;
        else {
            fputs(usage, strcmp(argv[i], "-h") ? stderr : stdout);
            return strcmp(argv[i], "-h") ? 2 : 0;
        }
    }
    if (!lim_two_cpus("cacheline_pingpong", cpu_a, cpu_b)) return 77;
    /* two lines: the counter and, on its own line, the child's "ready" flag */
    struct line *sh = lim_shared(2 * sizeof(struct line));
    struct line *ln = &sh[0], *ready = &sh[1];
    const uint64_t total = (uint64_t)iters * (uint64_t)runs;

    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 1;
    }
    if (pid == 0) { /* B: answers odd values */
        if (lim_pin((int)cpu_b)) _exit(1);
        atomic_store_explicit(&ready->counter, 1, memory_order_release);
        for (uint64_t k = 0; k < total; k++) {
            uint64_t want = 2 * k + 1;
            while (atomic_load_explicit(&ln->counter, memory_order_acquire) != want) cpu_relax();
            atomic_store_explicit(&ln->counter, want + 1, memory_order_release);
        }
        _exit(0);
    }
    if (lim_pin((int)cpu_a)) {
        kill(pid, SIGKILL);
        return 1;
    }
    while (!atomic_load_explicit(&ready->counter, memory_order_acquire)) cpu_relax();
    double *rt = malloc(sizeof(double) * (size_t)runs);
    uint64_t k = 0;
    for (long r = 0; r < runs; r++) {
        double t0 = lim_now();
        for (long i = 0; i < iters; i++, k++) {
            uint64_t want = 2 * k;
            while (atomic_load_explicit(&ln->counter, memory_order_acquire) != want) cpu_relax();
            atomic_store_explicit(&ln->counter, want + 1, memory_order_release);
        }
        /* wait for the last answer before stopping the clock */
        while (atomic_load_explicit(&ln->counter, memory_order_acquire) != 2 * k) cpu_relax();
        rt[r] = (lim_now() - t0) * 1e9 / (double)iters;
    }
    int status = 0;
    waitpid(pid, &status, 0);
    double best = rt[0];
    for (long r = 1; r < runs; r++)
        if (rt[r] < best) best = rt[r];
    double med = lim_median(rt, (int)runs);
    printf("cache-line one-way latency, cpu %ld <-> cpu %ld: %.1f ns (median of %ld runs of %ld round trips; "
           "round trip %.1f ns, best run %.1f ns one-way)\n",
           cpu_a, cpu_b, med / 2.0, runs, iters, med, best / 2.0);
    free(rt);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
