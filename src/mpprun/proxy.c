/* `mpprun --proxy HOST ADDRESSES`: started on a remote host by the launch agent. It reads the job
 * secret on stdin, connects back to mpprun (the first of ADDRESSES that answers), proves the
 * secret and checks mpprun's proof, receives the job, forks this host's ranks and relays their
 * bootstrap lines, output and exit statuses; mpprun's replies, stdin and signals go the other
 * way. When the connection to mpprun ends, so do the ranks. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mpprun.h"

#define SETUP_TIMEOUT_MS 30000
#define HANDSHAKE_TRIES 5 /* waits 0.1, 0.2, 0.4, 0.8 s between them */
#define CONNECT_TIMEOUT_MS 10000
#define READ_CHUNK 16384
#define ARGS_MAX 65536

static struct {
    struct mpprun_job job;
    const char *label; /* this host's name in mpprun's --hosts */
    int fd;            /* connection to mpprun */
    struct mpprun_wbuf out;
    struct mpprun_rbuf in;
    struct mpprun_wbuf stdin_q; /* bytes on their way to rank 0 */
    int stdin_eof;
    int reaped;
    double kill_at;
} px = {.fd = -1, .label = "?"};

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "mpprun: proxy on %s: ", px.label);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* Waits for `events` on fd until the absolute deadline (ms of CLOCK_MONOTONIC). */
static int wait_fd(int fd, short events, double deadline)
{
    for (;;) {
        double left = deadline - mpprun_now();
        if (left <= 0) return 0;
        struct pollfd p = {.fd = fd, .events = events};
        int rc = poll(&p, 1, (int)(left * 1000) + 1);
        if (rc < 0 && errno == EINTR) continue;
        return rc;
    }
}

static int read_exact(int fd, void *buf, size_t len, double deadline)
{
    size_t got = 0;
    while (got < len) {
        if (wait_fd(fd, POLLIN, deadline) <= 0) return -1;
        ssize_t n = read(fd, (char *)buf + got, len - got);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n <= 0) return -1;
        got += (size_t)n;
    }
    return 0;
}

static int read_secret(unsigned char secret[MPPRUN_SECRET_LEN])
{
    char line[MPPRUN_SECRET_HEX + 1];
    double deadline = mpprun_now() + SETUP_TIMEOUT_MS / 1000.0;
    for (size_t k = 0; k <= MPPRUN_SECRET_HEX; k++) { /* byte by byte: nothing after the line is taken */
        if (read_exact(0, line + k, 1, deadline) < 0) return -1;
        if (line[k] == '\n') {
            line[k] = '\0';
            return mpprun_secret_parse(line, secret);
        }
    }
    return -1;
}

/* Connects to every address at once and keeps the first that answers. */
static int connect_back(const char *addrs)
{
    enum { MAXA = 16 };
    int fds[MAXA], n = 0;
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", addrs);
    for (char *save, *item = strtok_r(buf, ",", &save); item && n < MAXA; item = strtok_r(NULL, ",", &save)) {
        char *colon = strrchr(item, ':');
        if (!colon) continue;
        *colon = '\0';
        char *host = item;
        if (*host == '[' && colon[-1] == ']') {
            host++;
            colon[-1] = '\0';
        }
        struct sockaddr_storage ss = {0};
        socklen_t len;
        long port = strtol(colon + 1, NULL, 10);
        if (port <= 0 || port > 65535) continue;
        struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
        struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
        if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
            v4->sin_family = AF_INET;
            v4->sin_port = htons((uint16_t)port);
            len = sizeof *v4;
        } else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
            v6->sin6_family = AF_INET6;
            v6->sin6_port = htons((uint16_t)port);
            len = sizeof *v6;
        } else {
            continue;
        }
        int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) continue;
        if (connect(fd, (struct sockaddr *)&ss, len) < 0 && errno != EINPROGRESS) {
            close(fd);
            continue;
        }
        fds[n++] = fd;
    }
    int won = -1;
    double deadline = mpprun_now() + CONNECT_TIMEOUT_MS / 1000.0;
    while (won < 0 && n > 0 && mpprun_now() < deadline) {
        struct pollfd p[MAXA];
        for (int i = 0; i < n; i++) p[i] = (struct pollfd){.fd = fds[i], .events = POLLOUT};
        int rc = poll(p, (nfds_t)n, (int)((deadline - mpprun_now()) * 1000) + 1);
        if (rc < 0 && errno != EINTR) break;
        for (int i = n - 1; i >= 0 && rc > 0; i--) {
            if (!p[i].revents) continue;
            int e = 0;
            socklen_t el = sizeof e;
            if (won < 0 && getsockopt(fds[i], SOL_SOCKET, SO_ERROR, &e, &el) == 0 && e == 0) {
                won = fds[i];
            } else {
                close(fds[i]);
            }
            fds[i] = fds[--n];
        }
    }
    for (int i = 0; i < n; i++) close(fds[i]);
    return won;
}

static int handshake(const unsigned char secret[MPPRUN_SECRET_LEN], uint32_t host)
{
    double deadline = mpprun_now() + SETUP_TIMEOUT_MS / 1000.0;
    unsigned char ch[MPPRUN_HS_CHALLENGE_LEN], hello[MPPRUN_HS_HELLO_LEN], nonce_p[MPPRUN_HS_NONCE],
        welcome[MPPRUN_HS_WELCOME_LEN];
    if (read_exact(px.fd, ch, sizeof ch, deadline) < 0 || mpprun_hs_hello(secret, ch, host, hello, nonce_p) < 0 ||
        mpprun_wbuf_put(&px.out, hello, sizeof hello) < 0)
        return -1;
    while (px.out.len > 0)
        if (wait_fd(px.fd, POLLOUT, deadline) <= 0 || mpprun_wbuf_flush(&px.out, px.fd) < 0) return -1;
    if (read_exact(px.fd, welcome, sizeof welcome, deadline) < 0) return -1;
    return mpprun_hs_check_welcome(secret, nonce_p, ch, welcome);
}

static int frame(int type, int flag, uint32_t rank, const void *data, size_t len)
{
    return mpprun_wbuf_frame(&px.out, type, flag, rank, data, len, NULL, 0);
}

/* Sends what is queued, waiting up to `seconds`. */
static void flush_blocking(double seconds)
{
    double deadline = mpprun_now() + seconds;
    while (px.fd >= 0 && px.out.len > 0)
        if (wait_fd(px.fd, POLLOUT, deadline) <= 0 || mpprun_wbuf_flush(&px.out, px.fd) < 0) break;
}

static _Noreturn void fail_job(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Tells mpprun why this host cannot run its ranks, then leaves. */
static _Noreturn void fail_job(int code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    frame(MPF_ERROR, code, 0, msg, strlen(msg));
    flush_blocking(2.0);
    exit(1);
}

/* Receives the job description up to START. */
static int receive_job(char ***argv_out, enum mpprun_bind *bind)
{
    struct mpprun_job *job = &px.job;
    double deadline = mpprun_now() + SETUP_TIMEOUT_MS / 1000.0;
    char **argv = calloc(1, sizeof *argv);
    int argc = 0, nranks = 0;
    char text[MPPRUN_FRAME_MAX + 1];
    const char *why = "incomplete job description";
    if (!argv) return -1;
    for (;;) {
        struct mpprun_frame f;
        int rc = mpprun_rbuf_next(&px.in, &f, &why);
        if (rc < 0) goto bad;
        if (rc == 0) {
            if (wait_fd(px.fd, POLLIN, deadline) <= 0 || mpprun_rbuf_fill(&px.in, px.fd) < 0) goto bad;
            continue;
        }
        why = "malformed job description";
        if (f.type == MPF_START) break;
        if (f.type == MPF_JOB) {
            if (f.len != 8 || job->size) goto bad;
            job->size = (int)mpprun_get32(f.data);
            uint32_t b = mpprun_get32(f.data + 4);
            if (job->size < 1 || job->size > MPPRUN_NP_MAX || b > MPPRUN_BIND_NONE) goto bad;
            *bind = (enum mpprun_bind)b;
            continue;
        }
        if (f.type == MPF_RANKS) {
            if (!job->size || f.len % 4 || (size_t)nranks + f.len / 4 > (size_t)job->size) goto bad;
            struct mpprun_rank *nr = realloc(job->ranks, (nranks + f.len / 4) * sizeof *nr);
            if (!nr) goto bad;
            job->ranks = nr;
            for (size_t k = 0; k < f.len / 4; k++) {
                uint32_t rank = mpprun_get32(f.data + 4 * k);
                if (rank >= (uint32_t)job->size || (nranks > 0 && rank <= (uint32_t)job->ranks[nranks - 1].rank))
                    goto bad;
                memset(&job->ranks[nranks], 0, sizeof job->ranks[nranks]);
                job->ranks[nranks++].rank = (int)rank;
            }
            continue;
        }
        if (mpprun_frame_text(&f, text, sizeof text) < 0) goto bad;
        switch (f.type) {
        case MPF_JOBID:
            if (!*text || strlen(text) >= sizeof job->jobid || strspn(text, "0123456789abcdefx") != strlen(text))
                goto bad;
            memcpy(job->jobid, text, strlen(text) + 1);
            break;
        case MPF_LABEL: px.label = strdup(text); break;
        case MPF_WDIR:
            if (chdir(text) < 0)
                say("warning: cannot change to %s (%s); staying in %s", text, strerror(errno),
                    getenv("HOME") ? getenv("HOME") : "the agent's directory");
            break;
        case MPF_ARG: {
            if (argc >= ARGS_MAX) goto bad;
            char **na = realloc(argv, (size_t)(argc + 2) * sizeof *na);
            if (!na) goto bad;
            argv = na;
            if (!(argv[argc++] = strdup(text))) goto bad;
            argv[argc] = NULL;
            break;
        }
        case MPF_ENV: {
            char *eq = strchr(text, '=');
            if (strncmp(text, "MSGPASS_", 8) || !eq) goto bad;
            *eq = '\0';
            setenv(text, eq + 1, 1);
            break;
        }
        default: goto bad;
        }
    }
    if (!job->size || !nranks || !argc || !job->jobid[0]) goto bad;
    job->n = nranks;
    *argv_out = argv;
    return 0;
bad:
    say("mpprun sent %s", why);
    return -1;
}

static struct mpprun_rank *find_rank(uint32_t rank)
{
    int lo = 0, hi = px.job.n - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        int r = px.job.ranks[mid].rank;
        if ((uint32_t)r == rank) return &px.job.ranks[mid];
        if ((uint32_t)r < rank)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return NULL;
}

static void kill_ranks(int sig)
{
    for (int i = 0; i < px.job.n; i++) {
        struct mpprun_rank *r = &px.job.ranks[i];
        if (r->alive && r->pid > 0 && kill(-r->pid, sig) < 0) kill(r->pid, sig);
    }
}

/* Reads one chunk from a rank's pipe or bootstrap socket and queues it. -1 at EOF. */
static int relay(int *fd, int type, int eof_type, int flag, uint32_t rank)
{
    char buf[READ_CHUNK];
    ssize_t n;
    do n = read(*fd, buf, sizeof buf);
    while (n < 0 && errno == EINTR);
    if (n > 0) return frame(type, flag, rank, buf, (size_t)n) < 0 ? -1 : 0;
    if (n < 0 && errno == EAGAIN) return 1;
    close(*fd);
    *fd = -1;
    frame(eof_type, flag, rank, NULL, 0);
    return -1;
}

/* Everything the rank wrote before it ended goes out before its EXIT. */
static void drain_rank(struct mpprun_rank *r)
{
    while (r->boot_fd >= 0 && relay(&r->boot_fd, MPF_BOOT, MPF_BOOT_EOF, 0, (uint32_t)r->rank) == 0) {
    }
    while (r->out.fd >= 0 && relay(&r->out.fd, MPF_OUT, MPF_OUT_EOF, 1, (uint32_t)r->rank) == 0) {
    }
    while (r->err.fd >= 0 && relay(&r->err.fd, MPF_OUT, MPF_OUT_EOF, 2, (uint32_t)r->rank) == 0) {
    }
}

/* The rank's status block, as mpprun reads those of its own host. */
static void send_hang(const struct mpprun_rank *r)
{
    struct mpprun_hang h;
    if (mpprun_hang_read(px.job.jobid, r->rank, &h) == 0) frame(MPF_HANG, 0, (uint32_t)r->rank, &h, sizeof h);
}

static void reap(void)
{
    int status;
    pid_t pid;
    while ((pid = mpprun_next_exit(&status)) > 0) {
        for (int i = 0; i < px.job.n; i++) {
            struct mpprun_rank *r = &px.job.ranks[i];
            if (!r->alive || r->pid != pid) continue;
            drain_rank(r);
            send_hang(r);
            mpprun_cleanup_pid_shm(pid);
            unsigned char p[8];
            mpprun_put32(p, (uint32_t)pid);
            mpprun_put32(p + 4, (uint32_t)status);
            frame(MPF_EXIT, 0, (uint32_t)r->rank, p, sizeof p);
            r->alive = 0;
            px.reaped++;
            break;
        }
    }
}

static void send_reply(struct mpprun_rank *r, const unsigned char *data, size_t len)
{
    if (r->boot_fd < 0) return;
    ssize_t n;
    do n = send(r->boot_fd, data, len, MSG_DONTWAIT | MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n == (ssize_t)len || (n < 0 && (errno == EPIPE || errno == ECONNRESET))) return; /* gone: its exit says why */
    static const char why[] = "does not read its replies";
    close(r->boot_fd);
    r->boot_fd = -1;
    frame(MPF_BOOT_EOF, 0, (uint32_t)r->rank, why, sizeof why - 1);
}

/* A frame from mpprun while the ranks run. Returns 0, or -1 when it makes no sense. */
static int from_mpprun(const struct mpprun_frame *f)
{
    struct mpprun_rank *r;
    switch (f->type) {
    case MPF_REPLY:
        if (!(r = find_rank(f->rank))) return -1;
        send_reply(r, f->data, f->len);
        return 0;
    case MPF_STDIN:
        if (px.job.stdin_pipe >= 0 && mpprun_wbuf_put(&px.stdin_q, f->data, f->len) < 0) return -1;
        return 0;
    case MPF_STDIN_EOF: px.stdin_eof = 1; return 0;
    case MPF_SIGNAL:
        if (f->flag < 1 || f->flag >= NSIG) return -1;
        kill_ranks(f->flag);
        return 0;
    case MPF_HANG_QUERY:
        for (int i = 0; i < px.job.n; i++)
            if (px.job.ranks[i].alive) send_hang(&px.job.ranks[i]);
        frame(MPF_HANG_DONE, 0, 0, NULL, 0);
        return 0;
    default: return -1;
    }
}

static void stdin_progress(void)
{
    struct mpprun_job *job = &px.job;
    if (job->stdin_pipe < 0) return;
    if (mpprun_wbuf_flush(&px.stdin_q, job->stdin_pipe) < 0) px.stdin_q.len = 0, px.stdin_eof = 1;
    if (px.stdin_eof && px.stdin_q.len == 0) {
        close(job->stdin_pipe);
        job->stdin_pipe = -1;
    }
}

/* Serves every whole frame received. Returns 0, or -1 when one makes no sense. */
static int serve_frames(void)
{
    struct mpprun_frame f;
    const char *why = "malformed message";
    int fr;
    while ((fr = mpprun_rbuf_next(&px.in, &f, &why)) > 0)
        if (from_mpprun(&f) < 0) {
            fr = -1;
            why = "unexpected message";
            break;
        }
    if (fr < 0) say("mpprun sent a %s; ending this host's ranks", why);
    return fr < 0 ? -1 : 0;
}

enum { K_SIG, K_CONN, K_STDIN, K_OUT, K_ERR, K_BOOT };

static void run(int sfd)
{
    struct mpprun_job *job = &px.job;
    size_t cap = 3 * (size_t)job->n + 3;
    struct pollfd *pfd = malloc(cap * sizeof *pfd);
    int *kind = malloc(cap * sizeof *kind), *who = malloc(cap * sizeof *who);
    if (!pfd || !kind || !who) {
        kill_ranks(SIGKILL);
        fail_job(1, "out of memory");
    }
    /* what came right behind the job description (a signal, if the job already ends) */
    if (serve_frames() < 0) {
        kill_ranks(SIGKILL);
        close(px.fd);
        px.fd = -1;
    }
    while (px.reaped < job->n) {
        size_t k = 0;
#define ADD(fd_, ev_, kind_, who_)                                                                                     \
    do {                                                                                                               \
        pfd[k] = (struct pollfd){.fd = (fd_), .events = (ev_)};                                                        \
        kind[k] = (kind_);                                                                                             \
        who[k++] = (who_);                                                                                             \
    } while (0)
        ADD(sfd, POLLIN, K_SIG, -1);
        if (px.fd >= 0) ADD(px.fd, (short)(POLLIN | (px.out.len ? POLLOUT : 0)), K_CONN, -1);
        if (job->stdin_pipe >= 0 && px.stdin_q.len) ADD(job->stdin_pipe, POLLOUT, K_STDIN, -1);
        int room = px.out.len < MPPRUN_PROXY_BACKLOG; /* mpprun reads slowly: the ranks wait */
        for (int i = 0; i < job->n; i++) {
            struct mpprun_rank *r = &job->ranks[i];
            if (r->out.fd >= 0 && room) ADD(r->out.fd, POLLIN, K_OUT, i);
            if (r->err.fd >= 0 && room) ADD(r->err.fd, POLLIN, K_ERR, i);
            if (r->boot_fd >= 0) ADD(r->boot_fd, POLLIN, K_BOOT, i);
        }
#undef ADD
        int timeout = -1;
        if (px.kill_at > 0) timeout = (int)((px.kill_at - mpprun_now()) * 1000) + 1;
        int rc = poll(pfd, (nfds_t)k, timeout < 0 ? -1 : timeout);
        if (rc < 0 && errno != EINTR) break;
        if (px.kill_at > 0 && mpprun_now() >= px.kill_at) {
            kill_ranks(SIGKILL);
            px.kill_at = 0;
        }
        for (size_t j = 0; rc > 0 && j < k; j++) {
            if (!pfd[j].revents) continue;
            struct mpprun_rank *r = who[j] >= 0 ? &job->ranks[who[j]] : NULL;
            switch (kind[j]) {
            case K_SIG: {
                struct signalfd_siginfo si;
                while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
                    if (si.ssi_signo == SIGCHLD) continue;
                    kill_ranks((int)si.ssi_signo); /* e.g. the agent's session hung up */
                    if (px.kill_at == 0) px.kill_at = mpprun_now() + MPPRUN_SIGNAL_GRACE;
                }
                break;
            }
            case K_CONN: {
                if ((pfd[j].revents & POLLOUT) && mpprun_wbuf_flush(&px.out, px.fd) < 0) goto lost;
                if (!(pfd[j].revents & (POLLIN | POLLHUP | POLLERR))) break;
                int got = mpprun_rbuf_fill(&px.in, px.fd);
                if (serve_frames() < 0 || got < 0) goto lost;
                break;
            }
            case K_STDIN: stdin_progress(); break;
            case K_OUT: relay(&r->out.fd, MPF_OUT, MPF_OUT_EOF, 1, (uint32_t)r->rank); break;
            case K_ERR: relay(&r->err.fd, MPF_OUT, MPF_OUT_EOF, 2, (uint32_t)r->rank); break;
            case K_BOOT: relay(&r->boot_fd, MPF_BOOT, MPF_BOOT_EOF, 0, (uint32_t)r->rank); break;
            }
        }
        reap();
        stdin_progress();
        if (px.fd >= 0 && mpprun_wbuf_flush(&px.out, px.fd) < 0) goto lost;
        continue;
    lost:
        /* mpprun is gone (or mad): nobody is left to serve the ranks */
        if (px.fd >= 0) close(px.fd);
        px.fd = -1;
        kill_ranks(SIGKILL);
        px.out.len = px.out.head = 0;
    }
    free(pfd);
    free(kind);
    free(who);
}

/* HOST-INDEX, or (one srun for all nodes) "NAME=INDEX,..." with this node's name from Slurm.
 * Returns the index, or -1. */
static long host_index(const char *arg)
{
    const char *node = getenv("SLURMD_NODENAME");
    size_t nlen = node ? strlen(node) : 0;
    const char *p = arg;
    if (strchr(arg, '=')) {
        for (p = NULL; node && *arg; arg += strcspn(arg, ","), arg += *arg == ',')
            if (!strncmp(arg, node, nlen) && arg[nlen] == '=') {
                p = arg + nlen + 1;
                break;
            }
        if (!p) return -1;
    }
    char *end;
    long host = strtol(p, &end, 10);
    int bad_end = *end && (p == arg || *end != ','); /* a bare index ends the argument */
    return end == p || bad_end || host < 0 || host > MPPRUN_NP_MAX ? -1 : host;
}

int mpprun_proxy_main(int argc, char **argv)
{
    long host = argc == 4 ? host_index(argv[2]) : -1;
    if (host < 0) {
        if (argc == 4 && strchr(argv[2], '='))
            fprintf(stderr, "mpprun: --proxy: this node (SLURMD_NODENAME=%s) is not in the host list\n",
                    getenv("SLURMD_NODENAME") ? getenv("SLURMD_NODENAME") : "unset");
        else
            fprintf(stderr,
                    "mpprun: --proxy is started by mpprun itself (usage: mpprun --proxy HOST-INDEX ADDRESSES)\n");
        return MPPRUN_EXIT_USAGE;
    }
    unsigned char secret[MPPRUN_SECRET_LEN];
    if (read_secret(secret) < 0) {
        say("no job secret on stdin (the launch agent must pass mpprun's stdin on, as ssh does)");
        return 1;
    }
    int null = open("/dev/null", O_RDONLY);
    if (null > 0) {
        dup2(null, 0);
        close(null);
    }
    struct sigaction ign = {.sa_handler = SIG_IGN};
    sigaction(SIGPIPE, &ign, NULL);
    /* mpprun turns away handshakes beyond the number it holds pending (strangers flooding its
     * port): a refused proxy tries again a few times before it gives up. */
    for (int attempt = 0;; attempt++) {
        px.fd = connect_back(argv[3]);
        if (px.fd < 0) {
            say("cannot connect back to mpprun at %s", argv[3]);
            return 1;
        }
        int one = 1;
        setsockopt(px.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        setsockopt(px.fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
        if (handshake(secret, (uint32_t)host) == 0) break;
        close(px.fd);
        px.fd = -1;
        px.out.head = px.out.len = 0;
        if (attempt + 1 == HANDSHAKE_TRIES) {
            say("the handshake with mpprun at %s failed %d times (not the job's mpprun, or it ended)", argv[3],
                HANDSHAKE_TRIES);
            return 1;
        }
        usleep(100000u << attempt);
    }
    struct mpprun_job *job = &px.job;
    char **prog_argv = NULL;
    enum mpprun_bind bind = MPPRUN_BIND_DEFAULT;
    if (receive_job(&prog_argv, &bind) < 0) return 1;
    memcpy(job->secret, secret, sizeof secret);
    mpprun_secret_hex(secret, job->secret_hex);

    char path[PATH_MAX], err[512];
    if (mpprun_resolve_program(prog_argv[0], path, sizeof path, err, sizeof err) < 0)
        fail_job(MPPRUN_EXIT_NOEXEC, "%s", err + (strncmp(err, "mpprun: ", 8) ? 0 : 8));

    struct mpprun_hostent self = {.state = HOST_LOCAL, .fd = -1};
    job->hosts = &self;
    job->nhosts = 1;
    job->stdin_pipe = job->stdin_host = -1;
    for (int i = 0; i < job->n; i++) {
        struct mpprun_rank *r = &job->ranks[i];
        r->local_rank = i;
        r->local_size = job->n;
        r->where = px.label;
        r->boot_fd = -1;
        /* the proxy relays raw bytes: its streams need no line buffers */
        mpprun_stream_init(&r->out, -1, 1, r->rank, NULL);
        mpprun_stream_init(&r->err, -1, 2, r->rank, NULL);
    }

    sigset_t orig;
    int sfd = mpprun_signals(&orig);
    if (sfd < 0) fail_job(1, "signalfd: %s", strerror(errno));
    mpprun_reaper_start(job);
    if (mpprun_spawn(job, 0, path, prog_argv, bind, &orig) < 0) fail_job(1, "cannot start the ranks (see above)");
    for (int i = 0; i < job->n; i++) {
        unsigned char p[4];
        mpprun_put32(p, (uint32_t)job->ranks[i].pid);
        frame(MPF_STARTED, 0, (uint32_t)job->ranks[i].rank, p, sizeof p);
    }

    run(sfd);

    /* Whatever the ranks' children still write is not waited for. */
    for (int i = 0; i < job->n; i++) drain_rank(&job->ranks[i]);
    flush_blocking(2.0);
    if (px.fd >= 0) close(px.fd);
    mpprun_cleanup_ranks_shm(job);
    mpprun_reaper_stop(job);
    for (char **a = prog_argv; *a; a++) free(*a);
    free(prog_argv);
    return 0;
}
