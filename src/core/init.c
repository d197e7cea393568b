/* Start-up: bootstrap, host map, transports, predefined objects. Shut-down in reverse. */
#include "core/init.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "boot/boot.h"
#include "collectives/coll.h"
#include "core/comm.h"
#include "core/datatype.h"
#include "core/hang.h"
#include "core/log.h"
#include "core/mp.h"
#include "core/request.h"
#include "p2p/idle.h"
#include "p2p/p2p.h"

struct mp_state mp_g = {.world_size = 1};

/* Publishes this host's name and cpu count ("name,cpus") and gives every rank a host index (ranks
 * with equal host names share one), from which the transports learn who is local. Every rank
 * also learns whether any host of the job is oversubscribed: choices that must agree job-wide
 * (the collective algorithms) depend on that, not on this host alone. */
static int map_hosts(int cpus, int **host_of_out)
{
    char key[MP_BOOT_KEY_MAX], val[MP_BOOT_VAL_MAX], mine[MP_BOOT_VAL_MAX];
    int n = mp_g.world_size;
    snprintf(key, sizeof key, "host-%d", mp_g.world_rank);
    snprintf(mine, sizeof mine, "%s,%d", mp_g.hostname, cpus);
    int rc = mp_boot_put(key, mine);
    if (rc == MPI_SUCCESS) rc = mp_boot_fence();
    if (rc != MPI_SUCCESS) return rc;
    char(*names)[MP_BOOT_VAL_MAX] = malloc((size_t)n * MP_BOOT_VAL_MAX);
    int *host_of = malloc(sizeof(int) * (size_t)n);
    int *ranks_on = calloc((size_t)n, sizeof(int)), *cpus_on = calloc((size_t)n, sizeof(int));
    if (!names || !host_of || !ranks_on || !cpus_on) {
        free(names);
        free(host_of);
        free(ranks_on);
        free(cpus_on);
        return MPI_ERR_NO_MEM;
    }
    int hosts = 0;
    for (int r = 0; r < n && rc == MPI_SUCCESS; r++) {
        snprintf(key, sizeof key, "host-%d", r);
        rc = r == mp_g.world_rank ? MPI_SUCCESS : mp_boot_get(key, val, sizeof val);
        if (rc != MPI_SUCCESS) break;
        char *name = r == mp_g.world_rank ? mine : val;
        char *comma = strrchr(name, ',');
        int host_cpus = comma ? atoi(comma + 1) : 1;
        if (comma) *comma = '\0';
        host_of[r] = -1;
        for (int q = 0; q < r; q++)
            if (!strcmp(names[q], name)) {
                host_of[r] = host_of[q];
                break;
            }
        if (host_of[r] < 0) host_of[r] = hosts++;
        snprintf(names[r], MP_BOOT_VAL_MAX, "%s", name);
        ranks_on[host_of[r]]++;
        if (host_cpus > cpus_on[host_of[r]]) cpus_on[host_of[r]] = host_cpus;
    }
    free(names);
    if (rc == MPI_SUCCESS) {
        mp_g.local_size = 0;
        for (int r = 0; r < n; r++) {
            if (host_of[r] != host_of[mp_g.world_rank]) continue;
            if (r == mp_g.world_rank) mp_g.local_rank = mp_g.local_size;
            mp_g.local_size++;
        }
        mp_g.oversubscribed = mp_g.local_size > cpus;
        mp_g.nhosts = hosts;
        for (int h = 0; h < hosts; h++) mp_g.job_oversubscribed |= ranks_on[h] > cpus_on[h];
    }
    free(ranks_on);
    free(cpus_on);
    if (rc != MPI_SUCCESS) {
        free(host_of);
        return rc;
    }
    *host_of_out = host_of;
    return MPI_SUCCESS;
}

static int count_cpus(const struct mp_boot_info *boot)
{
    if (boot->cpus > 0) return boot->cpus;
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) return CPU_COUNT(&set);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

int mp_init(int required, int *provided)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    mp_g.wtime_base = (double)ts.tv_sec;
    mp_log_init();
    struct mp_boot_info boot;
    int rc = mp_boot_init(&boot);
    if (rc != MPI_SUCCESS) return rc;
    mp_g.world_rank = boot.rank;
    mp_g.world_size = boot.size;
    snprintf(mp_g.jobid, sizeof mp_g.jobid, "%s", boot.jobid);
    mp_hang_enter("MPI_Init");
    mp_hang_init(boot.rank, boot.jobid);
    const char *node = getenv("MSGPASS_HOSTNAME"); /* mpprun --simulate-nodes: a pretend node */
    if (node && *node)
        snprintf(mp_g.hostname, sizeof mp_g.hostname, "%s", node);
    else if (gethostname(mp_g.hostname, sizeof mp_g.hostname) != 0)
        snprintf(mp_g.hostname, sizeof mp_g.hostname, "localhost");
    mp_g.hostname[sizeof mp_g.hostname - 1] = '\0';

    int *host_of = NULL;
    int cpus = count_cpus(&boot);
    rc = map_hosts(cpus, &host_of);
    if (rc != MPI_SUCCESS) return rc;
    mp_idle_init();
    MP_INFO("rank %d of %d on %s (%d of %d ranks on this host, %d cpus%s)", mp_g.world_rank, mp_g.world_size,
            mp_g.hostname, mp_g.local_rank, mp_g.local_size, cpus, mp_g.oversubscribed ? ", oversubscribed" : "");

    mp_dtype_init();
    rc = mp_p2p_init(host_of);
    if (rc != MPI_SUCCESS) {
        free(host_of);
        return rc;
    }
    mp_g.host_of = host_of; /* communicators derive their node groups from it */
    rc = mp_comm_init();
    if (rc != MPI_SUCCESS) return rc;
    /* No locks anywhere: any thread may call, one at a time. */
    *provided = required < MPI_THREAD_SERIALIZED ? required : MPI_THREAD_SERIALIZED;
    if (*provided < MPI_THREAD_SINGLE) *provided = MPI_THREAD_SINGLE;
    mp_g.thread_level = *provided;
    mp_g.initialized = 1;
    mp_hang_started();
    return MPI_SUCCESS;
}

int mp_finalize(void)
{
    /* Nobody leaves while a peer may still send to it. */
    int rc = mp_barrier(mp_comm_get(MPI_COMM_WORLD));
    mp_comm_finalize();
    free(mp_g.host_of);
    mp_g.host_of = NULL;
    mp_p2p_finalize();
    mp_req_pool_finalize();
    mp_dtype_finalize();
    mp_g.finalized = 1;
    mp_hang_finalize();
    mp_boot_finalize();
    return rc;
}
