/* mpprun --doctor: what the job will meet on this host, checked before it meets it. */
#include "doctor.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <hwloc.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef MPPRUN_HAVE_OFI
#include <rdma/fabric.h>
#endif

#include "core/params.h"
#include "transports/shm/shm_ring.h"
#include "transports/tcp/tcp_if.h"

/* What transports/shm/shm.c lays out: a 64-byte header, then one ring per local sender. */
#define SHM_SEG_HDR 64
#define SHM_RING_DEFAULT 65536u
#define SHM_RING_CROWDED 16384u
#define SHM_CROWDED 16

enum level { OK, NOTE, PROBLEM };

struct doctor {
    FILE *out;
    int problems_only;
    int problems;
};

static void say(struct doctor *d, const char *check, enum level lv, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void say(struct doctor *d, const char *check, enum level lv, const char *fmt, ...)
{
    if (lv == PROBLEM) d->problems++;
    if (d->problems_only && lv != PROBLEM) return;
    static const char *const word[] = {"ok", "note", "problem"};
    fprintf(d->out, "mpprun: doctor: %-6s %s: ", check, word[lv]);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(d->out, fmt, ap);
    va_end(ap);
    fputc('\n', d->out);
}

static const char *human(unsigned long long bytes, char *buf, size_t len)
{
    static const char *const unit[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
    double v = (double)bytes;
    int u = 0;
    while (v >= 1024 && u < 4) {
        v /= 1024;
        u++;
    }
    snprintf(buf, len, u ? "%.1f %s" : "%.0f %s", v, unit[u]);
    return buf;
}

/* ---- /dev/shm ---- */

static size_t ring_size(int nlocal, const char **why)
{
    size_t def = nlocal > SHM_CROWDED ? SHM_RING_CROWDED : SHM_RING_DEFAULT, v;
    const char *s = getenv("MSGPASS_SHM_RING_SIZE");
    *why = nlocal > SHM_CROWDED ? "default above 16 ranks per host" : "default";
    if (!s || !*s) return def;
    if (mp_parse_size(s, &v) != 0 || v < 4096 || (v & (v - 1))) {
        *why = "MSGPASS_SHM_RING_SIZE is invalid, so the default";
        return def;
    }
    *why = "MSGPASS_SHM_RING_SIZE";
    return v;
}

static int stale_segments(unsigned long long *bytes)
{
    DIR *dir = opendir("/dev/shm");
    int n = 0;
    *bytes = 0;
    if (!dir) return 0;
    for (struct dirent *e; (e = readdir(dir));) {
        if (strncmp(e->d_name, "msgpass-", 8)) continue;
        char path[300];
        struct stat st;
        snprintf(path, sizeof path, "/dev/shm/%s", e->d_name);
        if (stat(path, &st) == 0) *bytes += (unsigned long long)st.st_blocks * 512;
        n++;
    }
    closedir(dir);
    return n;
}

static void check_shm(struct doctor *d, const struct mpprun_job *job)
{
    /* One segment per rank of this host, holding one ring per rank of its (pretend) node. */
    unsigned long long need = 0;
    int nlocal = 0, biggest = 0;
    const char *why = "";
    size_t ring = 0;
    for (int i = 0; i < job->n; i++) {
        const struct mpprun_rank *r = &job->ranks[i];
        if (job->hosts[r->host].state != HOST_LOCAL) continue;
        ring = ring_size(r->local_size, &why);
        need += SHM_SEG_HDR + (unsigned long long)r->local_size * mp_ring_footprint(ring);
        nlocal++;
        if (r->local_size > biggest) biggest = r->local_size;
    }
    if (!nlocal) return;
    char a[32], b[32], c[32];
    struct statvfs vfs;
    if (statvfs("/dev/shm", &vfs) != 0) {
        say(d, "shm", PROBLEM,
            "/dev/shm: %s; fix: mount a tmpfs there (mount -t tmpfs tmpfs /dev/shm); fallback: none, MPI_Init "
            "fails with MPI_ERR_NO_MEM or MPI_ERR_OTHER naming /dev/shm",
            strerror(errno));
        return;
    }
    unsigned long long avail = (unsigned long long)vfs.f_bavail * vfs.f_frsize;
    unsigned long long stale_bytes;
    int stale = stale_segments(&stale_bytes);
    char stale_text[160] = "";
    if (stale)
        snprintf(stale_text, sizeof stale_text,
                 " (%d msgpass-* files of other jobs hold %s: remove those of jobs "
                 "that are gone)",
                 stale, human(stale_bytes, c, sizeof c));
    if (avail < need) {
        say(d, "shm", PROBLEM,
            "/dev/shm has %s free, the %d ranks of this host need %s (rings of %zu bytes, %s, %d per rank)%s; fix: "
            "free space in /dev/shm, make it larger (mount -o remount,size=1G /dev/shm; docker run --shm-size=1g) "
            "or set MSGPASS_SHM_RING_SIZE=4096; fallback: none, MPI_Init fails with MPI_ERR_NO_MEM naming "
            "/dev/shm",
            human(avail, a, sizeof a), nlocal, human(need, b, sizeof b), ring, why, biggest, stale_text);
        return;
    }
    say(d, "shm", OK, "/dev/shm has %s free, the %d ranks of this host need %s (rings of %zu bytes, %s)%s",
        human(avail, a, sizeof a), nlocal, human(need, b, sizeof b), ring, why, stale_text);
}

/* ---- single copy ---- */

static int read_int_file(const char *path, int *v)
{
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    int ok = fscanf(f, "%d", v) == 1;
    fclose(f);
    return ok ? 0 : -1;
}

static int seccomp_mode(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    int mode = 0;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "Seccomp: %d", &mode) == 1) break;
    if (f) fclose(f);
    return mode;
}

/* As the ranks do: a sibling reads a word of another sibling with process_vm_readv. Returns 0,
 * or the errno of the failure (EIO: it read the wrong bytes). */
static int probe_cma(void)
{
    static volatile uint64_t word = 0x636d612d70726f62ull;
    int addr_pipe[2], hold[2], res_pipe[2];
    if (pipe(addr_pipe) < 0) return errno;
    if (pipe(hold) < 0 || pipe(res_pipe) < 0) {
        close(addr_pipe[0]);
        close(addr_pipe[1]);
        return EMFILE;
    }
    int err = ECHILD;
    pid_t a = fork();
    if (a == 0) { /* the process read from: stays until the parent closes `hold` */
        char c;
        uint64_t where = (uint64_t)(uintptr_t)&word;
        close(hold[1]);
        if (write(addr_pipe[1], &where, sizeof where) == (ssize_t)sizeof where)
            while (read(hold[0], &c, 1) > 0) continue;
        _exit(0);
    }
    uint64_t where = 0;
    if (a > 0 && read(addr_pipe[0], &where, sizeof where) == (ssize_t)sizeof where) {
        pid_t b = fork();
        if (b == 0) {
            uint64_t got = 0;
            struct iovec l = {&got, sizeof got}, r = {(void *)(uintptr_t)where, sizeof got};
            ssize_t n = process_vm_readv(a, &l, 1, &r, 1, 0);
            int e = n == (ssize_t)sizeof got ? (got == word ? 0 : EIO) : n < 0 ? errno : EIO;
            if (write(res_pipe[1], &e, sizeof e) != (ssize_t)sizeof e) _exit(1);
            _exit(0);
        }
        close(res_pipe[1]);
        res_pipe[1] = -1;
        if (b > 0) {
            if (read(res_pipe[0], &err, sizeof err) != (ssize_t)sizeof err) err = ECHILD;
            waitpid(b, NULL, 0);
        }
    }
    close(hold[1]);
    if (a > 0) waitpid(a, NULL, 0);
    close(hold[0]);
    close(addr_pipe[0]);
    close(addr_pipe[1]);
    close(res_pipe[0]);
    if (res_pipe[1] >= 0) close(res_pipe[1]);
    return err;
}

static void check_cma(struct doctor *d, const struct mpprun_job *job)
{
    static const char fallback[] = "fallback: large messages stream through the shm rings in fragments (one copy "
                                   "more, same results)";
    int local = 0;
    for (int h = 0; h < job->nhosts; h++)
        if (job->hosts[h].state == HOST_LOCAL) local = job->hosts[h].nranks;
    const char *off = getenv("MSGPASS_SHM_CMA");
    if (off && !strcmp(off, "0")) {
        say(d, "cma", OK, "single copy (process_vm_readv) turned off by MSGPASS_SHM_CMA=0");
        return;
    }
    int yama = -1, seccomp = seccomp_mode();
    read_int_file("/proc/sys/kernel/yama/ptrace_scope", &yama);
    char ctx[96];
    if (yama < 0)
        snprintf(ctx, sizeof ctx, "no Yama, seccomp mode %d", seccomp);
    else
        snprintf(ctx, sizeof ctx, "Yama ptrace_scope %d, seccomp mode %d", yama, seccomp);
    int err = probe_cma();
    if (!err) {
        say(d, "cma", OK, "single copy (process_vm_readv) works between sibling processes (%s)%s", ctx,
            local > 1 ? "" : "; unused with one rank on this host");
        return;
    }
    const char *fix;
    if (err == EPERM && yama >= 3)
        fix = "Yama ptrace_scope 3 can only be lowered by a reboot";
    else if (err == EPERM && yama >= 1)
        fix = "sysctl -w kernel.yama.ptrace_scope=0 (Yama lets a process read only its descendants)";
    else if (err == EPERM || err == ENOSYS)
        fix = "in a container, allow process_vm_readv: docker run --cap-add SYS_PTRACE, or a seccomp profile that "
              "permits it";
    else
        fix = "none known; set MSGPASS_SHM_CMA=0 to skip the probe";
    say(d, "cma", local > 1 ? PROBLEM : NOTE,
        "single copy (process_vm_readv) between sibling processes fails: %s (%s); fix: %s; %s",
        err == EIO ? "wrong bytes read" : strerror(err), ctx, fix, fallback);
}

/* ---- cpus ---- */

static void check_cpus(struct doctor *d, const struct mpprun_job *job)
{
    cpu_set_t set;
    int cpus = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 0;
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    int local = 0;
    for (int h = 0; h < job->nhosts; h++)
        if (job->hosts[h].state == HOST_LOCAL) local = job->hosts[h].nranks;
    if (cpus <= 0) {
        say(d, "cpus", NOTE, "sched_getaffinity: %s; fallback: ranks are not bound (--bind-to none)", strerror(errno));
        return;
    }
    char mask[64] = "";
    if (online > cpus) snprintf(mask, sizeof mask, " (of %ld online: a cpuset limits it)", online);
    if (local > cpus)
        say(d, "cpus", NOTE,
            "%d ranks on this host, %d cpus in mpprun's affinity mask%s: oversubscribed; fix: fewer ranks, or a "
            "larger cpuset / allocation; fallback: ranks are not bound, and waiting ranks yield and sleep early "
            "(MSGPASS_SPIN_POLLS 16, MSGPASS_YIELD_POLLS 64, MSGPASS_SLEEP_MAX_US 200)",
            local, cpus, mask);
    else
        say(d, "cpus", OK, "%d ranks on this host, %d cpus in mpprun's affinity mask%s", local, cpus, mask);
}

/* ---- tcp ---- */

static void check_tcp(struct doctor *d, const struct mpprun_job *job)
{
    struct ifaddrs *all;
    if (getifaddrs(&all) != 0) {
        say(d, "tcp", PROBLEM,
            "cannot list network interfaces: %s; fix: none known; fallback: none, tcp fails in "
            "MPI_Init",
            strerror(errno));
        return;
    }
    char list[512] = "";
    size_t len = 0;
    const struct ifaddrs *first_net = NULL, *first_lo = NULL;
    for (const struct ifaddrs *ifa = all; ifa; ifa = ifa->ifa_next) {
        if (!mp_tcp_if_usable(ifa)) continue;
        char ip[INET_ADDRSTRLEN];
        struct in_addr in = {htonl(mp_tcp_if_ipv4(ifa))};
        inet_ntop(AF_INET, &in, ip, sizeof ip);
        if (len < sizeof list)
            len += (size_t)snprintf(list + len, sizeof list - len, "%s%s %s", len ? ", " : "", ifa->ifa_name, ip);
        if (ifa->ifa_flags & IFF_LOOPBACK) {
            if (!first_lo) first_lo = ifa;
        } else if (!first_net) {
            first_net = ifa;
        }
    }
    int several = job->nremote > 0 || job->nnodes > 1;
    const char *spec = getenv("MSGPASS_TCP_IF");
    char bad[128] = "";
    const struct ifaddrs *pick;
    if (spec && *spec) {
        pick = mp_tcp_if_match(all, spec, bad, sizeof bad);
        if (!pick)
            say(d, "tcp", PROBLEM,
                "MSGPASS_TCP_IF=%s matches no IPv4 interface that is up%s%s (up: %s); fix: name one of those, or a "
                "CIDR block holding its address; fallback: none, ranks that need tcp (on several hosts, or with "
                "MSGPASS_TRANSPORTS=tcp) fail in MPI_Init",
                spec, *bad ? "; not a CIDR block: " : "", bad, *list ? list : "none");
        else
            say(d, "tcp", OK, "MSGPASS_TCP_IF=%s: the ranks listen on %s (up: %s)", spec, pick->ifa_name, list);
    } else if (several && !first_net) {
        say(d, "tcp", first_lo && !job->nremote ? NOTE : PROBLEM,
            "ranks on several hosts, but only loopback is up (%s); fix: bring up a network interface, or name one "
            "in MSGPASS_TCP_IF; fallback: tcp listens on loopback, which only pretend nodes on this host reach",
            *list ? list : "none");
    } else if (!first_net && !first_lo) {
        say(d, "tcp", PROBLEM,
            "no IPv4 interface is up; fix: bring up lo (ip link set lo up); fallback: none, ranks that need tcp fail "
            "in MPI_Init");
    } else {
        pick = several ? first_net : first_lo ? first_lo : first_net;
        say(d, "tcp", OK, "the ranks listen on %s (%s) (up: %s)", pick->ifa_name,
            several ? "first non-loopback interface: ranks on several hosts" : "the job is on one host", list);
    }
    freeifaddrs(all);
}

/* ---- libfabric ---- */

static int transports_want(const char *name)
{
    const char *t = getenv("MSGPASS_TRANSPORTS");
    size_t n = strlen(name);
    for (const char *p = t; p && *p;) {
        size_t len = strcspn(p, ",");
        if (len == n && !strncmp(p, name, n)) return 1;
        p += len;
        if (*p) p++;
    }
    return 0;
}

static void check_ofi(struct doctor *d)
{
    int wanted = transports_want("ofi");
    if (d->problems_only && !wanted) return; /* only a required ofi can be a problem: skip the slow query */
    const char *prov = getenv("MSGPASS_OFI_PROVIDER");
#ifdef MPPRUN_HAVE_OFI
    struct fi_info *hints = fi_allocinfo(), *list = NULL;
    if (hints) hints->ep_attr->type = FI_EP_RDM;
    int rc = hints ? fi_getinfo(FI_VERSION(1, 9), NULL, NULL, 0, hints, &list) : -FI_ENOMEM;
    fi_freeinfo(hints);
    char names[512] = "";
    size_t len = 0;
    int has_prov = 0;
    for (struct fi_info *i = rc == 0 ? list : NULL; i; i = i->next) {
        const char *p = i->fabric_attr->prov_name;
        if (!p || strstr(names, p)) continue;
        if (prov && !strcmp(prov, p)) has_prov = 1;
        if (len < sizeof names) len += (size_t)snprintf(names + len, sizeof names - len, "%s%s", len ? ", " : "", p);
    }
    if (list) fi_freeinfo(list);
    if (prov && !has_prov)
        say(d, "ofi", wanted ? PROBLEM : NOTE,
            "MSGPASS_OFI_PROVIDER=%s is not among the providers with reliable-datagram endpoints (%s); fix: pick one "
            "of those, or install the provider; fallback: %s",
            prov, *names ? names : "none", wanted ? "none, MPI_Init fails" : "tcp carries traffic between hosts");
    else if (!*names)
        say(d, "ofi", wanted ? PROBLEM : NOTE,
            "libfabric finds no provider with reliable-datagram endpoints (%s); fix: install one (apt-get install "
            "libfabric1) or check FI_PROVIDER; fallback: %s",
            rc ? fi_strerror(-rc) : "empty list",
            wanted ? "none, MPI_Init fails" : "tcp carries traffic between hosts");
    else
        say(d, "ofi", OK, "libfabric providers with reliable-datagram endpoints: %s%s", names,
            wanted ? "" : " (used when MSGPASS_TRANSPORTS names ofi)");
#else
    (void)prov;
    say(d, "ofi", wanted ? PROBLEM : OK, "this build has no libfabric support%s",
        wanted ? "; fix: rebuild with libfabric-dev installed; fallback: "
                 "none, MSGPASS_TRANSPORTS=ofi fails in MPI_Init"
               : "; tcp carries traffic between hosts");
#endif
}

/* ---- Slurm ---- */

static void check_slurm(struct doctor *d)
{
    const char *jobid = getenv("SLURM_JOB_ID"), *tasks = getenv("SLURM_STEP_NUM_TASKS");
    void *pmi2 = dlopen("libpmi2.so.0", RTLD_LAZY);
    if (!pmi2) pmi2 = dlopen("libpmi2.so", RTLD_LAZY);
    const char *lib = pmi2 ? "libpmi2 present" : "libpmi2 absent";
    if (pmi2) dlclose(pmi2);
    if (!jobid) {
        say(d, "slurm", OK, "not inside a Slurm allocation (%s)", lib);
        return;
    }
    const char *nodes = getenv("SLURM_JOB_NUM_NODES"), *ntasks = getenv("SLURM_NTASKS"),
               *cpus = getenv("SLURM_CPUS_ON_NODE");
    char what[256];
    snprintf(what, sizeof what, "Slurm job %s: %s nodes, %s tasks, %s cpus on this node", jobid, nodes ? nodes : "?",
             ntasks ? ntasks : "?", cpus ? cpus : "?");
    if (tasks && atoi(tasks) > 1 && !getenv("PMI_FD"))
        say(d, "slurm", PROBLEM,
            "%s; mpprun is one of %s tasks srun started, so each starts a job of its own; fix: run mpprun once "
            "(in the batch script, or srun -n 1), or start the program itself with srun --mpi=pmi2; fallback: "
            "none",
            what, tasks);
    else if (!pmi2)
        say(d, "slurm", NOTE,
            "%s; %s, so srun --mpi=pmi2 cannot start ranks; fix: apt-get install libpmi2-0; fallback: mpprun "
            "starts the ranks in the allocation",
            what, lib);
    else
        say(d, "slurm", OK, "%s; %s (srun --mpi=pmi2 can start ranks too)", what, lib);
}

/* ---- topology ---- */

static void check_hwloc(struct doctor *d)
{
    hwloc_topology_t topo;
    if (hwloc_topology_init(&topo) < 0 || hwloc_topology_load(topo) < 0) {
        say(d, "hwloc", NOTE, "cannot read the topology; fallback: ranks are not bound (--bind-to none)");
        return;
    }
    say(d, "hwloc", OK, "%d packages, %d NUMA nodes, %d cores, %d hardware threads",
        hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PACKAGE), hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE),
        hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE), hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU));
    hwloc_topology_destroy(topo);
}

int mpprun_doctor(const struct mpprun_job *job, int problems_only, FILE *out)
{
    struct doctor d = {out, problems_only, 0};
    check_shm(&d, job);
    if (!problems_only) check_cma(&d, job);
    check_cpus(&d, job);
    check_tcp(&d, job);
    check_ofi(&d);
    check_slurm(&d);
    if (!problems_only) check_hwloc(&d);
    fflush(out);
    return d.problems;
}
