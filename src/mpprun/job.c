/* Job control: reaping ranks, judging how they ended, ending the job, the exit code, cleanup. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
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

const char *mpprun_rank_where(const struct mpprun_rank *r, char *buf, size_t len)
{
    if (r->pid > 0)
        snprintf(buf, len, "pid %ld on %s", (long)r->pid, r->where);
    else
        snprintf(buf, len, "on %s", r->where);
    return buf;
}

void mpprun_kill_all(struct mpprun_job *job, int sig)
{
    mpprun_remote_signal(job, sig);
    for (int i = 0; i < job->n; i++) {
        struct mpprun_rank *r = &job->ranks[i];
        if (!r->alive || r->pid <= 0 || job->hosts[r->host].state != HOST_LOCAL) continue;
        /* Each rank leads its own process group: reach its children too. */
        if (kill(-r->pid, sig) < 0) kill(r->pid, sig);
    }
}

void mpprun_end_job(struct mpprun_job *job, int sig, double grace)
{
    if (job->ending) return;
    job->ending = 1;
    job->tentative = 0;
    mpprun_kill_all(job, sig);
    job->kill_at = mpprun_now() + grace;
    job->abandon_at = job->kill_at + MPPRUN_PROXY_GRACE;
}

void mpprun_fail(struct mpprun_job *job, int code, const char *fmt, ...)
{
    if (!job->failed || job->tentative) {
        job->failed = 1;
        job->tentative = 0;
        job->exit_code = code;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(job->fail_msg, sizeof job->fail_msg, fmt, ap);
        va_end(ap);
    }
    mpprun_end_job(job, SIGTERM, MPPRUN_TERM_GRACE);
}

void mpprun_fail_abort(struct mpprun_job *job, int code, const char *fmt, ...)
{
    if (job->failed) return;
    job->failed = job->tentative = 1;
    job->verdict_at = mpprun_now() + MPPRUN_ABORT_WAIT;
    job->exit_code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(job->fail_msg, sizeof job->fail_msg, fmt, ap);
    va_end(ap);
}

void mpprun_verdict(struct mpprun_job *job, double now)
{
    if (job->tentative && now >= job->verdict_at) mpprun_end_job(job, SIGTERM, MPPRUN_TERM_GRACE);
}

static const struct mpprun_job *sort_job;

static int by_pid(const void *a, const void *b)
{
    pid_t pa = sort_job->ranks[*(const int *)a].pid, pb = sort_job->ranks[*(const int *)b].pid;
    return (pa > pb) - (pa < pb);
}

int mpprun_index_pids(struct mpprun_job *job)
{
    job->by_pid = malloc(((size_t)job->n + 1) * sizeof *job->by_pid);
    if (!job->by_pid) return -1;
    job->npids = 0;
    for (int i = 0; i < job->n; i++)
        if (job->ranks[i].pid > 0) job->by_pid[job->npids++] = i;
    sort_job = job;
    qsort(job->by_pid, (size_t)job->npids, sizeof *job->by_pid, by_pid);
    return 0;
}

static struct mpprun_rank *find_rank(struct mpprun_job *job, pid_t pid)
{
    int lo = 0, hi = job->npids - 1;
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
    /* Ranks ended by mpprun are not failures; nor is the exit of a rank that aborted. */
    if (job->ending || (job->failed && !job->tentative) || r->aborted) return;
    char where[320];
    mpprun_rank_where(r, where, sizeof where);
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        mpprun_fail(job, 128 + sig, "mpprun: rank %d (%s) killed by signal %d (%s)", r->rank, where, sig,
                    strsignal(sig));
    } else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
        mpprun_fail(job, WEXITSTATUS(status), "mpprun: rank %d (%s) exited with code %d", r->rank, where,
                    WEXITSTATUS(status));
    } else if (r->did_put && !r->did_fini) {
        mpprun_fail(job, 1, "mpprun: rank %d (%s) exited without calling MPI_Finalize", r->rank, where);
    }
}

void mpprun_rank_ended(struct mpprun_job *job, struct mpprun_rank *r, int status)
{
    /* its last MPI call, for the report after a failure (a remote rank's came from its proxy) */
    if (job->hosts[r->host].state == HOST_LOCAL) {
        mpprun_hang_local(job, r);
        mpprun_cleanup_pid_shm(r->pid);
    }
    judge(job, r, status);
    r->alive = 0;
    job->nalive--;
    job->hosts[r->host].nalive--;
    if (r->in_fence) job->fence_count--;
    r->in_fence = 0;
    mpprun_boot_close(r);
}

pid_t mpprun_next_exit(int *status)
{
    for (;;) {
        pid_t pid = waitpid(-1, status, WNOHANG);
        if (pid < 0 && errno == EINTR) continue;
        if (pid <= 0) return 0;
        if (!WIFSTOPPED(*status) && !WIFCONTINUED(*status)) return pid;
    }
}

int mpprun_signals(sigset_t *orig)
{
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGCHLD);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGHUP);
    sigprocmask(SIG_BLOCK, &mask, orig);
    struct sigaction ign = {.sa_handler = SIG_IGN};
    sigaction(SIGPIPE, &ign, NULL);
    return signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
}

void mpprun_reap(struct mpprun_job *job)
{
    int status;
    pid_t pid;
    while ((pid = mpprun_next_exit(&status)) > 0) {
        struct mpprun_rank *r = find_rank(job, pid);
        if (r)
            mpprun_rank_ended(job, r, status);
        else
            mpprun_remote_reaped(job, pid, status);
    }
}

/* Whether `name` ends in "-<rank>" of one of job's ranks. */
static int names_own_rank(const struct mpprun_job *job, const char *name)
{
    const char *dash = strrchr(name, '-');
    if (!dash || !dash[1] || strspn(dash + 1, "0123456789") != strlen(dash + 1)) return 0;
    long rank = strtol(dash + 1, NULL, 10);
    for (int i = 0; i < job->n; i++)
        if (job->ranks[i].rank == rank) return 1;
    return 0;
}

static void cleanup_shm(const char *jobid, const struct mpprun_job *only)
{
    char prefix[96];
    int plen = snprintf(prefix, sizeof prefix, "msgpass-%s", jobid);
    if (!*jobid || plen <= 0 || (size_t)plen >= sizeof prefix) return;
    DIR *d = opendir("/dev/shm");
    if (!d) return;
    int dfd = dirfd(d);
    struct dirent *e;
    while ((e = readdir(d)))
        if (!strncmp(e->d_name, prefix, (size_t)plen) && (!only || names_own_rank(only, e->d_name)))
            unlinkat(dfd, e->d_name, 0);
    closedir(d);
}

void mpprun_cleanup_shm(const char *jobid)
{
    cleanup_shm(jobid, NULL);
}

void mpprun_cleanup_ranks_shm(const struct mpprun_job *job)
{
    cleanup_shm(job->jobid, job);
}

int mpprun_exit_code(const struct mpprun_job *job)
{
    if (!job->failed) return 0;
    int code = job->exit_code & 255;
    return code ? code : 1; /* a failure never reads as success */
}
