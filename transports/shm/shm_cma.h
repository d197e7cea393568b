/* Cross-memory attach (process_vm_readv / process_vm_writev): copying straight between two
 * processes' memory, one copy, no intermediate buffer. The kernel may forbid it (ptrace rules,
 * containers, seccomp), so every rank probes it at start-up against a real peer. */
#ifndef MP_SHM_CMA_H
#define MP_SHM_CMA_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* What a rank publishes in its segment so peers can probe it. */
struct mp_cma_probe {
    uint64_t pid;
    uint64_t addr; /* a word holding MP_CMA_MAGIC, readable and writable by peers */
    uint64_t ok;   /* this rank's own probes succeeded (written before the second fence) */
};

void mp_cma_publish(struct mp_cma_probe *mine);
/* 1 when this process can read from and write to the peer described by `peer`. */
int mp_cma_probe(const struct mp_cma_probe *peer);
/* Copy `len` bytes; return MPI_SUCCESS or MPI_ERR_OTHER (with a warning naming the errno). */
int mp_cma_get(pid_t pid, void *dst, uint64_t src, size_t len);
int mp_cma_put(pid_t pid, uint64_t dst, const void *src, size_t len);

#endif
