/* Request pool: requests are carved from chunks and recycled through a free list; chunks are
 * returned to the system only at MPI_Finalize. */
#include <stdlib.h>
#include <string.h>

#include "core/datatype.h"
#include "core/request.h"

#define REQ_CHUNK 256

struct req_chunk {
    struct req_chunk *next;
    struct mp_request reqs[REQ_CHUNK];
};

static struct mp_request *free_list;
static struct req_chunk *chunks;

static int grow(void)
{
    struct req_chunk *c = calloc(1, sizeof *c); /* every request IDLE: mp_req_each walks them all */
    if (!c) return -1;
    c->next = chunks;
    chunks = c;
    for (int i = REQ_CHUNK - 1; i >= 0; i--) {
        c->reqs[i].next = free_list;
        free_list = &c->reqs[i];
    }
    return 0;
}

struct mp_request *mp_req_alloc(void)
{
    if (MP_UNLIKELY(!free_list) && grow() != 0) return NULL;
    struct mp_request *r = free_list;
    free_list = r->next;
    memset(r, 0, sizeof *r);
    return r;
}

/* Out of line, so that releasing a request of contiguous bytes stays a few stores. */
__attribute__((noinline, cold)) static void drop_layout(struct mp_request *r)
{
    mp_dtype_release(r->layout);
    r->layout = NULL;
}

void mp_req_release(struct mp_request *r)
{
    if (MP_UNLIKELY(r->layout)) drop_layout(r);
    r->state = MP_RS_IDLE;
    r->next = free_list;
    free_list = r;
}

void mp_req_each(void (*fn)(const struct mp_request *, void *), void *arg)
{
    for (struct req_chunk *c = chunks; c; c = c->next)
        for (int i = 0; i < REQ_CHUNK; i++)
            if (c->reqs[i].state != MP_RS_IDLE && c->reqs[i].kind) fn(&c->reqs[i], arg);
}

void mp_req_pool_finalize(void)
{
    while (chunks) {
        struct req_chunk *c = chunks;
        chunks = c->next;
        free(c);
    }
    free_list = NULL;
}
