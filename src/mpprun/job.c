/* Job control: reaping ranks, judging how they ended, ending the job, the exit code, cleanup. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mpprun.h"

double mpprun_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void mpprun_kill_all(struct mpprun_job *job, int sig)
{
    for (int i = 0; i < job->n; i++) {
        struct mpprun_rank *r = &job->ranks[i];
        if (!r->alive) continue;
        /* Each rank leads its own process group: reach its children too. */
        if (kill(-r->pid, sig) < 0) kill(r->pid, sig);
    }
}

void mpprun_end_job(struct mpprun_job *job, int sig, double grace)
{
    if (job->ending) return;
    job->ending = 1;
    mpprun_kill_all(job, sig);
    job->kill_at = mpprun_now() + grace;
}

void mpprun_fail(struct mpprun_job *job, int code, const char *fmt, ...)
{
    if (!job->failed) {
        job->failed = 1;
        job->exit_code = code;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(job->fail_msg, sizeof job->fail_msg, fmt, ap);
        va_end(ap);
    }
    mpprun_end_job(job, SIGTERM, MPPRUN_TERM_GRACE);
}

static const struct mpprun_job *sort_job;

static int by_pid(const void *a, const void *b)
{
    pid_t pa = sort_job->ranks[*(const int *)a].pid, pb = sort_job->ranks[*(const int *)b].pid;
    return (pa > pb) - (pa < pb);
}

int mpprun_index_pids(struct mpprun_job *job)
{
    job->by_pid = malloc((size_t)job->n * sizeof *job->by_pid);
    if (!job->by_pid) return -1;
    for (int i = 0; i < job->n; i++) job->by_pid[i] = i;
    sort_job = job;
    qsort(job->by_pid, (size_t)job->n, sizeof *job->by_pid, by_pid);
    return 0;
}

static struct mpprun_rank *find_rank(struct mpprun_job *job, pid_t pid)
{
    int lo = 0, hi = job->n - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        struct mpprun_rank *r = &job->ranks[job->by_pid[mid]];
        if (r->pid == pid) return r->alive ? r : NULL;
        if (r->pid < pid)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return NULL;
}

static void judge(struct mpprun_job *job, struct mpprun_rank *r, int status)
{
    /* Whatever the rank wrote before it ended (FINI, ABORT) counts first. */
    mpprun_boot_read(job, r);
    if (job->failed || job->ending) return; /* ranks ended by mpprun are not failures */
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        mpprun_fail(job, 128 + sig, "mpprun: rank %d (pid %ld) killed by signal %d (%s)", r->rank, (long)r->pid, sig,
                    strsignal(sig));
    } else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
        mpprun_fail(job, WEXITSTATUS(status), "mpprun: rank %d (pid %ld) exited with code %d", r->rank, (long)r->pid,
                    WEXITSTATUS(status));
    } else if (r->did_put && !r->did_fini) {
        mpprun_fail(job, 1, "mpprun: rank %d (pid %ld) exited without calling MPI_Finalize", r->rank, (long)r->pid);
    }
}

void mpprun_reap(struct mpprun_job *job)
{
    for (;;) {
        int status;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid < 0 && errno == EINTR) continue;
        if (pid <= 0) return;
        struct mpprun_rank *r = find_rank(job, pid);
        if (!r) continue;
        if (WIFSTOPPED(status) || WIFCONTINUED(status)) continue;
        judge(job, r, status);
        r->alive = 0;
        job->nalive--;
        if (r->in_fence) job->fence_count--;
        r->in_fence = 0;
        mpprun_boot_close(r);
    }
}

/* One line per rank: what mpprun knows (bootstrap state) and what the kernel says. */
static void report_rank(const struct mpprun_rank *r)
{
    if (!r->alive) {
        fprintf(stderr, "mpprun:   rank %d: already ended\n", r->rank);
        return;
    }
    const char *what = r->in_fence   ? "waiting in the bootstrap fence (MPI_Init or a job-wide barrier)"
                       : r->did_fini ? "finished MPI_Finalize, not exited"
                       : r->did_put  ? "running after MPI_Init"
                                     : "running (not in MPI_Init yet, or not an MPI program)";
    char path[64], state = '?', wchan[64] = "";
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)r->pid);
    FILE *f = fopen(path, "r");
    if (f) {
        char buf[512];
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        buf[n] = '\0';
        char *rp = strrchr(buf, ')'); /* the command name may contain anything */
        if (rp && rp[1] == ' ') state = rp[2];
        fclose(f);
    }
    snprintf(path, sizeof path, "/proc/%ld/wchan", (long)r->pid);
    f = fopen(path, "r");
    if (f) {
        if (!fgets(wchan, sizeof wchan, f)) wchan[0] = '\0';
        fclose(f);
        if (!strcmp(wchan, "0")) wchan[0] = '\0';
    }
    fprintf(stderr, "mpprun:   rank %d (pid %ld): %s; process state %c%s%s\n", r->rank, (long)r->pid, what, state,
            *wchan ? ", kernel wait " : "", wchan);
}

void mpprun_timeout(struct mpprun_job *job)
{
    if (job->failed || job->ending) return;
    fprintf(stderr, "mpprun: --timeout %g s expired; what each rank is doing:\n", job->timeout);
    for (int i = 0; i < job->n; i++) report_rank(&job->ranks[i]);
    mpprun_fail(job, MPPRUN_EXIT_TIMEOUT, "mpprun: job timed out after %g s", job->timeout);
}

void mpprun_cleanup_shm(const char *jobid)
{
    char prefix[96];
    int plen = snprintf(prefix, sizeof prefix, "msgpass-%s", jobid);
    if (!*jobid || plen <= 0 || (size_t)plen >= sizeof prefix) return;
    DIR *d = opendir("/dev/shm");
    if (!d) return;
    int dfd = dirfd(d);
    struct dirent *e;
    while ((e = readdir(d)))
        if (!strncmp(e->d_name, prefix, (size_t)plen)) unlinkat(dfd, e->d_name, 0);
    closedir(d);
}

int mpprun_exit_code(const struct mpprun_job *job)
{
    if (!job->failed) return 0;
    int code = job->exit_code & 255;
    return code ? code : 1; /* a failure never reads as success */
}
