/* What the process-manager back ends share (boot_backend.h). */
#include <stdlib.h>
#include <string.h>

#include "boot/boot_backend.h"
#include "boot/slurm_list.h"

#define NODES_MAX 65536

static size_t append_safe(char *out, size_t j, size_t len, const char *s)
{
    static const char safe[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
    for (; *s && j + 1 < len; s++) out[j++] = strchr(safe, *s) ? *s : '_';
    out[j] = '\0';
    return j;
}

void mp_boot_set_jobid(struct mp_boot_info *info, const char *prefix, const char *raw)
{
    append_safe(info->jobid, append_safe(info->jobid, 0, sizeof info->jobid, prefix), sizeof info->jobid, raw);
}

void mp_boot_slurm_local(struct mp_boot_info *info)
{
    const char *per_node = getenv("SLURM_STEP_TASKS_PER_NODE"), *node = getenv("SLURM_NODEID");
    int id = node ? atoi(node) : -1;
    info->local_size = 1;
    if (per_node && id >= 0 && id < NODES_MAX) {
        int *counts = malloc(sizeof(int) * (size_t)(id + 1));
        if (counts && mp_slurm_tasks_per_node(per_node, counts, id + 1) > id) info->local_size = counts[id];
        free(counts);
    }
    const char *cpus = getenv("SLURM_CPUS_ON_NODE");
    info->cpus = cpus ? atoi(cpus) : 0;
}
