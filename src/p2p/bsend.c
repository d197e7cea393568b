/* The attached buffer of the buffered sends. Messages live in blocks, each a header followed by
 * the data, kept in a list ordered by address; a new message takes the first gap that fits
 * (first fit), and a block is unlinked once its internal send has completed. */
#include "p2p/bsend.h"

#include "core/datatype.h"

#include <stdalign.h>
#include <stdint.h>
#include <string.h>

#include "core/error.h"
#include "core/log.h"
#include "p2p/idle.h"
#include "p2p/p2p.h"

#define ALIGN 16

struct block {
    alignas(ALIGN) struct block *next;
    struct mp_request *req; /* the internal send from this block */
    size_t size;            /* header and data, rounded to ALIGN */
};

_Static_assert(sizeof(struct block) + ALIGN - 1 <= MP_BSEND_OVERHEAD, "MP_BSEND_OVERHEAD too small");
_Static_assert(MP_BSEND_OVERHEAD == MPI_BSEND_OVERHEAD, "mpi.h and the buffer disagree on the overhead");

static struct {
    int attached;
    void *user;       /* as attached, returned by detach */
    size_t user_size; /* as attached */
    char *start, *end;
    struct block *blocks;
} bs;

static size_t round_up(size_t n)
{
    return (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
}

/* Unlinks the blocks whose sends have completed. */
static void reclaim(void)
{
    for (struct block **link = &bs.blocks; *link;) {
        struct block *b = *link;
        if (b->req->state != MP_RS_DONE) {
            link = &b->next;
            continue;
        }
        if (b->req->st_error != MPI_SUCCESS)
            mp_log(MP_LOG_WARN, "a buffered send to rank %d (tag %d) failed with error class %d", b->req->peer,
                   b->req->tag, b->req->st_error);
        mp_req_release(b->req);
        *link = b->next;
    }
}

/* First gap of at least `need` bytes; links a new block there. */
static struct block *place(size_t need)
{
    char *gap = bs.start;
    struct block **link = &bs.blocks;
    for (;;) {
        char *gap_end = *link ? (char *)*link : bs.end;
        if ((size_t)(gap_end - gap) >= need) break;
        if (!*link) return NULL;
        gap = (char *)*link + (*link)->size;
        link = &(*link)->next;
    }
    struct block *b = (struct block *)(void *)gap;
    b->size = need;
    b->req = NULL;
    b->next = *link;
    *link = b;
    return b;
}

static void unlink_block(struct block *b)
{
    struct block **link = &bs.blocks;
    while (*link != b) link = &(*link)->next;
    *link = b->next;
}

static size_t largest_gap(void)
{
    size_t best = 0;
    char *gap = bs.start;
    for (struct block *b = bs.blocks;; b = b->next) {
        char *gap_end = b ? (char *)b : bs.end;
        if ((size_t)(gap_end - gap) > best) best = (size_t)(gap_end - gap);
        if (!b) return best;
        gap = (char *)b + b->size;
    }
}

/* The one place where a message enters the buffer, as the packed stream it travels as. */
static void copy_in(void *dst, const struct mp_request *r)
{
    if (r->layout)
        mp_dtype_pack(r->layout, r->buf, 0, dst, r->bytes);
    else if (r->bytes)
        memcpy(dst, r->buf, r->bytes);
}

int mp_bsend_attach(void *buf, size_t size, const char *call)
{
    if (bs.attached)
        return mp_error(NULL, MPI_ERR_BUFFER, call,
                        "a buffer of %zu bytes is already attached; detach it first (argument buffer)", bs.user_size);
    bs.attached = 1;
    bs.user = buf;
    bs.user_size = size;
    uintptr_t a = (uintptr_t)buf, first = (a + ALIGN - 1) & ~(uintptr_t)(ALIGN - 1);
    bs.start = (char *)buf + (first - a);
    bs.end = size > first - a ? (char *)buf + size : bs.start;
    bs.blocks = NULL;
    return MPI_SUCCESS;
}

int mp_bsend_detach(void **buf, size_t *size, const char *call)
{
    if (!bs.attached) return mp_error(NULL, MPI_ERR_BUFFER, call, "no buffer is attached");
    struct mp_idle idle;
    mp_idle_reset(&idle);
    for (reclaim(); bs.blocks; reclaim()) {
        if (mp_progress())
            mp_idle_reset(&idle);
        else
            mp_idle_wait(&idle);
    }
    *buf = bs.user;
    *size = bs.user_size;
    memset(&bs, 0, sizeof bs);
    return MPI_SUCCESS;
}

int mp_bsend_start(struct mp_request *r, const char *call)
{
    if (r->peer == MPI_PROC_NULL) {
        mp_send_start(r);
        return MPI_SUCCESS;
    }
    size_t need = sizeof(struct block) + round_up(r->bytes);
    reclaim();
    struct block *b = bs.attached ? place(need) : NULL;
    if (!b && bs.attached) {
        mp_progress();
        reclaim();
        b = place(need);
    }
    if (MP_UNLIKELY(!b)) {
        if (!bs.attached)
            return mp_error(r->comm, MPI_ERR_BUFFER, call,
                            "no buffer attached (MPI_Buffer_attach) for a %zu-byte buffered message, which needs "
                            "%zu bytes (its size + MPI_BSEND_OVERHEAD)",
                            r->bytes, r->bytes + MP_BSEND_OVERHEAD);
        return mp_error(r->comm, MPI_ERR_BUFFER, call,
                        "attached buffer too small: a %zu-byte message needs up to %zu bytes (its size + "
                        "MPI_BSEND_OVERHEAD), but the largest free piece of the %zu-byte buffer is %zu bytes",
                        r->bytes, r->bytes + MP_BSEND_OVERHEAD, bs.user_size, largest_gap());
    }
    void *data = b + 1;
    copy_in(data, r);
    int rc = mp_isend(data, r->bytes, r->peer, r->tag, r->comm, (enum mp_class)r->cls, MP_SEND_STD, &b->req);
    if (MP_UNLIKELY(rc != MPI_SUCCESS)) {
        unlink_block(b);
        return mp_error(r->comm, rc, call, "cannot start the send of a buffered message");
    }
    if (b->req->state == MP_RS_DONE) reclaim();
    r->st_error = MPI_SUCCESS;
    r->st_bytes = r->bytes;
    r->state = MP_RS_DONE;
    return MPI_SUCCESS;
}
