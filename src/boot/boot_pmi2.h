/* The Slurm PMI-2 back end of the bootstrap (boot.h): the same operations, for ranks that srun
 * started with --mpi=pmi2. Each returns an MPI error class. */
#ifndef MP_BOOT_PMI2_H
#define MP_BOOT_PMI2_H

#include <stddef.h>

#include "boot/boot.h"

/* Whether srun's PMI-2 plugin started this process (PMI_FD and PMI_RANK are set). */
int mp_pmi2_detect(void);
int mp_pmi2_init(struct mp_boot_info *info);
int mp_pmi2_put(const char *key, const char *value);
int mp_pmi2_fence(void);
int mp_pmi2_get(const char *key, char *value, size_t len);
void mp_pmi2_finalize(void);
_Noreturn void mp_pmi2_abort(int code, const char *msg);

#endif
