/* mpprun: runs an MPI job on this host. The event loop: signals, stdio, bootstrap sockets. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "mpprun.h"

enum pkind { P_SIGNAL, P_STDIN, P_STDIN_PIPE, P_OUT, P_ERR, P_BOOT };

static void ensure_std_fds(void)
{
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) < 0) {
            int nfd = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
            if (nfd >= 0 && nfd != fd) {
                dup2(nfd, fd);
                close(nfd);
            }
        }
    }
}

static int usage_error(const char *msg)
{
    fprintf(stderr, "mpprun: %s\n", msg);
    mpprun_print_usage_hint();
    return MPPRUN_EXIT_USAGE;
}

/* Single host only for now: every named host must be this one. */
static int check_hosts(const struct mpprun_opts *o)
{
    char self[HOST_NAME_MAX + 1] = "";
    if (gethostname(self, sizeof self) < 0) self[0] = '\0';
    self[HOST_NAME_MAX] = '\0';
    for (int i = 0; i < o->nhosts; i++) {
        if (!mpprun_host_is_local(o->hosts[i].name, self)) {
            fprintf(stderr,
                    "mpprun: multi-host launch is not supported yet: host '%s' is not this host (%s); "
                    "use only localhost, or leave out --hosts/--hostfile\n",
                    o->hosts[i].name, self);
            return -1;
        }
    }
    return 0;
}

static int poll_timeout_ms(const struct mpprun_job *job, double timeout_at, double now)
{
    double next = INFINITY;
    if (job->ending && job->kill_at > 0)
        next = job->kill_at;
    else if (timeout_at > 0)
        next = timeout_at;
    if (isinf(next)) return -1;
    double ms = ceil((next - now) * 1000.0);
    if (ms < 0) return 0;
    return ms > INT_MAX ? INT_MAX : (int)ms;
}

static void on_signal(struct mpprun_job *job, int sig)
{
    if (sig == SIGCHLD) return;
    if (job->ending) { /* asked again, or already ending: no more grace */
        mpprun_kill_all(job, SIGKILL);
        job->kill_at = 0;
        return;
    }
    if (!job->failed) {
        job->failed = 1;
        job->exit_code = 128 + sig;
        snprintf(job->fail_msg, sizeof job->fail_msg, "mpprun: job ended by signal %d (%s) sent to mpprun", sig,
                 strsignal(sig));
    }
    mpprun_end_job(job, sig, MPPRUN_SIGNAL_GRACE);
}

static void run_loop(struct mpprun_job *job, int sfd)
{
    size_t cap = 3 * (size_t)job->n + 3;
    struct pollfd *pfd = malloc(cap * sizeof *pfd);
    enum pkind *kind = malloc(cap * sizeof *kind);
    int *who = malloc(cap * sizeof *who);
    if (!pfd || !kind || !who) {
        fprintf(stderr, "mpprun: out of memory\n");
        mpprun_kill_all(job, SIGKILL);
        exit(1);
    }
    double timeout_at = job->timeout > 0 ? mpprun_now() + job->timeout : 0;
    while (job->nalive > 0) {
        size_t k = 0;
#define ADD(fd_, ev_, kind_, who_)                                                                                     \
    do {                                                                                                               \
        pfd[k] = (struct pollfd){.fd = (fd_), .events = (ev_)};                                                        \
        kind[k] = (kind_);                                                                                             \
        who[k] = (who_);                                                                                               \
        k++;                                                                                                           \
    } while (0)
        ADD(sfd, POLLIN, P_SIGNAL, -1);
        if (job->stdin_open && job->stdin_pipe >= 0 && job->in_len < MPPRUN_INBUF && !job->ending)
            ADD(STDIN_FILENO, POLLIN, P_STDIN, -1);
        if (job->stdin_pipe >= 0 && job->in_len > 0) ADD(job->stdin_pipe, POLLOUT, P_STDIN_PIPE, -1);
        for (int i = 0; i < job->n; i++) {
            struct mpprun_rank *r = &job->ranks[i];
            if (r->out.fd >= 0 && r->out.len < MPPRUN_OUTBUF) ADD(r->out.fd, POLLIN, P_OUT, i);
            if (r->err.fd >= 0 && r->err.len < MPPRUN_OUTBUF) ADD(r->err.fd, POLLIN, P_ERR, i);
            if (r->boot_fd >= 0) ADD(r->boot_fd, POLLIN, P_BOOT, i);
        }
#undef ADD
        int rc = poll(pfd, (nfds_t)k, poll_timeout_ms(job, timeout_at, mpprun_now()));
        if (rc < 0 && errno != EINTR) {
            perror("mpprun: poll");
            mpprun_end_job(job, SIGKILL, 0);
        }
        double now = mpprun_now();
        if (job->ending && job->kill_at > 0 && now >= job->kill_at) {
            mpprun_kill_all(job, SIGKILL);
            job->kill_at = 0;
        }
        if (timeout_at > 0 && now >= timeout_at) {
            mpprun_timeout(job);
            timeout_at = 0;
        }
        for (size_t j = 0; rc > 0 && j < k; j++) {
            if (!pfd[j].revents) continue;
            struct mpprun_rank *r = who[j] >= 0 ? &job->ranks[who[j]] : NULL;
            switch (kind[j]) {
            case P_SIGNAL: {
                struct signalfd_siginfo si;
                while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) on_signal(job, (int)si.ssi_signo);
                break;
            }
            case P_STDIN: mpprun_stdin_read(job); break;
            case P_STDIN_PIPE: mpprun_stdin_write(job); break;
            case P_OUT: mpprun_stream_read(job, &r->out); break;
            case P_ERR: mpprun_stream_read(job, &r->err); break;
            case P_BOOT: mpprun_boot_read(job, r); break;
            }
        }
        /* SIGCHLD may be coalesced or arrive in the same batch: always cheap to ask. */
        mpprun_reap(job);
    }
    free(pfd);
    free(kind);
    free(who);
}

int main(int argc, char **argv)
{
    ensure_std_fds();
    struct mpprun_opts o;
    char err[512];
    if (mpprun_parse_args(argc, argv, &o, err, sizeof err) < 0) {
        mpprun_opts_free(&o);
        return usage_error(err);
    }
    if (o.help) {
        mpprun_print_help();
        return 0;
    }
    if (o.version) {
        puts(MPPRUN_VERSION_TEXT);
        return 0;
    }
    if (mpprun_read_hostfile(&o, err, sizeof err) < 0) {
        mpprun_opts_free(&o);
        return usage_error(err);
    }
    if (check_hosts(&o) < 0) {
        mpprun_opts_free(&o);
        return 1;
    }
    char path[PATH_MAX];
    if (mpprun_resolve_program(o.prog_argv[0], path, sizeof path, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        mpprun_opts_free(&o);
        return MPPRUN_EXIT_NOEXEC;
    }

    /* Signals arrive through a signalfd; the ranks get the original mask back before exec. */
    sigset_t mask, orig;
    sigemptyset(&mask);
    sigaddset(&mask, SIGCHLD);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGHUP);
    sigprocmask(SIG_BLOCK, &mask, &orig);
    int sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    if (sfd < 0) {
        perror("mpprun: signalfd");
        return 1;
    }
    struct sigaction ign = {.sa_handler = SIG_IGN};
    sigaction(SIGPIPE, &ign, NULL);

    struct mpprun_job job = {0};
    job.n = o.np;
    job.tag_output = o.tag_output;
    job.timeout = o.timeout;
    job.stdin_pipe = -1;
    job.stdin_open = 1;
    mpprun_make_jobid(job.jobid, sizeof job.jobid);
    job.ranks = calloc((size_t)job.n, sizeof *job.ranks);
    char *bufs = malloc((size_t)job.n * 2 * MPPRUN_OUTBUF);
    job.in_buf = malloc(MPPRUN_INBUF);
    job.kvs = mpprun_kvs_new();
    if (!job.ranks || !bufs || !job.in_buf || !job.kvs) {
        fprintf(stderr, "mpprun: out of memory for %d ranks\n", job.n);
        return 1;
    }
    for (int i = 0; i < job.n; i++) {
        job.ranks[i].out.buf = bufs + (size_t)(2 * i) * MPPRUN_OUTBUF;
        job.ranks[i].err.buf = bufs + (size_t)(2 * i + 1) * MPPRUN_OUTBUF;
        job.ranks[i].out.fd = job.ranks[i].err.fd = job.ranks[i].boot_fd = -1;
    }
    if (mpprun_spawn(&job, path, o.prog_argv, o.bind, &orig) < 0 || mpprun_index_pids(&job) < 0) {
        mpprun_cleanup_shm(job.jobid);
        return 1;
    }

    run_loop(&job, sfd);

    mpprun_stdin_close(&job);
    mpprun_drain_all(&job);
    for (int i = 0; i < job.n; i++) mpprun_boot_close(&job.ranks[i]);
    mpprun_cleanup_shm(job.jobid);
    if (job.failed) fprintf(stderr, "%s\n", job.fail_msg);
    fflush(stdout);
    int code = mpprun_exit_code(&job);

    mpprun_kvs_free(job.kvs);
    free(job.by_pid);
    free(job.in_buf);
    free(bufs);
    free(job.ranks);
    mpprun_opts_free(&o);
    close(sfd);
    return code;
}
