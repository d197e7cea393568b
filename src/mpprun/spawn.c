/* Starting the ranks: program lookup, job id, pipes and bootstrap sockets, CPU binding, exec. */
#include <errno.h>
#include <fcntl.h>
#include <hwloc.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mpprun.h"

/* 0 when `path` is an executable regular file; else an errno value. */
static int check_exec(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0) return errno;
    if (S_ISDIR(st.st_mode)) return EISDIR;
    if (!S_ISREG(st.st_mode)) return EACCES;
    if (access(path, X_OK) < 0) return errno;
    return 0;
}

int mpprun_resolve_program(const char *prog, char *path, size_t pathlen, char *err, size_t errlen)
{
    if (!*prog) {
        snprintf(err, errlen, "mpprun: empty PROGRAM name");
        return -1;
    }
    if (strchr(prog, '/')) {
        int e = check_exec(prog);
        if (e) {
            snprintf(err, errlen, "mpprun: %s: %s", prog,
                     e == EACCES ? "not executable (Permission denied)" : strerror(e));
            return -1;
        }
        if (strlen(prog) >= pathlen) {
            snprintf(err, errlen, "mpprun: %s: path too long", prog);
            return -1;
        }
        strcpy(path, prog);
        return 0;
    }
    const char *p = getenv("PATH");
    if (!p) p = "/usr/local/bin:/usr/bin:/bin";
    int saw_eacces = 0;
    for (;;) {
        const char *colon = strchr(p, ':');
        size_t dlen = colon ? (size_t)(colon - p) : strlen(p);
        int n = dlen ? snprintf(path, pathlen, "%.*s/%s", (int)dlen, p, prog) : snprintf(path, pathlen, "%s", prog);
        if (n > 0 && (size_t)n < pathlen) {
            int e = check_exec(path);
            if (!e) return 0;
            if (e == EACCES) saw_eacces = 1;
        }
        if (!colon) break;
        p = colon + 1;
    }
    snprintf(err, errlen, "mpprun: %s: %s", prog,
             saw_eacces ? "not executable (Permission denied)" : "command not found (not in PATH)");
    return -1;
}

void mpprun_make_jobid(char *buf, size_t len)
{
    uint64_t rnd = 0;
    if (getrandom(&rnd, sizeof rnd, GRND_NONBLOCK) != (ssize_t)sizeof rnd) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        rnd = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^ ((uint64_t)getpid() << 40);
    }
    /* fixed width: no job id is a prefix of another */
    snprintf(buf, len, "%ldx%016llx", (long)getpid(), (unsigned long long)rnd);
}

void mpprun_set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0) fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* Everything a child needs between fork and exec. */
struct child_plan {
    const char *path;
    char **argv;
    const sigset_t *sigmask;
    pid_t parent;
    hwloc_topology_t topo;
    hwloc_obj_t core; /* NULL: no binding */
    int in_fd;        /* -1: /dev/null */
    int out_fd, err_fd, boot_fd;
    int nenv;
    const char *env_name[12];
    char env[12][80];
};

/* Marks every descriptor above 2 close-on-exec. */
static void close_inherited_fds(void)
{
#ifdef CLOSE_RANGE_CLOEXEC
    if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
#endif
    long max = sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 65536) max = 65536;
    for (int fd = 3; fd < max; fd++) fcntl(fd, F_SETFD, FD_CLOEXEC);
}

static _Noreturn void child_exec(const struct child_plan *c)
{
    struct sigaction dfl = {.sa_handler = SIG_DFL};
    sigaction(SIGPIPE, &dfl, NULL);
    sigprocmask(SIG_SETMASK, c->sigmask, NULL);
    setpgid(0, 0);
    /* Die with mpprun; if it already died, getppid() changed. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != c->parent) _exit(MPPRUN_EXIT_NOEXEC);
    int in = c->in_fd >= 0 ? c->in_fd : open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (in < 0 || dup2(in, 0) < 0 || dup2(c->out_fd, 1) < 0 || dup2(c->err_fd, 2) < 0) _exit(MPPRUN_EXIT_NOEXEC);
    /* Descriptors mpprun inherited stay with mpprun; the rank gets stdio and the bootstrap socket. */
    close_inherited_fds();
    if (fcntl(c->boot_fd, F_SETFD, 0) < 0) _exit(MPPRUN_EXIT_NOEXEC);
    for (int i = 0; i < c->nenv; i++) {
        if (setenv(c->env_name[i], c->env[i], 1) < 0) {
            dprintf(2, "mpprun: cannot set %s: %s\n", c->env_name[i], strerror(errno));
            _exit(MPPRUN_EXIT_NOEXEC);
        }
    }
    if (c->core && hwloc_set_cpubind(c->topo, c->core->cpuset, HWLOC_CPUBIND_PROCESS) < 0)
        dprintf(2, "mpprun: warning: cannot bind to core %u: %s\n", c->core->logical_index, strerror(errno));
    execv(c->path, c->argv);
    dprintf(2, "mpprun: cannot execute %s: %s\n", c->path, strerror(errno));
    _exit(MPPRUN_EXIT_NOEXEC);
}

/* Makes sure `need` descriptors can be open at once. */
static int raise_fd_limit(long need)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0) return 0;
    if ((long)rl.rlim_cur >= need) return 0;
    if (rl.rlim_max != RLIM_INFINITY && (long)rl.rlim_max < need) return -1;
    rl.rlim_cur = (rlim_t)need;
    return setrlimit(RLIMIT_NOFILE, &rl);
}

static void abort_spawn(struct mpprun_job *job, int host)
{
    for (int i = 0; i < job->n; i++)
        if (job->ranks[i].host == host && job->ranks[i].pid > 0) kill(job->ranks[i].pid, SIGKILL);
    for (int i = 0; i < job->n; i++) {
        struct mpprun_rank *r = &job->ranks[i];
        if (r->host != host || r->pid <= 0) continue;
        waitpid(r->pid, NULL, 0);
        r->pid = 0;
        r->alive = 0;
    }
}

static void add_env(struct child_plan *c, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void add_env(struct child_plan *c, const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->env[c->nenv], sizeof c->env[c->nenv], fmt, ap);
    va_end(ap);
    c->env_name[c->nenv++] = name;
}

int mpprun_spawn(struct mpprun_job *job, int host, const char *path, char **argv, enum mpprun_bind bind,
                 const void *orig_sigmask)
{
    int n = 0;
    for (int i = 0; i < job->n; i++) n += job->ranks[i].host == host;
    if (raise_fd_limit(4L * n + 64) < 0) {
        fprintf(stderr,
                "mpprun: %d ranks need about %ld open files, more than this shell allows (ulimit -n); "
                "raise the limit or run fewer ranks\n",
                n, 4L * n + 64);
        return -1;
    }

    cpu_set_t set;
    int cpus = 0;
    if (sched_getaffinity(0, sizeof set, &set) == 0) cpus = CPU_COUNT(&set);

    hwloc_topology_t topo = NULL;
    int ncores = 0;
    if (bind != MPPRUN_BIND_NONE) {
        if (hwloc_topology_init(&topo) == 0 && hwloc_topology_load(topo) == 0) {
            ncores = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
            if (ncores <= 0) ncores = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
        } else {
            fprintf(stderr, "mpprun: warning: hwloc cannot read the topology; not binding ranks\n");
        }
        if (bind == MPPRUN_BIND_DEFAULT && n > ncores) ncores = 0; /* oversubscribed: no binding */
        if (bind == MPPRUN_BIND_CORE && ncores <= 0)
            fprintf(stderr, "mpprun: warning: no cores found; --bind-to core ignored\n");
    }
    hwloc_obj_type_t core_type =
        topo && hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE) > 0 ? HWLOC_OBJ_CORE : HWLOC_OBJ_PU;

    pid_t self = getpid();
    int rc = 0, started = 0;
    for (int idx = 0; idx < job->n; idx++) {
        struct mpprun_rank *r = &job->ranks[idx];
        if (r->host != host) continue;
        int i = started; /* position among this host's ranks: the core it gets */
        int out[2] = {-1, -1}, err[2] = {-1, -1}, sv[2] = {-1, -1}, in[2] = {-1, -1};
        if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0 ||
            socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 || (r->rank == 0 && pipe2(in, O_CLOEXEC) < 0)) {
            fprintf(stderr, "mpprun: cannot create pipes for rank %d: %s\n", r->rank, strerror(errno));
            rc = -1;
        }
        struct child_plan c = {.path = path,
                               .argv = argv,
                               .sigmask = orig_sigmask,
                               .parent = self,
                               .topo = topo,
                               .core =
                                   ncores > 0 ? hwloc_get_obj_by_type(topo, core_type, (unsigned)(i % ncores)) : NULL,
                               .in_fd = in[0],
                               .out_fd = out[1],
                               .err_fd = err[1],
                               .boot_fd = sv[1]};
        add_env(&c, "MSGPASS_BOOT_FD", "%d", sv[1]);
        add_env(&c, "MSGPASS_RANK", "%d", r->rank);
        add_env(&c, "MSGPASS_SIZE", "%d", job->size);
        add_env(&c, "MSGPASS_JOBID", "%s", job->jobid);
        add_env(&c, "MSGPASS_LOCAL_RANK", "%d", r->local_rank);
        add_env(&c, "MSGPASS_LOCAL_SIZE", "%d", r->local_size);
        add_env(&c, "MSGPASS_CPUS", "%d", cpus);
        add_env(&c, MPPRUN_SECRET_ENV, "%s", job->secret_hex);
        if (r->node_env) add_env(&c, "MSGPASS_HOSTNAME", "%s", r->node_env);
        /* PSM libraries that libfabric loads turn a crash into exit(1) after a backtrace, hiding
         * the signal from mpprun (exit code 128+signal) */
        if (!getenv("IPATH_NO_BACKTRACE")) add_env(&c, "IPATH_NO_BACKTRACE", "1");
        if (!getenv("HFI_NO_BACKTRACE")) add_env(&c, "HFI_NO_BACKTRACE", "1");
        pid_t pid = rc ? -1 : fork();
        if (pid == 0) child_exec(&c);
        if (pid > 0) mpprun_reaper_add(job, pid);
        if (!rc && pid < 0) {
            fprintf(stderr, "mpprun: cannot start rank %d: %s\n", r->rank, strerror(errno));
            rc = -1;
        }
        /* our ends stay, the child's ends go */
        if (out[1] >= 0) close(out[1]);
        if (err[1] >= 0) close(err[1]);
        if (sv[1] >= 0) close(sv[1]);
        if (in[0] >= 0) close(in[0]);
        if (rc) {
            int fds[4] = {out[0], err[0], sv[0], in[1]};
            for (int k = 0; k < 4; k++)
                if (fds[k] >= 0) close(fds[k]);
            break;
        }
        setpgid(pid, pid); /* also in the child: whichever runs first */
        started++;
        r->pid = pid;
        r->alive = 1;
        mpprun_set_nonblock(out[0]);
        mpprun_set_nonblock(err[0]);
        mpprun_set_nonblock(sv[0]);
        mpprun_stream_init(&r->out, out[0], 1, r->rank, r->out.buf);
        mpprun_stream_init(&r->err, err[0], 2, r->rank, r->err.buf);
        r->boot_fd = sv[0];
        if (r->rank == 0) {
            mpprun_set_nonblock(in[1]);
            job->stdin_pipe = in[1];
        }
    }
    if (topo) hwloc_topology_destroy(topo);
    if (rc) {
        abort_spawn(job, host);
        return -1;
    }
    job->nalive += n;
    return 0;
}
