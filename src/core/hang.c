/* The rank status block (core/hang.h): mapping it, the call-name table, the snapshot written while
 * the rank sleeps in a blocking wait. */
#include "core/hang.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "core/comm.h"
#include "core/datatype.h"
#include "core/log.h"
#include "core/request.h"

static struct mp_hang_block local_blk; /* before MPI_Init, after MPI_Finalize, singletons */
struct mp_hang_block *mp_hang_blk = &local_blk;
struct mp_hang_slot mp_hang_cache[MP_HANG_CACHE];

static char path[160];
static const struct mp_request *waited;
static uint32_t waited_seq;
/* A sleeping rank rewrites its snapshot this often (a reader takes one older than
 * MP_HANG_FRESH_S as a rank that has left its wait). */
#define SNAPSHOT_NS 100000000

uint32_t mp_hang_register(const char *call)
{
    struct mp_hang_block *b = mp_hang_blk;
    uint32_t id = 0;
    for (uint32_t i = 0; i < b->nnames && !id; i++)
        if (!strncmp(b->names[i], call, MP_HANG_NAME_LEN - 1)) id = i + 1;
    if (!id && b->nnames < MP_HANG_NAMES) {
        snprintf(b->names[b->nnames], MP_HANG_NAME_LEN, "%.*s", MP_HANG_NAME_LEN - 1, call);
        id = ++b->nnames;
    }
    struct mp_hang_slot *s = &mp_hang_cache[((uintptr_t)call >> 3) & (MP_HANG_CACHE - 1)];
    s->name = call;
    s->id = id;
    return id;
}

void mp_hang_waits_for(const struct mp_request *r)
{
    waited = r;
    waited_seq = mp_hang_blk->seq;
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void name_of_comm(const struct mp_comm *c, char *out)
{
    if (!c)
        snprintf(out, MP_HANG_OBJ_LEN, "?");
    else if (c->name[0])
        snprintf(out, MP_HANG_OBJ_LEN, "%.*s", MP_HANG_OBJ_LEN - 1, c->name);
    else
        snprintf(out, MP_HANG_OBJ_LEN, "comm %d (ctx %u)", (int)c->handle, (unsigned)c->ctx);
}

static void name_of_dtype(MPI_Datatype type, char *out)
{
    const struct mp_dtype *dt = type ? mp_dtype_get(type) : NULL;
    if (dt && dt->name[0])
        snprintf(out, MP_HANG_OBJ_LEN, "%.*s", MP_HANG_OBJ_LEN - 1, dt->name);
    else if (dt)
        snprintf(out, MP_HANG_OBJ_LEN, "datatype %d", (int)type);
    else
        out[0] = '\0';
}

static void add_pending(const struct mp_request *r, void *arg)
{
    struct mp_hang_block *b = arg;
    uint32_t i = b->npending++;
    if (i >= MP_HANG_PENDING) return;
    struct mp_hang_req *q = &b->pending[i];
    memset(q, 0, sizeof *q);
    q->kind = r->kind;
    q->state = r->state == MP_RS_DONE ? 2 : 1;
    q->waited = r == waited && waited_seq == b->seq;
    q->peer = r->peer;
    q->world_peer = r->peer >= 0 ? r->world_peer : -1;
    q->tag = r->tag;
    q->count = r->dtype ? r->count : -1;
    q->ctx = r->comm ? r->comm->ctx + (r->cls == 1) : 0;
    q->bytes = r->bytes;
    name_of_comm(r->comm, q->comm);
    if (r->cls == 1) strncat(q->comm, " (collective)", MP_HANG_OBJ_LEN - strlen(q->comm) - 1);
    name_of_dtype(r->dtype, q->dtype);
}

static void snapshot(struct mp_hang_block *b, int64_t now)
{
    __atomic_store_n(&b->snap_gen, b->snap_gen + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    b->npending = 0;
    struct mp_comm *c = b->comm >= 0 ? mp_comm_get((MPI_Comm)b->comm) : NULL;
    if (c)
        name_of_comm(c, b->comm_name);
    else
        b->comm_name[0] = '\0';
    name_of_dtype(b->args_seq == b->seq ? (MPI_Datatype)b->dtype : 0, b->dtype_name);
    mp_req_each(add_pending, b);
    b->snap_seq = b->seq;
    b->snap_ns = now;
    __atomic_thread_fence(__ATOMIC_RELEASE);
    __atomic_store_n(&b->snap_gen, b->snap_gen + 1, __ATOMIC_RELAXED);
}

void mp_hang_sleeping(void)
{
    struct mp_hang_block *b = mp_hang_blk;
    if (b == &local_blk) return;
    int64_t now = now_ns();
    if (b->wait_seq != b->seq || b->wait_since_ns == 0) {
        b->wait_seq = b->seq;
        b->wait_since_ns = now;
    } else if (b->snap_seq == b->seq && now - b->snap_ns < SNAPSHOT_NS) {
        return;
    }
    snapshot(b, now);
}

void mp_hang_init(int rank, const char *jobid)
{
    /* Only mpprun (or its proxy) reads the block and removes it after a crash: a singleton or a
     * rank started by srun would leave it behind. */
    if (!getenv("MSGPASS_BOOT_FD")) return;
    snprintf(path, sizeof path, "/dev/shm/msgpass-%s-hang-%d", jobid, rank);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || ftruncate(fd, sizeof(struct mp_hang_block)) < 0) {
        MP_DEBUG("no rank status block (%s): mpprun --timeout cannot say where this rank waits", path);
        if (fd >= 0) close(fd), unlink(path);
        path[0] = '\0';
        return;
    }
    struct mp_hang_block *b = mmap(NULL, sizeof *b, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (b == MAP_FAILED) {
        unlink(path);
        path[0] = '\0';
        return;
    }
    /* The calls recorded so far (MPI_Init) and the names they use move over. */
    memcpy(b, &local_blk, sizeof *b);
    b->rank = rank;
    b->pid = (int32_t)getpid();
    b->version = MP_HANG_VERSION;
    __atomic_thread_fence(__ATOMIC_RELEASE);
    b->magic = MP_HANG_MAGIC;
    mp_hang_blk = b;
}

void mp_hang_started(void)
{
    mp_hang_blk->started = 1;
}

void mp_hang_finalize(void)
{
    struct mp_hang_block *b = mp_hang_blk;
    if (b == &local_blk) return;
    memcpy(&local_blk, b, sizeof local_blk);
    mp_hang_blk = &local_blk;
    munmap(b, sizeof *b);
    unlink(path);
    path[0] = '\0';
}
