/* mpprun's side of a multi-host job: it listens on the chosen interfaces, starts one proxy per
 * remote host through the launch agent, authenticates each proxy's connection back (secret.h),
 * sends it the job, then serves its ranks' bootstrap, output and exits like local ones. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mpprun.h"

#define MAX_LISTEN 16
#define MAX_PENDING 64
#define HANDSHAKE_TIMEOUT 5.0 /* s for an accepted connection to prove the secret */
#define LINGER 1.0            /* s for proxies to hand over their last output once all ranks ended */
#define DROPS_LOGGED 5
#define PROXY_TIMEOUT_DEFAULT 30.0

enum { W_LISTEN = 1, W_PENDING, W_HOST };
#define WHO(kind, idx) ((kind) << 24 | (idx))

struct pending {
    int fd;
    double deadline;
    size_t got;
    unsigned char nonce[MPPRUN_HS_NONCE];
    unsigned char hello[MPPRUN_HS_HELLO_LEN];
    char peer[INET6_ADDRSTRLEN + 16];
};

struct mpprun_listen {
    int nfd;
    int fd[MAX_LISTEN];
    int npend;
    struct pending pend[MAX_PENDING];
    char addrs[MAX_LISTEN * (INET6_ADDRSTRLEN + 10)]; /* what the proxies try: "a:p,[b]:p" */
    int drops;
    char agent[256]; /* for messages */
    double linger_until;
};

static void drop_log(struct mpprun_job *job, const char *peer, const char *why)
{
    struct mpprun_listen *l = job->listen;
    if (l->drops < DROPS_LOGGED)
        fprintf(stderr, "mpprun: warning: dropped a connection from %s: %s\n", peer, why);
    else if (l->drops == DROPS_LOGGED)
        fprintf(stderr, "mpprun: warning: more connections dropped; not logging them\n");
    l->drops++;
}

static void drop_pending(struct mpprun_job *job, int i, const char *why)
{
    struct mpprun_listen *l = job->listen;
    if (why) drop_log(job, l->pend[i].peer, why);
    close(l->pend[i].fd);
    l->pend[i] = l->pend[--l->npend];
}

/* ---- listening ---- */

/* One item of MSGPASS_TCP_IF: an interface name or a CIDR block. */
static int item_matches(const char *item, size_t len, const struct ifaddrs *ifa)
{
    char buf[INET6_ADDRSTRLEN + 8];
    if (len >= sizeof buf) return 0;
    memcpy(buf, item, len);
    buf[len] = '\0';
    char *slash = strchr(buf, '/');
    if (!slash) return !strcmp(buf, ifa->ifa_name);
    *slash = '\0';
    char *end;
    long bits = strtol(slash + 1, &end, 10);
    unsigned char net[16];
    const unsigned char *addr;
    int fam = ifa->ifa_addr->sa_family, max;
    if (fam == AF_INET) {
        addr = (const unsigned char *)&((const struct sockaddr_in *)ifa->ifa_addr)->sin_addr;
        max = 32;
    } else {
        addr = (const unsigned char *)&((const struct sockaddr_in6 *)ifa->ifa_addr)->sin6_addr;
        max = 128;
    }
    if (*end || end == slash + 1 || bits < 0 || bits > max || inet_pton(fam, buf, net) != 1) return 0;
    for (long b = 0; b < bits; b++)
        if (((addr[b / 8] ^ net[b / 8]) >> (7 - b % 8)) & 1) return 0;
    return 1;
}

static int if_wanted(const char *spec, const struct ifaddrs *ifa)
{
    for (const char *p = spec; *p;) {
        size_t len = strcspn(p, ",");
        if (len && item_matches(p, len, ifa)) return 1;
        p += len;
        if (*p) p++;
    }
    return 0;
}

static int usable(const struct ifaddrs *ifa)
{
    if (!ifa->ifa_addr || !(ifa->ifa_flags & IFF_UP)) return 0;
    int fam = ifa->ifa_addr->sa_family;
    if (fam == AF_INET) return 1;
    if (fam != AF_INET6) return 0;
    const struct in6_addr *a = &((const struct sockaddr_in6 *)ifa->ifa_addr)->sin6_addr;
    return !IN6_IS_ADDR_LINKLOCAL(a); /* needs a scope the proxy's host would not know */
}

static void listen_on(struct mpprun_listen *l, const struct sockaddr *sa)
{
    if (l->nfd >= MAX_LISTEN) return;
    int fam = sa->sa_family;
    struct sockaddr_storage ss;
    socklen_t len = fam == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
    memcpy(&ss, sa, len);
    if (fam == AF_INET)
        ((struct sockaddr_in *)&ss)->sin_port = 0;
    else
        ((struct sockaddr_in6 *)&ss)->sin6_port = 0;
    int fd = socket(fam, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return;
    int one = 1;
    if (fam == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, MAX_PENDING) < 0 ||
        getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
        close(fd);
        return;
    }
    char host[INET6_ADDRSTRLEN];
    const void *a = fam == AF_INET ? (const void *)&((struct sockaddr_in *)&ss)->sin_addr
                                   : (const void *)&((struct sockaddr_in6 *)&ss)->sin6_addr;
    unsigned port =
        ntohs(fam == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port : ((struct sockaddr_in6 *)&ss)->sin6_port);
    inet_ntop(fam, a, host, sizeof host);
    size_t used = strlen(l->addrs);
    snprintf(l->addrs + used, sizeof l->addrs - used, fam == AF_INET ? "%s%s:%u" : "%s[%s]:%u", used ? "," : "", host,
             port);
    l->fd[l->nfd++] = fd;
}

/* Listens on every address of the interfaces MSGPASS_TCP_IF names; without it on every
 * non-loopback one (loopback when there is nothing else). */
static int start_listening(struct mpprun_listen *l)
{
    const char *spec = getenv("MSGPASS_TCP_IF");
    if (spec && !*spec) spec = NULL;
    struct ifaddrs *ifs;
    if (getifaddrs(&ifs) < 0) {
        perror("mpprun: getifaddrs");
        return -1;
    }
    for (int pass = 0; pass < 2 && l->nfd == 0; pass++) {
        for (struct ifaddrs *ifa = ifs; ifa; ifa = ifa->ifa_next) {
            if (!usable(ifa)) continue;
            int lo = (ifa->ifa_flags & IFF_LOOPBACK) != 0;
            if (spec ? !if_wanted(spec, ifa) : (pass == 0 ? lo : !lo)) continue;
            listen_on(l, ifa->ifa_addr);
        }
        if (spec) break;
    }
    freeifaddrs(ifs);
    if (l->nfd == 0) {
        if (spec)
            fprintf(stderr,
                    "mpprun: MSGPASS_TCP_IF=%s: no usable address on a matching interface (up, IPv4 or global "
                    "IPv6) for the proxies to connect to\n",
                    spec);
        else
            fprintf(stderr, "mpprun: no network address to listen on for the proxies\n");
        return -1;
    }
    return 0;
}

static void stop_listening(struct mpprun_job *job)
{
    struct mpprun_listen *l = job->listen;
    for (int i = 0; i < l->nfd; i++) close(l->fd[i]);
    l->nfd = 0;
    while (l->npend > 0) drop_pending(job, l->npend - 1, NULL);
}

/* ---- starting the proxies ---- */

static double proxy_timeout(void)
{
    const char *s = getenv("MSGPASS_PROXY_TIMEOUT");
    if (!s || !*s) return PROXY_TIMEOUT_DEFAULT;
    char *end;
    double v = strtod(s, &end);
    if (*end || !(v > 0 && v < 1e6)) {
        fprintf(stderr, "mpprun: warning: MSGPASS_PROXY_TIMEOUT='%s' is not a number of seconds; using %g\n", s,
                PROXY_TIMEOUT_DEFAULT);
        return PROXY_TIMEOUT_DEFAULT;
    }
    return v;
}

/* `AGENT... HOST /path/to/mpprun --proxy INDEX ADDRESSES`; the words of CMD split at blanks. */
static char **agent_argv(const char *agent, const char *host, const char *self, const char *index, const char *addrs,
                         char *words)
{
    size_t max = strlen(agent) / 2 + 8;
    char **argv = calloc(max, sizeof *argv);
    if (!argv) return NULL;
    size_t k = 0;
    strcpy(words, agent);
    for (char *w = strtok(words, " \t"); w; w = strtok(NULL, " \t")) argv[k++] = w;
    argv[k++] = (char *)host;
    argv[k++] = (char *)self;
    argv[k++] = "--proxy";
    argv[k++] = (char *)index;
    argv[k++] = (char *)addrs;
    argv[k] = NULL;
    return argv;
}

/* Starts the agent `argv` with the job secret on its stdin; `hosts` names its hosts in messages.
 * Returns its pid, or -1. */
static pid_t start_agent(struct mpprun_job *job, char **argv, const char *hosts)
{
    int in[2];
    if (pipe2(in, O_CLOEXEC) < 0) {
        fprintf(stderr, "mpprun: cannot start the launch agent for %s: %s\n", hosts, strerror(errno));
        return -1;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        /* Its own process group: a Ctrl-C reaches mpprun, which ends the job in order. */
        setpgid(0, 0);
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent) _exit(MPPRUN_EXIT_NOEXEC);
        struct sigaction dfl = {.sa_handler = SIG_DFL};
        sigaction(SIGPIPE, &dfl, NULL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        if (dup2(in[0], 0) < 0) _exit(MPPRUN_EXIT_NOEXEC);
        execvp(argv[0], argv);
        dprintf(2, "mpprun: cannot run the launch agent '%s': %s\n", argv[0], strerror(errno));
        _exit(MPPRUN_EXIT_NOEXEC);
    }
    close(in[0]);
    if (pid < 0) {
        close(in[1]);
        fprintf(stderr, "mpprun: cannot start the launch agent for %s: %s\n", hosts, strerror(errno));
        return -1;
    }
    setpgid(pid, pid);
    /* The secret travels on the agent's stdin, never on a command line others can read. */
    char line[MPPRUN_SECRET_HEX + 2];
    snprintf(line, sizeof line, "%s\n", job->secret_hex);
    ssize_t sent = write(in[1], line, MPPRUN_SECRET_HEX + 1);
    (void)sent; /* short only when the agent already died: its exit says why */
    close(in[1]);
    return pid;
}

static int launch(struct mpprun_job *job, int h, const char *agent, const char *self)
{
    struct mpprun_hostent *e = &job->hosts[h];
    char index[16], *words = malloc(strlen(agent) + 1);
    snprintf(index, sizeof index, "%d", h);
    char **argv = words ? agent_argv(agent, e->name, self, index, job->listen->addrs, words) : NULL;
    pid_t pid = argv ? start_agent(job, argv, e->name) : -1;
    if (!argv) fprintf(stderr, "mpprun: cannot start the launch agent for host %s: out of memory\n", e->name);
    free(argv);
    free(words);
    if (pid < 0) return -1;
    e->agent = pid;
    return 0;
}

/* One srun starts a proxy on every remote node of the Slurm allocation. Which host index a proxy
 * serves it finds by its node name (SLURMD_NODENAME) in the list "NAME=INDEX,...". */
static int launch_srun(struct mpprun_job *job, const char *self)
{
    size_t len = 1;
    for (int h = 0; h < job->nhosts; h++) len += strlen(job->hosts[h].name) + 16;
    char *nodes = malloc(len), *map = malloc(len), nn[32], ntasks[48];
    if (!nodes || !map) {
        free(nodes);
        free(map);
        fprintf(stderr, "mpprun: out of memory for the srun command line\n");
        return -1;
    }
    size_t un = 0, um = 0;
    for (int h = 0; h < job->nhosts; h++) {
        if (job->hosts[h].state != HOST_LAUNCHING) continue;
        un += (size_t)snprintf(nodes + un, len - un, "%s%s", un ? "," : "", job->hosts[h].name);
        um += (size_t)snprintf(map + um, len - um, "%s%s=%d", um ? "," : "", job->hosts[h].name, h);
    }
    snprintf(nn, sizeof nn, "--nodes=%d", job->nremote);
    snprintf(ntasks, sizeof ntasks, "--ntasks=%d", job->nremote);
    char *nodelist = malloc(un + 16);
    if (nodelist) snprintf(nodelist, un + 16, "--nodelist=%s", nodes);
    /* --mpi=none: the proxies are no MPI tasks; --cpu-bind=none and --overlap: a proxy's ranks
     * may use the whole node, also from inside another step of the job. */
    char *argv[] = {
        "srun",       nn,        ntasks, "--ntasks-per-node=1", nodelist, "--mpi=none", "--cpu-bind=none", "--overlap",
        (char *)self, "--proxy", map,    job->listen->addrs,    NULL};
    pid_t pid = nodelist ? start_agent(job, argv, nodes) : -1;
    free(nodelist);
    free(nodes);
    free(map);
    if (pid < 0) return -1;
    for (int h = 0; h < job->nhosts; h++)
        if (job->hosts[h].state == HOST_LAUNCHING) job->hosts[h].agent = pid;
    return 0;
}

int mpprun_remote_start(struct mpprun_job *job, const char *agent, char **prog_argv, enum mpprun_bind bind)
{
    job->bind = bind;
    job->prog_argv = prog_argv;
    if (!job->nremote) return 0;
    job->listen = calloc(1, sizeof *job->listen);
    if (!job->listen) return -1;
    if (!agent) agent = job->srun ? "srun" : "ssh";
    snprintf(job->listen->agent, sizeof job->listen->agent, "%s", agent);
    if (start_listening(job->listen) < 0) return -1;
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        perror("mpprun: cannot find its own executable (/proc/self/exe)");
        return -1;
    }
    self[n] = '\0';
    if (job->srun) {
        if (launch_srun(job, self) < 0) return -1;
    } else {
        for (int h = 0; h < job->nhosts; h++)
            if (job->hosts[h].state == HOST_LAUNCHING && launch(job, h, agent, self) < 0) return -1;
    }
    job->connect_by = mpprun_now() + proxy_timeout();
    return 0;
}

/* ---- one proxy's connection ---- */

/* The ranks of host h will not report any more: they count as ended (not as failures). */
static void forget_ranks(struct mpprun_job *job, int h)
{
    struct mpprun_hostent *e = &job->hosts[h];
    for (int k = 0; k < e->nranks; k++) {
        struct mpprun_rank *r = &job->ranks[e->ranks[k]];
        if (!r->alive) continue;
        r->alive = 0;
        job->nalive--;
        if (r->in_fence) job->fence_count--;
        r->in_fence = 0;
        mpprun_boot_close(r);
        mpprun_stream_end(job, &r->out);
        mpprun_stream_end(job, &r->err);
    }
    e->nalive = 0;
}

static void close_host(struct mpprun_job *job, int h)
{
    struct mpprun_hostent *e = &job->hosts[h];
    if (e->fd >= 0) close(e->fd);
    e->fd = -1;
    e->state = HOST_DONE;
    forget_ranks(job, h);
}

static void host_lost(struct mpprun_job *job, int h, const char *why)
{
    struct mpprun_hostent *e = &job->hosts[h];
    if (e->asked && job->report_wait > 0) job->report_wait--;
    e->asked = 0;
    if (e->nalive > 0) {
        int first = -1;
        for (int k = 0; k < e->nranks && first < 0; k++)
            if (job->ranks[e->ranks[k]].alive) first = e->ranks[k];
        mpprun_fail(job, 1, "mpprun: host %s: %s; its %d running rank%s (rank %d first) counted as failed", e->name,
                    why, e->nalive, e->nalive == 1 ? "" : "s", first);
    }
    close_host(job, h);
}

static void send_or_lose(struct mpprun_job *job, int h)
{
    struct mpprun_hostent *e = &job->hosts[h];
    if (e->fd >= 0 && mpprun_wbuf_flush(&e->out, e->fd) < 0) host_lost(job, h, "lost the connection to its proxy");
}

static int is_job_var(const char *name)
{
    static const char *const own[] = {
        "MSGPASS_BOOT_FD=",    "MSGPASS_RANK=", "MSGPASS_SIZE=",     "MSGPASS_JOBID=",     "MSGPASS_LOCAL_RANK=",
        "MSGPASS_LOCAL_SIZE=", "MSGPASS_CPUS=", "MSGPASS_HOSTNAME=", MPPRUN_SECRET_ENV "="};
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
        if (!strncmp(name, own[i], strlen(own[i]))) return 1;
    return 0;
}

extern char **environ;

/* The job as the proxy needs it: size, binding, job id, its name, the directory, PROGRAM ARGS,
 * the MSGPASS_* settings (agents such as ssh do not pass the environment), its ranks. */
static int queue_setup(struct mpprun_job *job, int h)
{
    struct mpprun_hostent *e = &job->hosts[h];
    struct mpprun_wbuf *w = &e->out;
    unsigned char jb[8];
    mpprun_put32(jb, (uint32_t)job->size);
    mpprun_put32(jb + 4, (uint32_t)job->bind);
    int rc = mpprun_wbuf_frame(w, MPF_JOB, 0, 0, jb, sizeof jb, NULL, 0);
    rc |= mpprun_wbuf_text(w, MPF_JOBID, job->jobid);
    rc |= mpprun_wbuf_text(w, MPF_LABEL, e->name);
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd)) rc |= mpprun_wbuf_text(w, MPF_WDIR, cwd);
    for (char **a = job->prog_argv; *a && !rc; a++) {
        if (strlen(*a) > MPPRUN_FRAME_MAX) return -1;
        rc |= mpprun_wbuf_text(w, MPF_ARG, *a);
    }
    for (char **v = environ; *v && !rc; v++)
        if (!strncmp(*v, "MSGPASS_", 8) && !is_job_var(*v) && strlen(*v) <= MPPRUN_FRAME_MAX)
            rc |= mpprun_wbuf_text(w, MPF_ENV, *v);
    unsigned char chunk[4096 * 4];
    for (int k = 0; k < e->nranks && !rc;) {
        int cnt = 0;
        for (; cnt < 4096 && k < e->nranks; cnt++, k++) mpprun_put32(chunk + 4 * cnt, (uint32_t)e->ranks[k]);
        rc |= mpprun_wbuf_frame(w, MPF_RANKS, 0, 0, chunk, (size_t)cnt * 4, NULL, 0);
    }
    rc |= mpprun_wbuf_frame(w, MPF_START, 0, 0, NULL, 0, NULL, 0);
    return rc ? -1 : 0;
}

static void host_broken(struct mpprun_job *job, int h, const char *why)
{
    char msg[256];
    snprintf(msg, sizeof msg, "its proxy broke the protocol (%s); connection dropped", why);
    if (!job->hosts[h].nalive) /* nothing to count as failed, but still a failure to report */
        mpprun_fail(job, 1, "mpprun: host %s: %s", job->hosts[h].name, msg);
    host_lost(job, h, msg);
}

/* Handles one frame from host h's proxy. Returns 0, or -1 when the connection was dropped. */
static int host_frame(struct mpprun_job *job, int h, const struct mpprun_frame *f)
{
    struct mpprun_hostent *e = &job->hosts[h];
    if (f->type == MPF_ERROR) {
        char text[512];
        if (mpprun_frame_text(f, text, sizeof text) < 0) snprintf(text, sizeof text, "(unreadable message)");
        for (char *c = text; *c; c++)
            if ((unsigned char)*c < ' ' || *c == 127) *c = '?';
        mpprun_fail(job, f->flag ? f->flag : 1, "mpprun: host %s: %s", e->name, text);
        return 0;
    }
    if (f->type == MPF_HANG_DONE) {
        if (e->asked) {
            e->asked = 0;
            if (job->report_wait > 0) job->report_wait--;
        }
        return 0;
    }
    if (f->rank >= (uint32_t)job->n || job->ranks[f->rank].host != h) {
        host_broken(job, h, "a rank that is not on its host");
        return -1;
    }
    struct mpprun_rank *r = &job->ranks[f->rank];
    switch (f->type) {
    case MPF_STARTED:
        if (f->len != 4) break;
        r->pid = (pid_t)mpprun_get32(f->data);
        return 0;
    case MPF_OUT:
    case MPF_OUT_EOF:
        if (f->flag != 1 && f->flag != 2) break;
        if (f->type == MPF_OUT_EOF) {
            mpprun_stream_end(job, f->flag == 1 ? &r->out : &r->err);
        } else if (mpprun_stream_push(job, f->flag == 1 ? &r->out : &r->err, f->data, f->len) < 0) {
            mpprun_fail(job, 1, "mpprun: out of memory for the output of rank %d", r->rank);
        }
        return 0;
    case MPF_BOOT: mpprun_boot_feed(job, r, f->data, f->len); return 0;
    case MPF_BOOT_EOF: {
        char why[256];
        if (mpprun_frame_text(f, why, sizeof why) < 0) break;
        if (r->boot_open) mpprun_boot_eof(job, r, *why ? why : NULL);
        return 0;
    }
    case MPF_HANG: {
        struct mpprun_hang hang;
        if (f->len != sizeof hang) break;
        memcpy(&hang, f->data, sizeof hang);
        mpprun_hang_store(r, &hang);
        return 0;
    }
    case MPF_EXIT:
        if (f->len != 8 || !r->alive) break;
        r->pid = (pid_t)mpprun_get32(f->data);
        mpprun_rank_ended(job, r, (int)mpprun_get32(f->data + 4));
        return 0;
    default: break;
    }
    host_broken(job, h, "a malformed or unexpected message");
    return -1;
}

static void host_readable(struct mpprun_job *job, int h)
{
    struct mpprun_hostent *e = &job->hosts[h];
    int got = mpprun_rbuf_fill(e->in, e->fd);
    struct mpprun_frame f;
    const char *why = NULL;
    int rc;
    while ((rc = mpprun_rbuf_next(e->in, &f, &why)) > 0)
        if (host_frame(job, h, &f) < 0) return;
    if (rc < 0) {
        host_broken(job, h, why);
        return;
    }
    if (got < 0) host_lost(job, h, "lost the connection to its proxy");
}

/* ---- handshake ---- */

static void accept_all(struct mpprun_job *job, int lfd)
{
    struct mpprun_listen *l = job->listen;
    for (;;) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof ss;
        int fd = accept4(lfd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) return;
        char peer[sizeof l->pend[0].peer] = "?";
        char host[INET6_ADDRSTRLEN] = "?";
        if (ss.ss_family == AF_INET) {
            inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, host, sizeof host);
            snprintf(peer, sizeof peer, "%s:%u", host, ntohs(((struct sockaddr_in *)&ss)->sin_port));
        } else if (ss.ss_family == AF_INET6) {
            inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, host, sizeof host);
            snprintf(peer, sizeof peer, "[%s]:%u", host, ntohs(((struct sockaddr_in6 *)&ss)->sin6_port));
        }
        if (l->npend == MAX_PENDING) {
            drop_log(job, peer, "too many connections waiting for their handshake");
            close(fd);
            continue;
        }
        struct pending *p = &l->pend[l->npend];
        unsigned char ch[MPPRUN_HS_CHALLENGE_LEN];
        if (mpprun_hs_challenge(ch, p->nonce) < 0 ||
            send(fd, ch, sizeof ch, MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t)sizeof ch) {
            drop_log(job, peer, "cannot send the challenge");
            close(fd);
            continue;
        }
        p->fd = fd;
        p->got = 0;
        p->deadline = mpprun_now() + HANDSHAKE_TIMEOUT;
        snprintf(p->peer, sizeof p->peer, "%s", peer);
        l->npend++;
    }
}

static void pending_readable(struct mpprun_job *job, int i)
{
    struct mpprun_listen *l = job->listen;
    struct pending *p = &l->pend[i];
    ssize_t n = read(p->fd, p->hello + p->got, sizeof p->hello - p->got);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
    if (n <= 0) { /* a proxy that got through on another address closes this one unused */
        drop_pending(job, i, p->got ? "closed before proving the job secret" : NULL);
        return;
    }
    p->got += (size_t)n;
    if (p->got < sizeof p->hello) return;
    const char *why = NULL;
    unsigned char welcome[MPPRUN_HS_WELCOME_LEN];
    long h = mpprun_hs_check_hello(job->secret, p->nonce, p->hello, welcome, &why);
    if (h < 0) {
        drop_pending(job, i, why);
        return;
    }
    if (h >= job->nhosts || job->hosts[h].state != HOST_LAUNCHING) {
        drop_pending(job, i, "host index unknown or already connected");
        return;
    }
    if (send(p->fd, welcome, sizeof welcome, MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t)sizeof welcome) {
        drop_pending(job, i, "cannot send the answer to the handshake");
        return;
    }
    struct mpprun_hostent *e = &job->hosts[h];
    e->in = calloc(1, sizeof *e->in);
    if (!e->in || queue_setup(job, (int)h) < 0) {
        drop_pending(job, i, NULL);
        mpprun_fail(job, 1, "mpprun: out of memory for the connection to host %s", e->name);
        return;
    }
    int one = 1;
    setsockopt(p->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(p->fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
    e->fd = p->fd;
    e->state = HOST_RUNNING;
    for (int k = 0; k < e->nranks; k++) job->ranks[e->ranks[k]].boot_open = 1;
    l->pend[i] = l->pend[--l->npend];
    send_or_lose(job, (int)h);
    int waiting = 0;
    for (int k = 0; k < job->nhosts; k++) waiting += job->hosts[k].state == HOST_LAUNCHING;
    if (!waiting) { /* nothing more to accept: no port stays open */
        stop_listening(job);
        job->connect_by = 0;
    }
}

/* ---- the event loop's interface ---- */

size_t mpprun_remote_max_fds(const struct mpprun_job *job)
{
    return job->nremote ? (size_t)(MAX_LISTEN + MAX_PENDING + job->nhosts) : 0;
}

size_t mpprun_remote_fill(struct mpprun_job *job, struct pollfd *pfd, int *who)
{
    struct mpprun_listen *l = job->listen;
    size_t k = 0;
    if (!l) return 0;
    for (int i = 0; i < l->nfd; i++) {
        pfd[k] = (struct pollfd){.fd = l->fd[i], .events = POLLIN};
        who[k++] = WHO(W_LISTEN, i);
    }
    for (int i = 0; i < l->npend; i++) {
        pfd[k] = (struct pollfd){.fd = l->pend[i].fd, .events = POLLIN};
        who[k++] = WHO(W_PENDING, i);
    }
    for (int h = 0; h < job->nhosts; h++) {
        struct mpprun_hostent *e = &job->hosts[h];
        if (e->fd < 0) continue;
        pfd[k] = (struct pollfd){.fd = e->fd, .events = (short)(POLLIN | (e->out.len ? POLLOUT : 0))};
        who[k++] = WHO(W_HOST, h);
    }
    return k;
}

void mpprun_remote_event(struct mpprun_job *job, int who, short revents)
{
    int kind = who >> 24, i = who & 0xffffff;
    struct mpprun_listen *l = job->listen;
    switch (kind) {
    case W_LISTEN:
        if (i < l->nfd) accept_all(job, l->fd[i]);
        break;
    case W_PENDING:
        /* entries move when one is dropped: the fd may belong to a later one now, which is fine */
        if (i < l->npend) pending_readable(job, i);
        break;
    case W_HOST:
        if (job->hosts[i].fd < 0) break;
        if (revents & POLLOUT) send_or_lose(job, i);
        if (job->hosts[i].fd >= 0 && (revents & (POLLIN | POLLHUP | POLLERR))) host_readable(job, i);
        break;
    }
}

void mpprun_remote_signal(struct mpprun_job *job, int sig)
{
    for (int h = 0; h < job->nhosts; h++) {
        struct mpprun_hostent *e = &job->hosts[h];
        if (e->state == HOST_LAUNCHING) { /* not connected yet: its agent is all there is to stop */
            if (e->agent > 0) kill(-e->agent, SIGKILL);
            e->state = HOST_DONE;
            forget_ranks(job, h);
        } else if (e->state == HOST_RUNNING && e->nalive > 0) {
            if (mpprun_wbuf_frame(&e->out, MPF_SIGNAL, sig, 0, NULL, 0, NULL, 0) < 0)
                host_lost(job, h, "out of memory");
            else
                send_or_lose(job, h);
        }
    }
}

int mpprun_remote_query(struct mpprun_job *job)
{
    int asked = 0;
    for (int h = 0; h < job->nhosts; h++) {
        struct mpprun_hostent *e = &job->hosts[h];
        if (e->state != HOST_RUNNING || e->fd < 0 || !e->nalive) continue;
        if (mpprun_wbuf_frame(&e->out, MPF_HANG_QUERY, 0, 0, NULL, 0, NULL, 0) < 0) {
            host_lost(job, h, "out of memory");
            continue;
        }
        send_or_lose(job, h);
        if (e->fd < 0) continue;
        e->asked = 1;
        asked++;
    }
    return asked;
}

void mpprun_remote_reply(struct mpprun_job *job, struct mpprun_rank *r, const char *text, size_t len)
{
    int h = r->host;
    if (job->hosts[h].fd < 0) return;
    if (mpprun_wbuf_frame(&job->hosts[h].out, MPF_REPLY, 0, (uint32_t)r->rank, text, len, NULL, 0) < 0)
        host_lost(job, h, "out of memory");
    else
        send_or_lose(job, h);
}

int mpprun_remote_stdin_ready(const struct mpprun_job *job)
{
    if (job->stdin_host < 0) return 0;
    const struct mpprun_hostent *e = &job->hosts[job->stdin_host];
    return e->state == HOST_RUNNING && e->out.len < MPPRUN_PROXY_BACKLOG;
}

void mpprun_remote_stdin(struct mpprun_job *job, const void *data, size_t len)
{
    int h = job->stdin_host;
    if (h < 0 || job->hosts[h].fd < 0) return;
    if (mpprun_wbuf_frame(&job->hosts[h].out, len ? MPF_STDIN : MPF_STDIN_EOF, 0, 0, data, len, NULL, 0) < 0)
        host_lost(job, h, "out of memory");
    else
        send_or_lose(job, h);
}

int mpprun_remote_reaped(struct mpprun_job *job, pid_t pid, int status)
{
    int found = 0;
    for (int h = 0; h < job->nhosts; h++) { /* one srun serves several hosts */
        struct mpprun_hostent *e = &job->hosts[h];
        if (pid <= 0 || e->agent != pid) continue;
        found = 1;
        e->agent = 0;
        e->agent_status = status;
        if (e->state == HOST_LAUNCHING) {
            char how[64];
            if (WIFSIGNALED(status))
                snprintf(how, sizeof how, "was killed by signal %d", WTERMSIG(status));
            else
                snprintf(how, sizeof how, "exited with code %d", WEXITSTATUS(status));
            mpprun_fail(job, 1, "mpprun: host %s: the launch agent (%s) %s before the proxy connected", e->name,
                        job->listen->agent, how);
            e->state = HOST_DONE;
            forget_ranks(job, h);
        }
    }
    return found;
}

double mpprun_remote_deadline(const struct mpprun_job *job)
{
    const struct mpprun_listen *l = job->listen;
    if (!l) return 0;
    double next = job->connect_by;
    for (int i = 0; i < l->npend; i++)
        if (next == 0 || l->pend[i].deadline < next) next = l->pend[i].deadline;
    if (job->ending && job->abandon_at > 0 && (next == 0 || job->abandon_at < next)) next = job->abandon_at;
    if (l->linger_until > 0 && (next == 0 || l->linger_until < next)) next = l->linger_until;
    return next;
}

void mpprun_remote_timers(struct mpprun_job *job, double now)
{
    struct mpprun_listen *l = job->listen;
    if (!l) return;
    for (int i = l->npend - 1; i >= 0; i--)
        if (now >= l->pend[i].deadline) drop_pending(job, i, "did not prove the job secret in time");
    if (job->connect_by > 0 && now >= job->connect_by) {
        job->connect_by = 0;
        for (int h = 0; h < job->nhosts; h++)
            if (job->hosts[h].state == HOST_LAUNCHING)
                mpprun_fail(job, 1, "mpprun: host %s: its proxy did not connect within %g s (launch agent: %s)",
                            job->hosts[h].name, proxy_timeout(), l->agent);
        stop_listening(job);
    }
    /* Ending, and a proxy did not report its ranks gone in time: cut it off. Its agent dies, the
     * proxy sees the connection close and kills what is left. */
    if (job->ending && job->abandon_at > 0 && now >= job->abandon_at && job->kill_at == 0) {
        for (int h = 0; h < job->nhosts; h++) {
            struct mpprun_hostent *e = &job->hosts[h];
            if (e->state != HOST_RUNNING || !e->nalive) continue;
            if (e->agent > 0) kill(-e->agent, SIGKILL);
            close_host(job, h);
        }
    }
    if (job->nalive == 0 && l->linger_until == 0) l->linger_until = now + LINGER;
    if (l->linger_until > 0 && now >= l->linger_until)
        for (int h = 0; h < job->nhosts; h++)
            if (job->hosts[h].state == HOST_RUNNING) close_host(job, h);
}

int mpprun_remote_busy(const struct mpprun_job *job)
{
    for (int h = 0; h < job->nhosts; h++)
        if (job->hosts[h].state == HOST_RUNNING) return 1;
    return 0;
}

/* The agent `pid` has ended: no host waits for it any more (one srun serves several hosts). */
static void forget_agent(struct mpprun_job *job, pid_t pid, int status)
{
    for (int h = 0; h < job->nhosts; h++)
        if (job->hosts[h].agent == pid) {
            job->hosts[h].agent = 0;
            job->hosts[h].agent_status = status;
        }
}

void mpprun_remote_finish(struct mpprun_job *job)
{
    if (!job->listen) return;
    stop_listening(job);
    for (int h = 0; h < job->nhosts; h++)
        if (job->hosts[h].fd >= 0) close_host(job, h);
    /* The proxies are gone or going: give their agents a moment to notice, then stop them. */
    double until = mpprun_now() + LINGER;
    for (;;) {
        int left = 0;
        for (int h = 0; h < job->nhosts; h++) {
            struct mpprun_hostent *e = &job->hosts[h];
            pid_t pid = e->agent;
            int status;
            if (pid > 0 && waitpid(pid, &status, WNOHANG) == pid) forget_agent(job, pid, status);
            left += e->agent > 0;
        }
        if (!left || mpprun_now() >= until) break;
        usleep(5000);
    }
    for (int h = 0; h < job->nhosts; h++) {
        struct mpprun_hostent *e = &job->hosts[h];
        pid_t pid = e->agent;
        if (pid <= 0) continue;
        kill(-pid, SIGKILL);
        int status = 0;
        waitpid(pid, &status, 0);
        forget_agent(job, pid, status);
    }
    free(job->listen);
    job->listen = NULL;
}
