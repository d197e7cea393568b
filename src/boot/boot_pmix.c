/* Bootstrap through PMIx (srun --mpi=pmix, or any PMIx server): rank, size and the key-value
 * exchange come from libpmix, loaded at run time so that neither building nor running elsewhere
 * needs it. The few types below are the fixed PMIx ABI (pmix_common.h of OpenPMIx 2 to 5): only
 * the members read or written here are spelled out, the unions keep their full size. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/boot_backend.h"
#include "mpi.h"

#define PMIX_SUCCESS 0
#define PMIX_MAX_NSLEN 255
#define PMIX_MAX_KEYLEN 511
#define PMIX_RANK_WILDCARD (UINT32_MAX - 1)
#define PMIX_GLOBAL 3 /* pmix_scope_t: visible to every process of the job */
enum { PMIX_BOOL = 1, PMIX_STRING = 3, PMIX_INT = 6, PMIX_UINT16 = 13, PMIX_UINT32 = 14 };

typedef struct {
    char nspace[PMIX_MAX_NSLEN + 1];
    uint32_t rank;
} pmix_proc_t;

typedef struct {
    uint16_t type;
    union {
        bool flag;
        char *string;
        int integer;
        uint16_t uint16;
        uint32_t uint32;
        uint64_t size[3]; /* the largest members: the union's size */
    } data;
} pmix_value_t;

typedef struct {
    char key[PMIX_MAX_KEYLEN + 1];
    uint32_t flags;
    pmix_value_t value;
} pmix_info_t;

static struct {
    void *lib;
    int (*init)(pmix_proc_t *proc, pmix_info_t info[], size_t ninfo);
    int (*finalize)(const pmix_info_t info[], size_t ninfo);
    int (*abort_job)(int status, const char msg[], pmix_proc_t procs[], size_t nprocs);
    int (*put)(uint8_t scope, const char key[], pmix_value_t *val);
    int (*commit)(void);
    int (*fence)(const pmix_proc_t procs[], size_t nprocs, const pmix_info_t info[], size_t ninfo);
    int (*get)(const pmix_proc_t *proc, const char key[], const pmix_info_t info[], size_t ninfo, pmix_value_t **val);
    const char *(*error_string)(int status);
    pmix_proc_t me;
    int size;
} pmix;

static int fail(const char *what, int code)
{
    fprintf(stderr, "msgpass: bootstrap (PMIx): %s failed: %s (PMIx status %d)\n", what, pmix.error_string(code), code);
    return MPI_ERR_OTHER;
}

static int detect(void)
{
    return getenv("PMIX_RANK") != NULL && getenv("PMIX_NAMESPACE") != NULL;
}

static int load(void)
{
    static const struct mp_boot_lib lib = {
        {"libpmix.so.2", "libpmix.so"}, "PMIx", "PMIX_RANK", "the PMIx library (Debian: libpmix2)"};
    const struct mp_boot_sym syms[] = {
        {"PMIx_Init", (void **)&pmix.init},       {"PMIx_Finalize", (void **)&pmix.finalize},
        {"PMIx_Abort", (void **)&pmix.abort_job}, {"PMIx_Put", (void **)&pmix.put},
        {"PMIx_Commit", (void **)&pmix.commit},   {"PMIx_Fence", (void **)&pmix.fence},
        {"PMIx_Get", (void **)&pmix.get},         {"PMIx_Error_string", (void **)&pmix.error_string}};
    pmix.lib = mp_boot_load(&lib, syms, sizeof syms / sizeof syms[0]);
    return pmix.lib ? MPI_SUCCESS : MPI_ERR_OTHER;
}

static void value_free(pmix_value_t *v)
{
    if (v->type == PMIX_STRING) free(v->data.string);
    free(v);
}

static pmix_info_t flag_info(const char *key)
{
    pmix_info_t info;
    memset(&info, 0, sizeof info);
    snprintf(info.key, sizeof info.key, "%s", key);
    info.value.type = PMIX_BOOL;
    info.value.data.flag = true;
    return info;
}

/* A job-level number such as "pmix.job.size"; -1 when absent or not a number. */
static long job_number(const char *key)
{
    pmix_proc_t job = pmix.me;
    job.rank = PMIX_RANK_WILDCARD;
    pmix_value_t *v = NULL;
    if (pmix.get(&job, key, NULL, 0, &v) != PMIX_SUCCESS || !v) return -1;
    long n = v->type == PMIX_UINT32   ? (long)v->data.uint32
             : v->type == PMIX_UINT16 ? (long)v->data.uint16
             : v->type == PMIX_INT    ? (long)v->data.integer
                                      : -1;
    value_free(v);
    return n;
}

static int init(struct mp_boot_info *info)
{
    int rc = load();
    if (rc != MPI_SUCCESS) return rc;
    if ((rc = pmix.init(&pmix.me, NULL, 0)) != PMIX_SUCCESS) return fail("PMIx_Init", rc);
    long size = job_number("pmix.job.size");
    if (size < 1 || size > INT32_MAX || pmix.me.rank >= (uint32_t)size) {
        fprintf(stderr, "msgpass: bootstrap (PMIx): PMIx_Init gave rank %u of %ld in namespace %s\n", pmix.me.rank,
                size, pmix.me.nspace);
        return MPI_ERR_OTHER;
    }
    pmix.size = (int)size;
    info->rank = (int)pmix.me.rank;
    info->size = pmix.size;
    info->singleton = 0;
    mp_boot_slurm_local(info);
    long local = job_number("pmix.local.size");
    if (local >= 1) info->local_size = (int)local;
    mp_boot_set_jobid(info, "pmix-", pmix.me.nspace);
    return MPI_SUCCESS;
}

static int put(const char *key, const char *value)
{
    pmix_value_t v;
    memset(&v, 0, sizeof v);
    v.type = PMIX_STRING;
    v.data.string = (char *)value; /* PMIx_Put copies it */
    int rc = pmix.put(PMIX_GLOBAL, key, &v);
    return rc == PMIX_SUCCESS ? MPI_SUCCESS : fail("PMIx_Put", rc);
}

static int fence(void)
{
    int rc = pmix.commit();
    if (rc != PMIX_SUCCESS) return fail("PMIx_Commit", rc);
    pmix_info_t collect = flag_info("pmix.collect"); /* every rank gets everyone's data */
    rc = pmix.fence(NULL, 0, &collect, 1);
    return rc == PMIX_SUCCESS ? MPI_SUCCESS : fail("PMIx_Fence", rc);
}

/* The rank that published `key` as a guess: our keys end in "-RANK", except job-wide ones. */
static uint32_t key_owner(const char *key)
{
    const char *dash = strrchr(key, '-');
    if (!dash || !dash[1] || strspn(dash + 1, "0123456789") != strlen(dash + 1)) return 0;
    long r = strtol(dash + 1, NULL, 10);
    return r < pmix.size ? (uint32_t)r : 0;
}

/* PMIx keys belong to the rank that put them: the likely owner is asked first, then every rank. */
static pmix_value_t *lookup(const char *key)
{
    pmix_proc_t from = pmix.me;
    pmix_value_t *v = NULL;
    /* The fence collected all data: look only here, never wait for a key nobody put. */
    pmix_info_t optional = flag_info("pmix.optional");
    uint32_t first = key_owner(key);
    from.rank = first;
    if (pmix.get(&from, key, &optional, 1, &v) == PMIX_SUCCESS && v) return v;
    for (from.rank = 0; from.rank < (uint32_t)pmix.size; from.rank++)
        if (from.rank != first && pmix.get(&from, key, &optional, 1, &v) == PMIX_SUCCESS && v) return v;
    return NULL;
}

static int get(const char *key, char *value, size_t len)
{
    pmix_value_t *v = lookup(key);
    if (!v) return MPI_ERR_OTHER;
    int rc = MPI_SUCCESS;
    if (v->type != PMIX_STRING || !v->data.string)
        rc = MPI_ERR_INTERN;
    else if (strlen(v->data.string) >= len)
        rc = MPI_ERR_TRUNCATE;
    else
        strcpy(value, v->data.string);
    value_free(v);
    return rc;
}

static void finalize(void)
{
    pmix.finalize(NULL, 0);
}

_Noreturn static void abort_all(int code, const char *msg)
{
    fprintf(stderr, "msgpass: %s\n", msg);
    fflush(stderr);
    pmix.abort_job(code, msg, NULL, 0); /* no procs: the whole namespace */
    exit(code);
}

const struct mp_boot_backend mp_boot_pmix = {detect, init, put, fence, get, finalize, abort_all};
