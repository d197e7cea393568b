/* The reaper: a small process forked before the ranks that outlives mpprun (or a proxy) when that
 * is killed outright (SIGKILL, the OOM killer) and so cannot clean up. It learns every rank's pid
 * through a pipe. At end of file without the all-clear it kills what is left of the ranks (their
 * process groups: ranks die with their launcher anyway, PR_SET_PDEATHSIG, but not their children)
 * and removes the job's files in /dev/shm, ours and those libfabric's shm provider names after a
 * rank's pid. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mpprun.h"

#define REAPER_WAIT 2.0 /* s the reaper waits for killed ranks to be gone before removing files */

void mpprun_cleanup_pid_shm(pid_t pid)
{
    char prefix[32];
    int plen = snprintf(prefix, sizeof prefix, "%ld:", (long)pid);
    DIR *d = opendir("/dev/shm");
    if (!d) return;
    int dfd = dirfd(d);
    struct dirent *e;
    struct stat st;
    while ((e = readdir(d)))
        if (!strncmp(e->d_name, prefix, (size_t)plen) && fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            S_ISREG(st.st_mode) && st.st_uid == getuid())
            unlinkat(dfd, e->d_name, 0);
    closedir(d);
}

static int gone(pid_t pid)
{
    if (kill(pid, 0) < 0) return errno == ESRCH;
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    if (!f) return 1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *rp = strrchr(buf, ')');
    return rp && rp[1] == ' ' && (rp[2] == 'Z' || rp[2] == 'X');
}

static _Noreturn void reaper_main(int fd, const char *jobid)
{
    pid_t *pids = NULL;
    size_t n = 0, cap = 0;
    uint32_t rec;
    ssize_t got;
    for (;;) {
        got = read(fd, &rec, sizeof rec);
        if (got < 0 && errno == EINTR) continue;
        if (got != (ssize_t)sizeof rec) break; /* the launcher is gone */
        if (rec == 0) _exit(0);                /* all clear: it cleaned up itself */
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            pid_t *np = realloc(pids, cap * sizeof *np);
            if (!np) continue;
            pids = np;
        }
        pids[n++] = (pid_t)rec;
    }
    for (size_t i = 0; i < n; i++)
        if (kill(-pids[i], SIGKILL) < 0) kill(pids[i], SIGKILL);
    double until = mpprun_now() + REAPER_WAIT;
    for (size_t i = 0; i < n; i++)
        while (!gone(pids[i]) && mpprun_now() < until) {
            struct timespec ts = {0, 10000000};
            nanosleep(&ts, NULL);
        }
    for (size_t i = 0; i < n; i++) mpprun_cleanup_pid_shm(pids[i]);
    mpprun_cleanup_shm(jobid);
    _exit(0);
}

void mpprun_reaper_start(struct mpprun_job *job)
{
    int p[2];
    job->reaper_fd = -1;
    if (pipe2(p, O_CLOEXEC) < 0) return;
    pid_t pid = fork();
    if (pid == 0) {
        /* Its own session: whatever ends mpprun's process group must not end the cleanup too. */
        setsid();
        struct sigaction ign = {.sa_handler = SIG_IGN};
        int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT};
        for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaction(sigs[i], &ign, NULL);
        int null = open("/dev/null", O_RDWR);
        if (null >= 0)
            for (int k = 0; k <= 2; k++) dup2(null, k);
        /* nothing of mpprun's stays open here (a pipe's reader would wait for our end) */
        if (dup2(p[0], 3) < 0) _exit(1);
        long max = sysconf(_SC_OPEN_MAX);
        if (max < 0 || max > 65536) max = 65536;
        for (int k = 4; k < max; k++) close(k);
        reaper_main(3, job->jobid);
    }
    close(p[0]);
    if (pid < 0) {
        close(p[1]);
        return;
    }
    job->reaper_fd = p[1];
    job->reaper_pid = pid;
}

void mpprun_reaper_add(struct mpprun_job *job, pid_t pid)
{
    uint32_t rec = (uint32_t)pid;
    if (job->reaper_fd >= 0 && write(job->reaper_fd, &rec, sizeof rec) != (ssize_t)sizeof rec) {
        close(job->reaper_fd);
        job->reaper_fd = -1;
    }
}

void mpprun_reaper_stop(struct mpprun_job *job)
{
    uint32_t zero = 0;
    if (job->reaper_fd < 0) return;
    ssize_t w = write(job->reaper_fd, &zero, sizeof zero); /* when it failed, the reaper is gone already */
    (void)w;
    close(job->reaper_fd);
    job->reaper_fd = -1;
    while (waitpid(job->reaper_pid, NULL, 0) < 0 && errno == EINTR) {
    }
}
