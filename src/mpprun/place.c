/* Where the ranks go: the host list from --hosts/--hostfile, slots, and --simulate-nodes. */
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mpprun.h"

static int cpus_here(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return CPU_COUNT(&set);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

/* Adds `name` (merging repeats: their slots add up). Returns its index or -1. */
static int add_host(struct mpprun_job *job, const char *name, int local, int slots)
{
    for (int h = 0; h < job->nhosts; h++) {
        struct mpprun_hostent *e = &job->hosts[h];
        if ((local && e->state == HOST_LOCAL) || (!local && e->state != HOST_LOCAL && !strcmp(e->name, name))) {
            e->slots = e->slots > INT_MAX - slots ? INT_MAX : e->slots + slots;
            return h;
        }
    }
    struct mpprun_hostent *e = &job->hosts[job->nhosts];
    memset(e, 0, sizeof *e);
    e->name = strdup(name);
    if (!e->name) return -1;
    e->slots = slots;
    e->state = local ? HOST_LOCAL : HOST_LAUNCHING;
    e->fd = -1;
    return job->nhosts++;
}

/* Rank i of n on node k of K, blocks of sizes differing by at most one. */
static int node_of(int i, int n, int k_nodes)
{
    int base = n / k_nodes, extra = n % k_nodes;
    int cut = extra * (base + 1);
    return i < cut ? i / (base + 1) : extra + (i - cut) / base;
}

static int simulate(struct mpprun_job *job, int k_nodes, const char *self)
{
    job->node_names = calloc((size_t)k_nodes, sizeof *job->node_names);
    if (!job->node_names) return -1;
    job->nnodes = k_nodes;
    for (int k = 0; k < k_nodes; k++) {
        size_t len = strlen(self) + 32;
        job->node_names[k] = malloc(len);
        if (!job->node_names[k]) return -1;
        snprintf(job->node_names[k], len, "%s-node%d", self, k);
    }
    int base = job->n / k_nodes, extra = job->n % k_nodes;
    for (int i = 0; i < job->n; i++) {
        int k = node_of(i, job->n, k_nodes);
        struct mpprun_rank *r = &job->ranks[i];
        r->local_rank = i - (k * base + (k < extra ? k : extra));
        r->local_size = base + (k < extra);
        r->where = r->node_env = job->node_names[k];
    }
    return 0;
}

int mpprun_place(struct mpprun_job *job, const struct mpprun_opts *o, char *err, size_t errlen)
{
    char self[HOST_NAME_MAX + 1] = "";
    if (gethostname(self, sizeof self) < 0 || !self[0]) snprintf(self, sizeof self, "localhost");
    self[HOST_NAME_MAX] = '\0';
    job->hosts = calloc((size_t)(o->nhosts ? o->nhosts : 1), sizeof *job->hosts);
    if (!job->hosts) goto oom;
    if (o->nhosts == 0 && add_host(job, self, 1, cpus_here()) < 0) goto oom;
    for (int i = 0; i < o->nhosts; i++) {
        /* In a batch script (on the allocation's first node) Slurm names that node for us. */
        const char *node = o->slurm ? getenv("SLURMD_NODENAME") : NULL;
        int local = mpprun_host_is_local(o->hosts[i].name, self) || (node && !strcmp(node, o->hosts[i].name));
        int slots = o->hosts[i].slots ? o->hosts[i].slots : local ? cpus_here() : 1;
        if (add_host(job, local ? self : o->hosts[i].name, local, slots) < 0) goto oom;
    }
    /* Host by host up to each one's slots; when all are full, round again (oversubscribing). */
    int h = 0, used = 0;
    for (int i = 0; i < job->n; i++) {
        while (used >= job->hosts[h].slots) {
            h = (h + 1) % job->nhosts;
            used = 0;
        }
        job->ranks[i].host = h;
        job->hosts[h].nranks++;
        used++;
    }
    /* Hosts left without ranks get no proxy; the others list their ranks. */
    int keep = 0;
    for (int k = 0; k < job->nhosts; k++) {
        struct mpprun_hostent *e = &job->hosts[k];
        if (!e->nranks) {
            free(e->name);
            continue;
        }
        for (int i = 0; i < job->n; i++)
            if (job->ranks[i].host == k) job->ranks[i].host = keep;
        job->hosts[keep++] = *e;
    }
    job->nhosts = keep;
    job->nremote = 0;
    for (int k = 0; k < job->nhosts; k++) {
        struct mpprun_hostent *e = &job->hosts[k];
        e->ranks = malloc((size_t)e->nranks * sizeof *e->ranks);
        if (!e->ranks) goto oom;
        e->nalive = e->nranks;
        e->nranks = 0;
        if (e->state != HOST_LOCAL) job->nremote++;
    }
    for (int i = 0; i < job->n; i++) {
        struct mpprun_rank *r = &job->ranks[i];
        struct mpprun_hostent *e = &job->hosts[r->host];
        r->local_rank = e->nranks;
        e->ranks[e->nranks++] = i;
        r->where = e->name;
    }
    for (int i = 0; i < job->n; i++) job->ranks[i].local_size = job->hosts[job->ranks[i].host].nranks;
    if (o->simulate_nodes) {
        if (job->nremote) {
            snprintf(err, errlen,
                     "option '--simulate-nodes' pretends this host is several; it cannot be used with "
                     "other hosts in --hosts/--hostfile");
            return -1;
        }
        if (simulate(job, o->simulate_nodes, self) < 0) goto oom;
    }
    return 0;
oom:
    snprintf(err, errlen, "out of memory for the host list");
    return -1;
}

void mpprun_hosts_free(struct mpprun_job *job)
{
    for (int h = 0; h < job->nhosts; h++) {
        free(job->hosts[h].name);
        free(job->hosts[h].ranks);
        free(job->hosts[h].in);
        mpprun_wbuf_free(&job->hosts[h].out);
    }
    free(job->hosts);
    job->hosts = NULL;
    job->nhosts = 0;
    for (int k = 0; k < job->nnodes; k++) free(job->node_names[k]);
    free(job->node_names);
    job->node_names = NULL;
    job->nnodes = 0;
}
