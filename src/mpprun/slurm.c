/* mpprun inside a Slurm allocation: the allocation's nodes and task counts become the host list
 * (as if given with --hosts), and the proxies start with srun. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/slurm_list.h"
#include "mpprun.h"

#define SLURM_NODES_MAX 65536

static int fail(char *err, size_t errlen, const char *what, const char *value)
{
    snprintf(err, errlen, "inside Slurm job %s: cannot read %s='%.200s'; give the hosts with --hosts",
             getenv("SLURM_JOB_ID"), what, value);
    return -1;
}

int mpprun_slurm_hosts(struct mpprun_opts *o, char *err, size_t errlen)
{
    const char *nodelist = getenv("SLURM_JOB_NODELIST"), *tasks = getenv("SLURM_TASKS_PER_NODE");
    if (!getenv("SLURM_JOB_ID") || !nodelist || o->nhosts || o->simulate_nodes) return 0;
    char **names = calloc(SLURM_NODES_MAX, sizeof *names);
    int *slots = calloc(SLURM_NODES_MAX, sizeof *slots);
    char *spec = NULL;
    int rc = -1, nodes = names && slots ? mp_slurm_nodelist(nodelist, names, SLURM_NODES_MAX) : -1;
    if (nodes < 1 || nodes > SLURM_NODES_MAX) {
        fail(err, errlen, "SLURM_JOB_NODELIST", nodelist);
        goto out;
    }
    /* Without a task count per node (an allocation by nodes only), each node's cores. */
    if (tasks && mp_slurm_tasks_per_node(tasks, slots, nodes) != nodes) {
        fail(err, errlen, "SLURM_TASKS_PER_NODE", tasks);
        goto out;
    }
    size_t len = 1;
    for (int i = 0; i < nodes; i++) len += strlen(names[i]) + 16;
    spec = malloc(len);
    if (!spec) {
        snprintf(err, errlen, "out of memory for the host list");
        goto out;
    }
    size_t used = 0;
    for (int i = 0; i < nodes; i++) {
        used += (size_t)snprintf(spec + used, len - used, "%s%s", i ? "," : "", names[i]);
        if (slots[i]) used += (size_t)snprintf(spec + used, len - used, ":%d", slots[i]);
    }
    rc = mpprun_parse_hosts(spec, o, err, errlen) < 0 ? -1 : 1;
    o->slurm = rc > 0;
out:
    for (int i = 0; names && i < nodes && i < SLURM_NODES_MAX; i++) free(names[i]);
    free(names);
    free(slots);
    free(spec);
    return rc;
}
