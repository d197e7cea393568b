/* Bootstrap through Slurm's PMI-2 (srun --mpi=pmi2): rank, size and the key-value exchange come
 * from libpmi2, loaded at run time so that neither building nor running outside Slurm needs it.
 * The prototypes are those of the PMI-2 API (Slurm's pmi2.h, MPICH's pmi2.h). */
#include "boot/boot_backend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/slurm_list.h"
#include "mpi.h"

#define PMI2_OK 0
#define PMI2_ANY_SOURCE (-1) /* PMI2_ID_NULL: a key from whichever rank put it */
#define PMI2_KEY_MAX 64
#define PMI2_JOBID_MAX 64

static struct {
    void *lib;
    int (*init)(int *spawned, int *size, int *rank, int *appnum);
    int (*finalize)(void);
    int (*abort_job)(int flag, const char msg[]);
    int (*job_getid)(char jobid[], int jobid_size);
    int (*kvs_put)(const char key[], const char value[]);
    int (*kvs_fence)(void);
    int (*kvs_get)(const char *jobid, int src, const char key[], char value[], int maxvalue, int *vallen);
    char jobid[PMI2_JOBID_MAX];
} pmi2;

static int fail(const char *what, int code)
{
    fprintf(stderr, "msgpass: bootstrap (Slurm PMI-2): %s failed (PMI-2 error %d)\n", what, code);
    return MPI_ERR_OTHER;
}

static int detect(void)
{
    return getenv("PMI_FD") != NULL && getenv("PMI_RANK") != NULL;
}

static int load(void)
{
    static const struct mp_boot_lib lib = {
        {"libpmi2.so.0", "libpmi2.so"}, "Slurm's PMI-2", "PMI_FD", "Slurm's libpmi2 (Debian: libpmi2-0)"};
    const struct mp_boot_sym syms[] = {
        {"PMI2_Init", (void **)&pmi2.init},       {"PMI2_Finalize", (void **)&pmi2.finalize},
        {"PMI2_Abort", (void **)&pmi2.abort_job}, {"PMI2_Job_GetId", (void **)&pmi2.job_getid},
        {"PMI2_KVS_Put", (void **)&pmi2.kvs_put}, {"PMI2_KVS_Fence", (void **)&pmi2.kvs_fence},
        {"PMI2_KVS_Get", (void **)&pmi2.kvs_get}};
    pmi2.lib = mp_boot_load(&lib, syms, sizeof syms / sizeof syms[0]);
    return pmi2.lib ? MPI_SUCCESS : MPI_ERR_OTHER;
}

static int init(struct mp_boot_info *info)
{
    int rc = load();
    if (rc != MPI_SUCCESS) return rc;
    int spawned = 0, size = 0, rank = -1, appnum = 0;
    if ((rc = pmi2.init(&spawned, &size, &rank, &appnum)) != PMI2_OK) return fail("PMI2_Init", rc);
    if (size < 1 || rank < 0 || rank >= size) {
        fprintf(stderr, "msgpass: bootstrap (Slurm PMI-2): PMI2_Init gave rank %d of %d\n", rank, size);
        return MPI_ERR_OTHER;
    }
    if ((rc = pmi2.job_getid(pmi2.jobid, sizeof pmi2.jobid)) != PMI2_OK) return fail("PMI2_Job_GetId", rc);
    info->rank = rank;
    info->size = size;
    info->singleton = 0;
    mp_boot_slurm_local(info);
    mp_boot_set_jobid(info, "slurm-", pmi2.jobid);
    return MPI_SUCCESS;
}

static int put(const char *key, const char *value)
{
    if (strlen(key) >= PMI2_KEY_MAX) {
        fprintf(stderr, "msgpass: bootstrap (Slurm PMI-2): key '%s' is longer than PMI-2 allows (%d)\n", key,
                PMI2_KEY_MAX - 1);
        return MPI_ERR_INTERN;
    }
    int rc = pmi2.kvs_put(key, value);
    return rc == PMI2_OK ? MPI_SUCCESS : fail("PMI2_KVS_Put", rc);
}

static int fence(void)
{
    int rc = pmi2.kvs_fence();
    return rc == PMI2_OK ? MPI_SUCCESS : fail("PMI2_KVS_Fence", rc);
}

static int get(const char *key, char *value, size_t len)
{
    int got = 0;
    int rc = pmi2.kvs_get(pmi2.jobid, PMI2_ANY_SOURCE, key, value, (int)len, &got);
    if (rc != PMI2_OK || got < 0) return MPI_ERR_OTHER;
    return MPI_SUCCESS;
}

static void finalize(void)
{
    pmi2.finalize();
}

_Noreturn static void abort_all(int code, const char *msg)
{
    fprintf(stderr, "msgpass: %s\n", msg);
    fflush(stderr);
    pmi2.abort_job(1, msg);
    exit(code);
}

const struct mp_boot_backend mp_boot_pmi2 = {detect, init, put, fence, get, finalize, abort_all};
