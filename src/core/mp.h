/* Internal definitions shared by every layer of libmsgpass. Internal symbols use the mp_ prefix. */
#ifndef MP_CORE_H
#define MP_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "mpi.h"

#define MP_LIKELY(x) __builtin_expect(!!(x), 1)
#define MP_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define MP_CACHELINE 64
#define MP_TAG_UB 0x7fffffff
#define MP_ALIGNED __attribute__((aligned(MP_CACHELINE)))

struct mp_state {
    int initialized;
    int finalized;
    int thread_level;
    int world_rank;
    int world_size;
    int local_rank;         /* rank among the processes on this host */
    int local_size;         /* processes of the job on this host */
    int oversubscribed;     /* more ranks on this host than cpus: wait by yielding/sleeping early */
    int job_oversubscribed; /* some host of the job is: the same on every rank */
    char hostname[MPI_MAX_PROCESSOR_NAME];
    char jobid[64];
    double wtime_base;
};
extern struct mp_state mp_g;

#endif
