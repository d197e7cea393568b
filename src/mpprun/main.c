/* mpprun: runs an MPI job on this host. The event loop: signals, stdio, bootstrap sockets. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "doctor.h"
#include "mpprun.h"

enum pkind { P_SIGNAL, P_STDIN, P_STDIN_PIPE, P_OUT, P_ERR, P_BOOT, P_REMOTE };

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

static int poll_timeout_ms(const struct mpprun_job *job, double timeout_at, double now)
{
    double next = INFINITY;
    if (job->ending && job->kill_at > 0)
        next = job->kill_at;
    else if (timeout_at > 0)
        next = timeout_at;
    if (job->tentative && job->verdict_at < next) next = job->verdict_at;
    if (job->report_wait > 0 && job->report_at < next) next = job->report_at;
    double remote = mpprun_remote_deadline(job);
    if (remote > 0 && remote < next) next = remote;
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
    size_t cap = 3 * (size_t)job->n + 3 + mpprun_remote_max_fds(job);
    struct pollfd *pfd = malloc(cap * sizeof *pfd);
    enum pkind *kind = malloc(cap * sizeof *kind);
    int *who = malloc(cap * sizeof *who);
    if (!pfd || !kind || !who) {
        fprintf(stderr, "mpprun: out of memory\n");
        mpprun_kill_all(job, SIGKILL);
        exit(1);
    }
    double timeout_at = job->timeout > 0 ? mpprun_now() + job->timeout : 0;
    while (job->nalive > 0 || mpprun_remote_busy(job)) {
        /* before poll: a deadline may have been set by the last round's events */
        mpprun_verdict(job, mpprun_now());
        mpprun_remote_timers(job, mpprun_now());
        if (job->nalive == 0 && !mpprun_remote_busy(job)) break;
        size_t k = 0;
#define ADD(fd_, ev_, kind_, who_)                                                                                     \
    do {                                                                                                               \
        pfd[k] = (struct pollfd){.fd = (fd_), .events = (ev_)};                                                        \
        kind[k] = (kind_);                                                                                             \
        who[k] = (who_);                                                                                               \
        k++;                                                                                                           \
    } while (0)
        ADD(sfd, POLLIN, P_SIGNAL, -1);
        if (job->stdin_open && !job->ending &&
            (job->stdin_pipe >= 0 ? job->in_len < MPPRUN_INBUF : mpprun_remote_stdin_ready(job)))
            ADD(STDIN_FILENO, POLLIN, P_STDIN, -1);
        if (job->stdin_pipe >= 0 && job->in_len > 0) ADD(job->stdin_pipe, POLLOUT, P_STDIN_PIPE, -1);
        for (int i = 0; i < job->n; i++) {
            struct mpprun_rank *r = &job->ranks[i];
            if (r->out.fd >= 0 && r->out.len < r->out.cap) ADD(r->out.fd, POLLIN, P_OUT, i);
            if (r->err.fd >= 0 && r->err.len < r->err.cap) ADD(r->err.fd, POLLIN, P_ERR, i);
            if (r->boot_fd >= 0) ADD(r->boot_fd, POLLIN, P_BOOT, i);
        }
#undef ADD
        size_t nr = mpprun_remote_fill(job, pfd + k, who + k);
        for (size_t j = k; j < k + nr; j++) kind[j] = P_REMOTE;
        k += nr;
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
        if (job->report_wait > 0 && now >= job->report_at) mpprun_hang_report(job);
        for (size_t j = 0; rc > 0 && j < k; j++) {
            if (!pfd[j].revents) continue;
            struct mpprun_rank *r = who[j] >= 0 && kind[j] != P_REMOTE ? &job->ranks[who[j]] : NULL;
            switch (kind[j]) {
            case P_SIGNAL: {
                struct signalfd_siginfo si;
                while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) on_signal(job, (int)si.ssi_signo);
                break;
            }
            case P_STDIN: mpprun_stdin_read(job); break;
            case P_REMOTE: mpprun_remote_event(job, who[j], pfd[j].revents); break;
            case P_STDIN_PIPE: mpprun_stdin_write(job); break;
            case P_OUT: mpprun_stream_read(job, &r->out); break;
            case P_ERR: mpprun_stream_read(job, &r->err); break;
            case P_BOOT: mpprun_boot_read(job, r); break;
            }
        }
        /* SIGCHLD may be coalesced or arrive in the same batch: always cheap to ask. */
        mpprun_reap(job);
        if (job->report_at > 0 && job->report_wait == 0 && !job->ending) mpprun_hang_report(job);
    }
    free(pfd);
    free(kind);
    free(who);
}

/* --doctor: places the job as it would run (all cpus of this host when -n is not given) and checks
 * the host for it. Exit code 1 when a check found a problem. */
static int doctor_only(struct mpprun_job *job, const struct mpprun_opts *o)
{
    char err[512];
    if (mpprun_place(job, o, err, sizeof err) < 0) return usage_error(err);
    return mpprun_doctor(job, 0, stdout) ? 1 : 0;
}

/* Places, starts and runs the job; returns mpprun's exit code. */
static int run_job(struct mpprun_job *job, const struct mpprun_opts *o)
{
    char err[512];
    if (mpprun_place(job, o, err, sizeof err) < 0) return usage_error(err);
    int local = -1;
    for (int h = 0; h < job->nhosts; h++)
        if (job->hosts[h].state == HOST_LOCAL) local = h;
    if (job->hosts[job->ranks[0].host].state != HOST_LOCAL) job->stdin_host = job->ranks[0].host;
    /* PROGRAM is looked up here only for ranks started here; proxies look it up on their hosts. */
    char path[PATH_MAX] = "";
    if (local >= 0 && mpprun_resolve_program(o->prog_argv[0], path, sizeof path, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return MPPRUN_EXIT_NOEXEC;
    }
    if (mpprun_secret_new(job->secret) < 0) {
        perror("mpprun: cannot get random bytes for the job secret (getrandom)");
        return 1;
    }
    mpprun_secret_hex(job->secret, job->secret_hex);
    mpprun_make_jobid(job->jobid, sizeof job->jobid);

    /* Signals arrive through a signalfd; the ranks get the original mask back before exec. */
    sigset_t orig;
    int sfd = mpprun_signals(&orig);
    if (sfd < 0) {
        perror("mpprun: signalfd");
        return 1;
    }
    job->nalive = job->n - (local >= 0 ? job->hosts[local].nranks : 0);
    if (local >= 0) mpprun_reaper_start(job);
    if (mpprun_remote_start(job, o->launch_agent, o->prog_argv, o->bind) < 0 ||
        (local >= 0 && mpprun_spawn(job, local, path, o->prog_argv, o->bind, &orig) < 0) ||
        mpprun_index_pids(job) < 0) {
        mpprun_kill_all(job, SIGKILL);
        mpprun_remote_finish(job);
        mpprun_cleanup_shm(job->jobid);
        mpprun_reaper_stop(job);
        close(sfd);
        mpprun_doctor(job, 1, stderr);
        return 1;
    }

    run_loop(job, sfd);

    mpprun_remote_finish(job);
    mpprun_stdin_close(job);
    mpprun_drain_all(job);
    for (int i = 0; i < job->n; i++) mpprun_boot_close(&job->ranks[i]);
    mpprun_cleanup_shm(job->jobid);
    mpprun_reaper_stop(job);
    if (job->failed) {
        fprintf(stderr, "%s\n", job->fail_msg);
        if (job->report_at == 0) mpprun_last_calls(job);
        mpprun_doctor(job, 1, stderr); /* a failure in start-up often has its cause here */
    }
    fflush(stdout);
    close(sfd);
    return mpprun_exit_code(job);
}

int main(int argc, char **argv)
{
    ensure_std_fds();
    if (argc > 1 && !strcmp(argv[1], "--proxy")) return mpprun_proxy_main(argc, argv);
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
    if (mpprun_read_hostfile(&o, err, sizeof err) < 0 || mpprun_slurm_hosts(&o, err, sizeof err) < 0) {
        mpprun_opts_free(&o);
        return usage_error(err);
    }
    if (o.doctor && o.np == 0) {
        cpu_set_t set;
        o.np = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
        if (o.np < o.simulate_nodes) o.np = o.simulate_nodes;
    }
    struct mpprun_job job = {0};
    job.n = job.size = o.np;
    job.srun = o.slurm && !o.launch_agent;
    job.tag_output = o.tag_output;
    job.timeout = o.timeout;
    job.stdin_pipe = -1;
    job.reaper_fd = -1;
    job.stdin_host = -1;
    job.stdin_open = 1;
    job.ranks = calloc((size_t)job.n, sizeof *job.ranks);
    char *bufs = malloc((size_t)job.n * 2 * MPPRUN_OUTBUF);
    job.in_buf = malloc(MPPRUN_INBUF);
    job.kvs = mpprun_kvs_new();
    int code = 1;
    if (!job.ranks || !bufs || !job.in_buf || !job.kvs) {
        fprintf(stderr, "mpprun: out of memory for %d ranks\n", job.n);
    } else {
        for (int i = 0; i < job.n; i++) {
            struct mpprun_rank *r = &job.ranks[i];
            r->rank = i;
            r->alive = 1;
            r->boot_fd = -1;
            mpprun_stream_init(&r->out, -1, 1, i, bufs + (size_t)(2 * i) * MPPRUN_OUTBUF);
            mpprun_stream_init(&r->err, -1, 2, i, bufs + (size_t)(2 * i + 1) * MPPRUN_OUTBUF);
        }
        code = o.doctor ? doctor_only(&job, &o) : run_job(&job, &o);
        mpprun_streams_free(&job);
        for (int i = 0; i < job.n; i++) free(job.ranks[i].hang);
    }
    mpprun_kvs_free(job.kvs);
    mpprun_hosts_free(&job);
    free(job.by_pid);
    free(job.in_buf);
    free(bufs);
    free(job.ranks);
    mpprun_opts_free(&o);
    return code;
}
