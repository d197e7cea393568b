/* libfabric transport: single-copy rendezvous. The sender exposes its buffer (a registration
 * with remote read access), the receiver pulls the message with fi_read straight into its own
 * buffer, then the engine sends FIN.
 *
 * Registrations go through a small cache: a buffer sent again (the common case: the same arrays
 * every iteration) reuses its registration instead of a system call each time. Entries cover
 * whole pages; one that contains the asked range is reused; unused entries are closed, least
 * recently used first, when the cache is full. MSGPASS_OFI_MR_CACHE=0 registers every time. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rdma/fi_errno.h>
#include <rdma/fi_rma.h>

#include "core/log.h"
#include "core/params.h"
#include "mpi.h"
#include "transports/ofi/ofi.h"

#define OFI_MR_CACHE_DEFAULT 64

struct mr_entry {
    uintptr_t base;
    size_t len;
    uint64_t access;
    struct fid_mr *mr;
    unsigned users;
    uint64_t last_use;
};

static struct {
    struct mr_entry *entries;
    size_t cap, n;
    uint64_t clock;
    size_t page;
} cache;

static void entry_close(struct mr_entry *e)
{
    fi_close(&e->mr->fid);
    *e = cache.entries[--cache.n];
}

static int entry_open(uintptr_t base, size_t len, uint64_t access, struct mr_entry *e)
{
    struct fid_mr *mr;
    int rc = fi_mr_reg(mp_ofi.domain, (void *)base, len, access, 0, mp_ofi_mr_key(), 0, &mr, NULL);
    if (rc) return mp_ofi_fail("fi_mr_reg", rc);
    if (mp_ofi.info->domain_attr->mr_mode & FI_MR_ENDPOINT) {
        if ((rc = fi_mr_bind(mr, &mp_ofi.ep->fid, 0)) || (rc = fi_mr_enable(mr))) {
            fi_close(&mr->fid);
            return mp_ofi_fail("fi_mr_bind/fi_mr_enable", rc);
        }
    }
    *e = (struct mr_entry){.base = base, .len = len, .access = access, .mr = mr, .users = 1};
    return MPI_SUCCESS;
}

/* A registration covering [buf, buf + len) with at least `access`, one more user counted. */
static struct mr_entry *mr_get(const void *buf, size_t len, uint64_t access)
{
    uintptr_t start = (uintptr_t)buf & ~(uintptr_t)(cache.page - 1);
    uintptr_t end = ((uintptr_t)buf + len + cache.page - 1) & ~(uintptr_t)(cache.page - 1);
    for (size_t i = 0; i < cache.n; i++) {
        struct mr_entry *e = &cache.entries[i];
        if (e->base <= start && e->base + e->len >= end && (e->access & access) == access) {
            e->users++;
            e->last_use = ++cache.clock;
            return e;
        }
    }
    if (cache.n == cache.cap) {
        struct mr_entry *victim = NULL;
        for (size_t i = 0; i < cache.n; i++)
            if (!cache.entries[i].users && (!victim || cache.entries[i].last_use < victim->last_use))
                victim = &cache.entries[i];
        if (!victim) return NULL; /* every registration is in use: the caller goes without */
        entry_close(victim);
    }
    struct mr_entry *e = &cache.entries[cache.n];
    if (entry_open(start, (size_t)(end - start), access, e) != MPI_SUCCESS) return NULL;
    cache.n++;
    e->last_use = ++cache.clock;
    return e;
}

static void mr_put(struct mr_entry *e)
{
    e->users--;
    if (cache.cap == 1 && !e->users) entry_close(e); /* caching switched off */
}

int mp_ofi_rma_init(void)
{
    long want = mp_env_long("MSGPASS_OFI_MR_CACHE", OFI_MR_CACHE_DEFAULT);
    /* Without caching one entry is still needed: the registration in use. */
    cache.cap = want < 1 ? 1 : (size_t)want;
    cache.entries = calloc(cache.cap, sizeof *cache.entries);
    long page = sysconf(_SC_PAGESIZE);
    cache.page = page > 0 ? (size_t)page : 4096;
    return cache.entries ? MPI_SUCCESS : MPI_ERR_NO_MEM;
}

void mp_ofi_rma_finalize(void)
{
    while (cache.n) entry_close(&cache.entries[0]);
    free(cache.entries);
    memset(&cache, 0, sizeof cache);
}

/* Entries move within the array when others close (entry_close fills the gap), so a handle is
 * the registration itself, looked up again when it is released. */
static struct mr_entry *entry_of(struct fid_mr *mr)
{
    for (size_t i = 0; i < cache.n; i++)
        if (cache.entries[i].mr == mr) return &cache.entries[i];
    return NULL;
}

int mp_ofi_mem_expose(const void *buf, size_t len, uint64_t *key, uint64_t *raddr, void **handle)
{
    struct mr_entry *e = mr_get(buf, len, FI_REMOTE_READ);
    if (!e) return MPI_ERR_OTHER;
    *key = fi_mr_key(e->mr);
    *raddr = (mp_ofi.info->domain_attr->mr_mode & FI_MR_VIRT_ADDR) ? (uint64_t)(uintptr_t)buf
                                                                   : (uint64_t)((uintptr_t)buf - e->base);
    *handle = e->mr;
    return MPI_SUCCESS;
}

void mp_ofi_mem_release(void *handle)
{
    struct mr_entry *e = entry_of(handle);
    if (e) mr_put(e);
}

int mp_ofi_rma_ok(int peer)
{
    (void)peer;
    return (mp_ofi.info->caps & FI_RMA) != 0;
}

int mp_ofi_get(int peer, void *dst, uint64_t remote_src, uint64_t key, size_t len)
{
    struct mr_entry *local = NULL;
    void *desc = NULL;
    if (mp_ofi.info->domain_attr->mr_mode & FI_MR_LOCAL) {
        if (!(local = mr_get(dst, len, FI_READ))) return MPI_ERR_OTHER;
        desc = fi_mr_desc(local->mr);
    }
    struct fid_mr *local_mr = local ? local->mr : NULL;
    size_t max = mp_ofi.info->ep_attr->max_msg_size;
    int rc = MPI_SUCCESS;
    for (size_t off = 0; off < len && rc == MPI_SUCCESS;) {
        size_t n = len - off < max ? len - off : max;
        struct fi_context2 ctx;
        ssize_t ret;
        while ((ret = fi_read(mp_ofi.ep, (char *)dst + off, n, desc, mp_ofi.addr_of[peer], remote_src + off, key,
                              &ctx)) == -FI_EAGAIN)
            mp_ofi_poll_until(NULL);
        if (ret) {
            rc = mp_ofi_fail("fi_read", (int)ret);
            break;
        }
        rc = mp_ofi_poll_until(&ctx);
        off += n;
    }
    if (local_mr && (local = entry_of(local_mr))) mr_put(local);
    return rc;
}
