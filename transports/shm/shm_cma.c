#include "transports/shm/shm_cma.h"

#include <errno.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "core/log.h"

#define MP_CMA_MAGIC 0x636d612d70726f62ull /* "cma-prob" */

static volatile uint64_t probe_word = MP_CMA_MAGIC;

void mp_cma_publish(struct mp_cma_probe *mine)
{
    mine->pid = (uint64_t)getpid();
    mine->addr = (uint64_t)(uintptr_t)&probe_word;
    mine->ok = 0;
}

int mp_cma_probe(const struct mp_cma_probe *peer)
{
    uint64_t value = 0;
    struct iovec local = {&value, sizeof value};
    struct iovec remote = {(void *)(uintptr_t)peer->addr, sizeof value};
    ssize_t n = process_vm_readv((pid_t)peer->pid, &local, 1, &remote, 1, 0);
    if (n != (ssize_t)sizeof value || value != MP_CMA_MAGIC) {
        MP_INFO("shm: single copy unavailable: process_vm_readv from pid %llu: %s", (unsigned long long)peer->pid,
                n < 0 ? strerror(errno) : "wrong data");
        return 0;
    }
    /* Write the magic back: the same value, so concurrent probes of one peer cannot disturb it. */
    n = process_vm_writev((pid_t)peer->pid, &local, 1, &remote, 1, 0);
    if (n != (ssize_t)sizeof value) {
        MP_INFO("shm: single copy unavailable: process_vm_writev to pid %llu: %s", (unsigned long long)peer->pid,
                n < 0 ? strerror(errno) : "short write");
        return 0;
    }
    return 1;
}

/* The kernel may copy less than asked (page boundaries, signals): go on until all is copied. */
static int cma_copy(pid_t pid, char *local, uint64_t remote, size_t len, int write)
{
    while (len > 0) {
        struct iovec l = {local, len};
        struct iovec r = {(void *)(uintptr_t)remote, len};
        ssize_t n = write ? process_vm_writev(pid, &l, 1, &r, 1, 0) : process_vm_readv(pid, &l, 1, &r, 1, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            MP_WARN("shm: process_vm_%s of %zu bytes with pid %d failed: %s", write ? "writev" : "readv", len, (int)pid,
                    n < 0 ? strerror(errno) : "no progress");
            return MPI_ERR_OTHER;
        }
        local += n;
        remote += (uint64_t)n;
        len -= (size_t)n;
    }
    return MPI_SUCCESS;
}

int mp_cma_get(pid_t pid, void *dst, uint64_t src, size_t len)
{
    return cma_copy(pid, dst, src, len, 0);
}

int mp_cma_put(pid_t pid, uint64_t dst, const void *src, size_t len)
{
    return cma_copy(pid, (char *)src, dst, len, 1);
}
