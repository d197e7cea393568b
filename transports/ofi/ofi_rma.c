/* libfabric transport: single-copy rendezvous. The sender exposes its buffer (a registration
 * with remote read access), the receiver pulls the message with fi_read straight into its own
 * buffer, then the engine sends FIN and the sender lets the registration go.
 *
 * Registrations go through a cache, so a buffer sent again (the common case: the same arrays
 * every iteration) reuses its registration instead of a system call each time:
 *  - an entry covers whole pages and serves any range inside them;
 *  - an entry in use (a message exposed or read through it) is counted and never closed: its key
 *    and descriptor stay valid until the peer's FIN;
 *  - entries no message uses stay open, at most MSGPASS_OFI_MR_CACHE of them, the least recently
 *    used closed first.
 * Memory freed and handed out again at the same address is the classic hazard of keeping unused
 * registrations. Providers that resolve a registered range through its virtual address at the
 * moment of access (tcp and shm copy with the CPU or process_vm_readv) read whatever is mapped
 * there then, so a stale entry is harmless. Providers that pin pages (hardware NICs) would read
 * the old pages: for them no unused entry is kept by default (registrations live while in use)
 * and re-registration is left to the provider's own cache, which watches for unmapped memory;
 * a program that never frees buffers it sends may ask for caching with MSGPASS_OFI_MR_CACHE. */
#include <sched.h>
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
/* One access set for every entry, so one registration serves a buffer both ways. */
#define OFI_MR_ACCESS (FI_READ | FI_REMOTE_READ)

struct mr_entry {
    struct mr_entry *prev, *next; /* most recently used first */
    uintptr_t base;
    size_t len;
    struct fid_mr *mr;
    unsigned users;
};

static struct {
    struct mr_entry *head, *tail;
    size_t idle, idle_max; /* entries without users, and how many may stay open */
    size_t page;
    unsigned long regs, reuses, reads;
} cache;

static void unlink_entry(struct mr_entry *e)
{
    *(e->prev ? &e->prev->next : &cache.head) = e->next;
    *(e->next ? &e->next->prev : &cache.tail) = e->prev;
}

static void push_front(struct mr_entry *e)
{
    e->prev = NULL;
    e->next = cache.head;
    *(cache.head ? &cache.head->prev : &cache.tail) = e;
    cache.head = e;
}

static void entry_close(struct mr_entry *e)
{
    unlink_entry(e);
    fi_close(&e->mr->fid);
    free(e);
}

static struct mr_entry *entry_open(uintptr_t base, size_t len)
{
    struct mr_entry *e = calloc(1, sizeof *e);
    if (!e) return NULL;
    uint64_t mode = mp_ofi.info->domain_attr->mr_mode;
    int rc = fi_mr_reg(mp_ofi.domain, (void *)base, len, OFI_MR_ACCESS, 0, mp_ofi_mr_key(), 0, &e->mr, NULL);
    if (rc) {
        mp_ofi_fail("fi_mr_reg", rc);
        free(e);
        return NULL;
    }
    /* With FI_MR_ENDPOINT the key is valid, and may only be asked for, once bound and enabled. */
    if ((mode & FI_MR_ENDPOINT) && ((rc = fi_mr_bind(e->mr, &mp_ofi.ep->fid, 0)) || (rc = fi_mr_enable(e->mr)))) {
        mp_ofi_fail("fi_mr_bind/fi_mr_enable", rc);
        fi_close(&e->mr->fid);
        free(e);
        return NULL;
    }
    e->base = base;
    e->len = len;
    cache.regs++;
    return e;
}

/* A registration covering [buf, buf + len), one more user counted; NULL on failure. */
static struct mr_entry *mr_get(const void *buf, size_t len)
{
    uintptr_t start = (uintptr_t)buf & ~(uintptr_t)(cache.page - 1);
    uintptr_t end = ((uintptr_t)buf + len + cache.page - 1) & ~(uintptr_t)(cache.page - 1);
    struct mr_entry *e;
    for (e = cache.head; e; e = e->next)
        if (e->base <= start && e->base + e->len >= end) break;
    if (e) {
        cache.reuses++;
        if (e->users++ == 0) cache.idle--;
        unlink_entry(e);
    } else {
        if (!(e = entry_open(start, (size_t)(end - start)))) return NULL;
        e->users = 1;
    }
    push_front(e);
    return e;
}

static void mr_put(struct mr_entry *e)
{
    if (--e->users) return;
    cache.idle++;
    while (cache.idle > cache.idle_max) {
        struct mr_entry *victim = cache.tail;
        while (victim->users) victim = victim->prev;
        entry_close(victim);
        cache.idle--;
    }
}

/* Providers known to reach registered memory through its virtual address when they access it. */
static int resolves_at_access(const char *prov)
{
    static const char *const soft[] = {"tcp", "shm", "sockets", "udp"};
    for (size_t i = 0; i < sizeof soft / sizeof soft[0]; i++) {
        size_t n = strlen(soft[i]);
        if (!strncmp(prov, soft[i], n) && (prov[n] == '\0' || prov[n] == ';')) return 1;
    }
    return 0;
}

int mp_ofi_rma_init(void)
{
    const char *prov = mp_ofi.info->fabric_attr->prov_name;
    long dflt = resolves_at_access(prov) ? OFI_MR_CACHE_DEFAULT : 0;
    long want = mp_env_long("MSGPASS_OFI_MR_CACHE", dflt);
    cache.idle_max = want < 0 ? 0 : (size_t)want;
    long page = sysconf(_SC_PAGESIZE);
    cache.page = page > 0 ? (size_t)page : 4096;
    MP_INFO("ofi: registration cache keeps up to %zu unused registrations%s", cache.idle_max,
            dflt ? "" : " (the provider may pin pages: its own cache handles reuse)");
    return MPI_SUCCESS;
}

void mp_ofi_rma_finalize(void)
{
    MP_INFO("ofi: %lu rendezvous reads, %lu registrations, %lu reused from the cache", cache.reads, cache.regs,
            cache.reuses);
    while (cache.head) entry_close(cache.head);
    memset(&cache, 0, sizeof cache);
}

int mp_ofi_mem_expose(const void *buf, size_t len, uint64_t *key, uint64_t *raddr, void **handle)
{
    struct mr_entry *e = mr_get(buf, len);
    if (!e) return MPI_ERR_OTHER;
    *key = fi_mr_key(e->mr);
    if (*key == FI_KEY_NOTAVAIL) { /* a raw key (FI_MR_RAW), which we did not ask for */
        mr_put(e);
        return MPI_ERR_OTHER;
    }
    /* Without FI_MR_VIRT_ADDR the peer names bytes by their offset in the registration. */
    *raddr = (mp_ofi.info->domain_attr->mr_mode & FI_MR_VIRT_ADDR) ? (uint64_t)(uintptr_t)buf
                                                                   : (uint64_t)((uintptr_t)buf - e->base);
    *handle = e;
    return MPI_SUCCESS;
}

void mp_ofi_mem_release(void *handle)
{
    mr_put(handle);
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
        if (!(local = mr_get(dst, len))) return MPI_ERR_OTHER;
        desc = fi_mr_desc(local->mr);
    }
    size_t max = mp_ofi.info->ep_attr->max_msg_size;
    mp_ofi.read_peer = peer;
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
    cache.reads++;
    if (local) mr_put(local);
    return rc;
}
