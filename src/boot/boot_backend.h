/* The process-manager back ends of the bootstrap (boot.h): ranks that Slurm's srun started, with
 * PMIx (--mpi=pmix) or PMI-2 (--mpi=pmi2). Each loads its library at run time, so that neither
 * building nor running outside Slurm needs it. The operations are those of boot.h and return an
 * MPI error class. */
#ifndef MP_BOOT_BACKEND_H
#define MP_BOOT_BACKEND_H

#include <stddef.h>

#include "boot/boot.h"

struct mp_boot_backend {
    int (*detect)(void); /* whether the process manager started this process (its env vars) */
    int (*init)(struct mp_boot_info *info);
    int (*put)(const char *key, const char *value);
    int (*fence)(void);
    int (*get)(const char *key, char *value, size_t len);
    void (*finalize)(void);
    void (*abort)(int code, const char *msg); /* does not return */
};

extern const struct mp_boot_backend mp_boot_pmix;
extern const struct mp_boot_backend mp_boot_pmi2;

/* info->jobid from the process manager's job name: `prefix` then `raw`, with every character
 * that is not safe in a file name replaced by '_'. */
void mp_boot_set_jobid(struct mp_boot_info *info, const char *prefix, const char *raw);

/* A process-manager library: the file names dlopen tries in turn, and the functions to resolve. */
struct mp_boot_sym {
    const char *name;
    void **fn;
};
struct mp_boot_lib {
    const char *files[2];
    const char *manager; /* "PMIx", for messages */
    const char *env;     /* the variable that showed the manager started us */
    const char *package; /* what to install (Debian's package) */
};

/* Loads `lib` and resolves every symbol. Returns the handle, or NULL after saying on stderr what
 * is missing and what to install. */
void *mp_boot_load(const struct mp_boot_lib *lib, const struct mp_boot_sym *syms, size_t nsyms);

/* info->local_size and info->cpus from the environment srun gives its tasks. */
void mp_boot_slurm_local(struct mp_boot_info *info);

#endif
