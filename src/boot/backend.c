/* What the process-manager back ends share (boot_backend.h). */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/boot_backend.h"
#include "boot/slurm_list.h"

#define NODES_MAX 65536

void *mp_boot_load(const struct mp_boot_lib *lib, const struct mp_boot_sym *syms, size_t nsyms)
{
    void *h = NULL;
    for (size_t i = 0; i < sizeof lib->files / sizeof lib->files[0] && lib->files[i] && !h; i++)
        h = dlopen(lib->files[i], RTLD_NOW);
    if (!h) {
        fprintf(stderr,
                "msgpass: bootstrap: this rank was started with %s (%s is set) but %s cannot be loaded (%s); "
                "install %s on the compute nodes\n",
                lib->manager, lib->env, lib->files[0], dlerror(), lib->package);
        return NULL;
    }
    for (size_t i = 0; i < nsyms; i++) {
        *syms[i].fn = dlsym(h, syms[i].name);
        if (!*syms[i].fn) {
            fprintf(stderr, "msgpass: bootstrap: %s lacks %s\n", lib->files[0], syms[i].name);
            dlclose(h);
            return NULL;
        }
    }
    return h;
}

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
