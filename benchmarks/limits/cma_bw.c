/* cma_bw: cross-memory attach bandwidth (process_vm_readv / process_vm_writev) between two
 * processes on two cores: what a single-copy MPI transfer on one node can reach.
 * The buffers are allocated before fork, so both processes know every address; the parent is
 * pinned to CPU A, the child to CPU B. For each size (64 KiB .. 16 MiB), modes:
 *   readv   the parent reads the child's buffer (one copy stream, receiver side)
 *   writev  the parent writes into the child's buffer (one copy stream, sender side)
 *   split   one message child -> parent, both cores copying at once: the parent readv's the first
 *           half while the child writev's the second half into the parent's buffer
 *   bidir   two messages, one each way at once: both processes readv the other's buffer;
 *           GB/s counts both directions
 * GB/s = bytes delivered / time (10^9 B/s), median of RUNS runs of ~BYTES each.
 *   cma_bw [-m MAX_BYTES] [-t BYTES_PER_RUN] [-r RUNS] [-a CPU_A] [-b CPU_B]
 *          (defaults 16 MiB, 256 MiB, 5, 0, 1)
 * Exit status 77 (and a message saying why) when the kernel forbids cross-memory attach (EPERM
 * from ptrace rules, ENOSYS), as libmsgpass then has to stream through shared memory instead.
 * What it means for an MPI library: readv is the ceiling of a receiver-only single copy; split
 * shows what a large message gains when sender and receiver copy halves at once. */
#include "limits_common.h"
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

enum mode { M_READ, M_WRITE, M_SPLIT, M_BIDIR, M_NMODES, M_QUIT = 99 };
static const char *const mode_name[M_NMODES] = {"readv", "writev", "split", "bidir"};

struct ctl {
    _Alignas(64) _Atomic long go;   /* command sequence number, written by the parent */
    _Alignas(64) _Atomic long done; /* last command the child finished */
    _Alignas(64) int mode;
    long size;
    int child_errno;
    _Atomic int ready;
};

static const char usage[] = "usage: cma_bw [-m MAX_BYTES] [-t BYTES_PER_RUN] [-r RUNS] [-a CPU_A] [-b CPU_B]\n";

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __asm__ volatile("pause");
#endif
}

/* One whole transfer with process_vm_readv/writev (they may move less than asked). */
static int xfer(int write, pid_t pid, unsigned char *local, unsigned char *remote, size_t n)
{
    while (n > 0) {
        struct iovec l = {local, n}, r = {remote, n};
        ssize_t got = write ? process_vm_writev(pid, &l, 1, &r, 1, 0) : process_vm_readv(pid, &l, 1, &r, 1, 0);
        if (got <= 0) return got < 0 ? errno : EIO;
        local += got, remote += got, n -= (size_t)got;
    }
    return 0;
}

static const char *cma_why(int e)
{
    if (e == EPERM)
        return "EPERM: ptrace rules forbid cross-memory attach here (kernel.yama.ptrace_scope, a container's "
               "seccomp profile or a missing CAP_SYS_PTRACE)";
    if (e == ENOSYS) return "ENOSYS: this kernel has no process_vm_readv/writev";
    return strerror(e);
}

int main(int argc, char **argv)
{
    long max = 16L << 20, per_run = 256L << 20, runs = 5, cpu_a = 0, cpu_b = 1;
    for (int i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(argv[i], "-m"))
            max = lim_arg("-m", v, 65536, usage), i++;
        else if (!strcmp(argv[i], "-t"))
            per_run = lim_arg("-t", v, 1, usage), i++;
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
    if (!lim_two_cpus("cma_bw", cpu_a, cpu_b)) return 77;
    /* A: child's source, B: parent's destination, C: parent's source, D: child's destination */
    size_t n = (size_t)max;
    unsigned char *A = lim_alloc(n), *B = lim_alloc(n), *C = lim_alloc(n), *D = lim_alloc(n);
    struct ctl *ctl = lim_shared(sizeof *ctl);
    prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0); /* let the child attach to us under Yama; may fail */

    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 1;
    }
    if (pid == 0) {
        pid_t parent = getppid();
        if (lim_pin((int)cpu_b)) _exit(1);
        memset(A, 0xA5, n); /* private, resident pages */
        memset(D, 0, n);
        atomic_store(&ctl->ready, 1);
        for (long seq = 1;; seq++) {
            while (atomic_load_explicit(&ctl->go, memory_order_acquire) != seq) cpu_relax();
            int mode = ctl->mode, e = 0;
            size_t sz = (size_t)ctl->size, h = sz / 2;
            if (mode == M_QUIT) _exit(0);
            if (mode == M_SPLIT)
                e = xfer(1, parent, A + h, B + h, sz - h);
            else if (mode == M_BIDIR)
                e = xfer(0, parent, D, C, sz);
            if (e) ctl->child_errno = e;
            atomic_store_explicit(&ctl->done, seq, memory_order_release);
        }
    }
    if (lim_pin((int)cpu_a)) {
        kill(pid, SIGKILL);
        return 1;
    }
    memset(B, 0, n);
    memset(C, 0x5A, n);
    while (!atomic_load(&ctl->ready)) cpu_relax();
    long seq = 0;
    int rc = 0, usable[M_NMODES] = {1, 1, 1, 1}, first_err = 0;

    /* one iteration of MODE at SIZE; returns 0 or an errno (the parent's or the child's) */
#define STEP(MODE, SIZE, ERR)                                                                                          \
    do {                                                                                                               \
        size_t sz_ = (size_t)(SIZE), h_ = sz_ / 2;                                                                     \
        ctl->mode = (MODE), ctl->size = (long)sz_;                                                                     \
        atomic_store_explicit(&ctl->go, ++seq, memory_order_release);                                                  \
        int e_ = 0;                                                                                                    \
        if ((MODE) == M_READ || (MODE) == M_BIDIR)                                                                     \
            e_ = xfer(0, pid, B, A, sz_);                                                                              \
        else if ((MODE) == M_WRITE)                                                                                    \
            e_ = xfer(1, pid, C, D, sz_);                                                                              \
        else if ((MODE) == M_SPLIT)                                                                                    \
            e_ = xfer(0, pid, B, A, h_);                                                                               \
        while (atomic_load_explicit(&ctl->done, memory_order_acquire) != seq) cpu_relax();                             \
        (ERR) = e_ ? e_ : ctl->child_errno;                                                                            \
    } while (0)

    /* probe each mode once, and check the data moved */
    for (int m = 0; m < M_NMODES; m++) {
        int e;
        memset(B, 0, n);
        STEP(m, n, e);
        if (e) {
            usable[m] = 0;
            if (!first_err) first_err = e;
            printf("# %s: unavailable: %s\n", mode_name[m], cma_why(e));
            ctl->child_errno = 0;
            continue;
        }
        if ((m != M_WRITE && (B[0] != 0xA5 || B[n - 1] != 0xA5 || B[n / 2] != 0xA5))) {
            printf("# %s: wrong data received\n", mode_name[m]);
            rc = 1;
        }
    }
    if (!usable[M_READ] && !usable[M_WRITE]) {
        printf("cma_bw: cross-memory attach is not available on this machine: process_vm_readv failed with %s\n",
               cma_why(first_err));
        rc = 77;
    } else {
        double *v = malloc(sizeof(double) * (size_t)runs), res[M_NMODES] = {0};
        double at1m[M_NMODES] = {0};
        printf("# process_vm_readv/writev bandwidth, parent on cpu %ld, child on cpu %ld; GB/s, median of %ld runs "
               "of ~%ld MB\n# split: one message, parent readv half + child writev half at once; bidir: both "
               "directions at once, both counted\n",
               cpu_a, cpu_b, runs, per_run / 1000000);
        printf("%-12s%10s%10s%10s%10s\n", "# Size", "readv", "writev", "split", "bidir");
        for (long sz = 65536; sz <= max; sz *= 2) {
            long reps = per_run / sz > 0 ? per_run / sz : 1;
            for (int m = 0; m < M_NMODES; m++) {
                res[m] = 0;
                if (!usable[m]) continue;
                int e = 0;
                STEP(m, sz, e); /* warm-up */
                for (long r = 0; r < runs && !e; r++) {
                    double t0 = lim_now();
                    for (long k = 0; k < reps && !e; k++) STEP(m, sz, e);
                    double t = lim_now() - t0;
                    v[r] = t > 0 ? (double)sz * (m == M_BIDIR ? 2.0 : 1.0) * (double)reps / t / 1e9 : 0.0;
                }
                if (e) {
                    printf("# %s at %ld bytes failed: %s\n", mode_name[m], sz, cma_why(e));
                    rc = 1;
                    continue;
                }
                res[m] = lim_median(v, (int)runs);
                if (sz == 1L << 20) at1m[m] = res[m];
            }
            printf("%-12ld%10.2f%10.2f%10.2f%10.2f\n", sz, res[0], res[1], res[2], res[3]);
            fflush(stdout);
        }
        if (max >= 1L << 20)
            printf("cma bandwidth at 1 MiB: one stream readv %.2f GB/s, writev %.2f GB/s; two streams at once: "
                   "split %.2f GB/s (one message), bidir %.2f GB/s (both directions)\n",
                   at1m[M_READ], at1m[M_WRITE], at1m[M_SPLIT], at1m[M_BIDIR]);
        free(v);
    }
    int st;
    ctl->mode = M_QUIT;
    atomic_store_explicit(&ctl->go, ++seq, memory_order_release);
    waitpid(pid, &st, 0);
    return rc;
}
