/* Shared-memory transport: every rank owns one segment holding a ring per local sender
 * (transports/shm/shm_ring.h). Senders write straight into the receiver's segment; the receiver
 * polls its rings and hands each entry to the engine in place (no copy on receive).
 *
 * Segments are named /msgpass-<jobid>-<rank> and unlinked as soon as every rank has mapped them,
 * so a crash after start-up leaves nothing in /dev/shm. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "boot/boot.h"
#include "core/log.h"
#include "core/params.h"
#include "transports/shm/shm_cma.h"
#include "transports/shm/shm_ring.h"
#include "transports/tl.h"

#define SHM_MAGIC 0x6d73677061737331ull /* "msgpass1" */
#define SHM_DEFAULT_RING 65536u
#define SHM_DEFAULT_RING_CROWDED 16384u /* when many ranks share the host */
#define SHM_CROWDED 16
#define SHM_DEFAULT_CMA_MIN 65536u
#define SHM_DEFAULT_GET_SHARE 50u

struct shm_seg_hdr {
    uint64_t magic;
    uint64_t ring_size;
    uint64_t nlocal;
    struct mp_cma_probe cma;
    char pad[16];
};
_Static_assert(sizeof(struct shm_seg_hdr) == 64, "segment header must keep the rings cache-line aligned");

static struct {
    int rank;
    int nlocal;
    int *local_of; /* world rank -> local index, -1 for another host */
    int *world_of; /* local index -> world rank */
    size_t ring_size;
    size_t seg_size;
    unsigned char *my_seg;
    unsigned char **segs;  /* local index -> mapped segment */
    struct mp_ring_tx *tx; /* world rank -> ring into that peer's segment */
    struct mp_ring_rx *rx; /* local index -> ring from that peer in my segment */
    void (*on_recv)(int peer, const void *hdr, const void *payload, size_t len);
    int cma;           /* single copy allowed by configuration and by this rank's probes */
    pid_t *pid_of;     /* local index -> pid */
    uint8_t *cma_with; /* local index -> single copy works both ways with that peer */
    char name[128];
} shm;

static struct mp_ring_shared *seg_ring(unsigned char *seg, int index)
{
    return (struct mp_ring_shared *)(void *)(seg + sizeof(struct shm_seg_hdr) +
                                             (size_t)index * mp_ring_footprint(shm.ring_size));
}

static void seg_name(char *buf, size_t len, const char *jobid, int rank)
{
    snprintf(buf, len, "/msgpass-%s-%d", jobid, rank);
}

static size_t choose_ring_size(int nlocal)
{
    size_t def = nlocal > SHM_CROWDED ? SHM_DEFAULT_RING_CROWDED : SHM_DEFAULT_RING;
    size_t size = mp_env_size("MSGPASS_SHM_RING_SIZE", def);
    if (size < 4096 || (size & (size - 1))) {
        MP_WARN("MSGPASS_SHM_RING_SIZE=%zu must be a power of two >= 4096; using %zu", size, def);
        size = def;
    }
    return size;
}

static int create_own_segment(const char *jobid)
{
    struct statvfs vfs;
    if (statvfs("/dev/shm", &vfs) == 0) {
        unsigned long long avail = (unsigned long long)vfs.f_bavail * vfs.f_frsize;
        if (avail < shm.seg_size) {
            mp_log(MP_LOG_WARN,
                   "shm: /dev/shm has %llu bytes free, this rank needs %zu (the %d ranks of this host %zu); "
                   "free space in /dev/shm (remove stale files), make it larger, or lower "
                   "MSGPASS_SHM_RING_SIZE (mpprun --doctor checks)",
                   avail, shm.seg_size, shm.nlocal, shm.seg_size * (size_t)shm.nlocal);
            return MPI_ERR_NO_MEM;
        }
    }
    seg_name(shm.name, sizeof shm.name, jobid, shm.rank);
    int fd = shm_open(shm.name, O_CREAT | O_EXCL | O_RDWR, 0600);
    if (fd < 0) {
        mp_log(MP_LOG_WARN, "shm: cannot create %s: %s", shm.name, strerror(errno));
        return MPI_ERR_OTHER;
    }
    /* Reserve the pages now: on a tmpfs that fills up later, touching an unreserved page of a
     * mapping is a SIGBUS in the middle of a send instead of an error here. */
    int err = posix_fallocate(fd, 0, (off_t)shm.seg_size);
    if (err == EINVAL || err == EOPNOTSUPP) err = ftruncate(fd, (off_t)shm.seg_size) != 0 ? errno : 0;
    if (err) {
        mp_log(MP_LOG_WARN,
               "shm: cannot reserve %zu bytes for %s in /dev/shm: %s; the %d ranks of this host need %zu bytes "
               "there: free space in /dev/shm (remove stale files), make it larger, or lower "
               "MSGPASS_SHM_RING_SIZE (mpprun --doctor checks)",
               shm.seg_size, shm.name, strerror(err), shm.nlocal, shm.seg_size * (size_t)shm.nlocal);
        close(fd);
        shm_unlink(shm.name);
        return MPI_ERR_NO_MEM;
    }
    void *p = mmap(NULL, shm.seg_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (p == MAP_FAILED) {
        shm_unlink(shm.name);
        return MPI_ERR_NO_MEM;
    }
    shm.my_seg = p;
    struct shm_seg_hdr *h = p;
    h->ring_size = shm.ring_size;
    h->nlocal = (uint64_t)shm.nlocal;
    mp_cma_publish(&h->cma);
    __atomic_store_n(&h->magic, SHM_MAGIC, __ATOMIC_RELEASE);
    return MPI_SUCCESS;
}

static int map_peer_segment(const char *jobid, int local)
{
    char name[128];
    seg_name(name, sizeof name, jobid, shm.world_of[local]);
    int fd = shm_open(name, O_RDWR, 0);
    if (fd < 0 && errno == ENOENT) {
        mp_log(MP_LOG_WARN, "shm: rank %d has no segment %s: it could not create one (see its message)",
               shm.world_of[local], name);
        return MPI_ERR_OTHER;
    }
    if (fd < 0) {
        mp_log(MP_LOG_WARN, "shm: cannot open rank %d's segment %s: %s", shm.world_of[local], name, strerror(errno));
        return MPI_ERR_OTHER;
    }
    void *p = mmap(NULL, shm.seg_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (p == MAP_FAILED) return MPI_ERR_NO_MEM;
    const struct shm_seg_hdr *h = p;
    if (h->magic != SHM_MAGIC || h->ring_size != shm.ring_size || h->nlocal != (uint64_t)shm.nlocal) {
        mp_log(MP_LOG_WARN,
               "shm: segment of rank %d does not match this rank's layout (check that every rank "
               "has the same MSGPASS_SHM_RING_SIZE)",
               shm.world_of[local]);
        munmap(p, shm.seg_size);
        return MPI_ERR_OTHER;
    }
    shm.segs[local] = p;
    return MPI_SUCCESS;
}

/* Tries single copy with every local peer and publishes the verdict for them (read after the
 * next fence). One failure turns it off for this rank: the kernel's rules are per host. */
static void probe_cma(void)
{
    struct shm_seg_hdr *mine = (struct shm_seg_hdr *)(void *)shm.my_seg;
    for (int i = 0; shm.cma && i < shm.nlocal; i++) {
        const struct shm_seg_hdr *h = (const struct shm_seg_hdr *)(void *)shm.segs[i];
        if (!mp_cma_probe(&h->cma)) shm.cma = 0;
    }
    __atomic_store_n(&mine->cma.ok, (uint64_t)shm.cma, __ATOMIC_RELEASE);
}

static int shm_rma_ok(int peer)
{
    return shm.cma_with[shm.local_of[peer]];
}

static int shm_get(int peer, void *dst, uint64_t remote_src, uint64_t key, size_t len)
{
    (void)key; /* cross-memory attach needs none */
    return mp_cma_get(shm.pid_of[shm.local_of[peer]], dst, remote_src, len);
}

static int shm_put(int peer, uint64_t remote_dst, const void *src, size_t len)
{
    return mp_cma_put(shm.pid_of[shm.local_of[peer]], remote_dst, src, len);
}

static int shm_init(const struct mp_tl_peers *peers, const struct mp_tl_upcalls *up)
{
    shm.rank = peers->rank;
    shm.on_recv = up->recv;
    shm.local_of = malloc(sizeof(int) * (size_t)peers->size);
    shm.world_of = malloc(sizeof(int) * (size_t)peers->size);
    shm.tx = calloc((size_t)peers->size, sizeof *shm.tx);
    if (!shm.local_of || !shm.world_of || !shm.tx) return MPI_ERR_NO_MEM;
    int my_host = peers->host_of[peers->rank];
    shm.nlocal = 0;
    for (int r = 0; r < peers->size; r++) {
        shm.local_of[r] = -1;
        if (peers->host_of[r] == my_host) {
            shm.local_of[r] = shm.nlocal;
            shm.world_of[shm.nlocal++] = r;
        }
    }
    shm.ring_size = choose_ring_size(shm.nlocal);
    shm.seg_size = sizeof(struct shm_seg_hdr) + (size_t)shm.nlocal * mp_ring_footprint(shm.ring_size);
    shm.segs = calloc((size_t)shm.nlocal, sizeof *shm.segs);
    shm.rx = calloc((size_t)shm.nlocal, sizeof *shm.rx);
    shm.pid_of = calloc((size_t)shm.nlocal, sizeof *shm.pid_of);
    shm.cma_with = calloc((size_t)shm.nlocal, sizeof *shm.cma_with);
    if (!shm.segs || !shm.rx || !shm.pid_of || !shm.cma_with) return MPI_ERR_NO_MEM;
    shm.cma = mp_env_long("MSGPASS_SHM_CMA", 1) != 0;

    int rc = create_own_segment(peers->jobid);
    /* Every rank reaches both fences even after a local failure, so no rank waits forever. */
    int rc_fence = mp_boot_fence();
    for (int i = 0; rc == MPI_SUCCESS && i < shm.nlocal; i++) rc = map_peer_segment(peers->jobid, i);
    if (rc == MPI_SUCCESS) probe_cma();
    if (rc_fence == MPI_SUCCESS) rc_fence = mp_boot_fence();
    if (shm.my_seg) shm_unlink(shm.name);
    if (rc != MPI_SUCCESS) return rc;
    if (rc_fence != MPI_SUCCESS) return rc_fence;

    int me = shm.local_of[shm.rank];
    int cma_peers = 0;
    for (int i = 0; i < shm.nlocal; i++) {
        const struct shm_seg_hdr *h = (const struct shm_seg_hdr *)(void *)shm.segs[i];
        shm.pid_of[i] = (pid_t)h->cma.pid;
        shm.cma_with[i] = shm.cma && __atomic_load_n(&h->cma.ok, __ATOMIC_ACQUIRE);
        cma_peers += shm.cma_with[i];
    }
    for (int i = 0; i < shm.nlocal; i++) {
        mp_ring_rx_init(&shm.rx[i], seg_ring(shm.my_seg, i), shm.ring_size);
        if (mp_ring_tx_init(&shm.tx[shm.world_of[i]], seg_ring(shm.segs[i], me), shm.ring_size) != 0)
            return MPI_ERR_NO_MEM;
    }
    mp_tl_shm.frag_max = mp_ring_max_payload(shm.ring_size) - MP_TL_HDR_SIZE;
    size_t eager_def = shm.ring_size / 4 < mp_tl_shm.frag_max ? shm.ring_size / 4 : mp_tl_shm.frag_max;
    mp_tl_shm.eager_max = mp_env_size("MSGPASS_SHM_EAGER_MAX", eager_def);
    if (mp_tl_shm.eager_max > mp_tl_shm.frag_max) {
        MP_WARN("MSGPASS_SHM_EAGER_MAX=%zu exceeds what one ring entry holds (%zu); using %zu", mp_tl_shm.eager_max,
                mp_tl_shm.frag_max, mp_tl_shm.frag_max);
        mp_tl_shm.eager_max = mp_tl_shm.frag_max;
    }
    mp_tl_shm.rma_min = mp_env_size("MSGPASS_SHM_CMA_MIN", SHM_DEFAULT_CMA_MIN);
    if (mp_tl_shm.rma_min <= mp_tl_shm.eager_max) mp_tl_shm.rma_min = mp_tl_shm.eager_max + 1;
    mp_tl_shm.rma_get_share = (unsigned)mp_env_long("MSGPASS_SHM_CMA_GET_SHARE", SHM_DEFAULT_GET_SHARE);
    if (mp_tl_shm.rma_get_share > 100) mp_tl_shm.rma_get_share = 100;
    MP_INFO("shm: %d ranks on this host, ring %zu bytes per pair, eager up to %zu bytes, segment %zu bytes", shm.nlocal,
            shm.ring_size, mp_tl_shm.eager_max, shm.seg_size);
    if (cma_peers)
        MP_INFO("shm: single copy (process_vm_readv/writev) with %d of %d local ranks for messages of %zu bytes "
                "and more; the receiver copies %u%%, the sender the rest",
                cma_peers, shm.nlocal, mp_tl_shm.rma_min, mp_tl_shm.rma_get_share);
    else
        MP_INFO("shm: messages above %zu bytes stream through the ring in fragments (%s)", mp_tl_shm.eager_max,
                shm.cma ? "single copy not permitted here" : "MSGPASS_SHM_CMA=0");
    return MPI_SUCCESS;
}

static void shm_finalize(void)
{
    if (shm.segs) {
        for (int i = 0; i < shm.nlocal; i++) {
            if (shm.segs[i]) munmap(shm.segs[i], shm.seg_size);
            mp_ring_tx_destroy(&shm.tx[shm.world_of[i]]);
        }
    }
    if (shm.my_seg) munmap(shm.my_seg, shm.seg_size);
    free(shm.segs);
    free(shm.rx);
    free(shm.pid_of);
    free(shm.cma_with);
    free(shm.tx);
    free(shm.local_of);
    free(shm.world_of);
    memset(&shm, 0, sizeof shm);
}

static int shm_reachable(int peer)
{
    return shm.local_of && shm.local_of[peer] >= 0;
}

static int shm_send(int peer, const void *hdr, const struct iovec *iov, int iovcnt)
{
    size_t len = MP_TL_HDR_SIZE;
    for (int i = 0; i < iovcnt; i++) len += iov[i].iov_len;
    struct mp_ring_tx *tx = &shm.tx[peer];
    unsigned char *p = mp_ring_reserve(tx, len);
    if (MP_UNLIKELY(!p)) return MP_TL_AGAIN;
    memcpy(p, hdr, MP_TL_HDR_SIZE);
    p += MP_TL_HDR_SIZE;
    for (int i = 0; i < iovcnt; i++) {
        memcpy(p, iov[i].iov_base, iov[i].iov_len);
        p += iov[i].iov_len;
    }
    mp_ring_commit(tx, len);
    return MP_TL_OK;
}

/* At most this many entries per ring per call, so one busy sender cannot starve the others. */
#define SHM_POLL_BATCH 16

static int shm_progress(void)
{
    int events = 0;
    for (int i = 0; i < shm.nlocal; i++) {
        struct mp_ring_rx *rx = &shm.rx[i];
        size_t len;
        const unsigned char *p;
        for (int n = 0; n < SHM_POLL_BATCH && (p = mp_ring_peek(rx, &len)) != NULL; n++) {
            shm.on_recv(shm.world_of[i], p, p + MP_TL_HDR_SIZE, len - MP_TL_HDR_SIZE);
            mp_ring_consume(rx, len);
            events++;
        }
    }
    return events;
}

struct mp_tl_ops mp_tl_shm = {
    .name = "shm",
    .init = shm_init,
    .finalize = shm_finalize,
    .reachable = shm_reachable,
    .send = shm_send,
    .progress = shm_progress,
    .rma_ok = shm_rma_ok,
    .get = shm_get,
    .put = shm_put,
};
