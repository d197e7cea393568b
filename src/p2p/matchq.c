#include "p2p/matchq.h"

#include <stdlib.h>

struct mp_matchq *mp_matchq_create(uint32_t ctx, int size)
{
    struct mp_matchq *mq = calloc(1, sizeof *mq);
    if (!mq) return NULL;
    mq->ctx = ctx;
    mq->size = size;
    mq->posted = calloc((size_t)size, sizeof *mq->posted);
    mq->unexp = calloc((size_t)size, sizeof *mq->unexp);
    if (!mq->posted || !mq->unexp) {
        mp_matchq_destroy(mq);
        return NULL;
    }
    return mq;
}

void mp_matchq_destroy(struct mp_matchq *mq)
{
    if (!mq) return;
    for (struct mp_unexp *e = mq->all.head, *next; e; e = next) {
        next = e->all_next;
        free(e);
    }
    free(mq->posted);
    free(mq->unexp);
    free(mq);
}

static void rq_push(struct mp_req_queue *q, struct mp_request *r)
{
    r->next = NULL;
    r->prev = q->tail;
    if (q->tail)
        q->tail->next = r;
    else
        q->head = r;
    q->tail = r;
}

static void rq_unlink(struct mp_req_queue *q, struct mp_request *r)
{
    if (r->prev)
        r->prev->next = r->next;
    else
        q->head = r->next;
    if (r->next)
        r->next->prev = r->prev;
    else
        q->tail = r->prev;
    r->next = r->prev = NULL;
}

static struct mp_request *rq_first_match(struct mp_req_queue *q, int tag)
{
    for (struct mp_request *r = q->head; r; r = r->next)
        if (mp_tag_matches(r->tag, tag)) return r;
    return NULL;
}

void mp_matchq_post(struct mp_matchq *mq, struct mp_request *r)
{
    r->post_seq = ++mq->post_seq;
    rq_push(r->peer == MPI_ANY_SOURCE ? &mq->any : &mq->posted[r->peer], r);
}

struct mp_request *mp_matchq_take_posted(struct mp_matchq *mq, int src, int tag)
{
    struct mp_request *specific = rq_first_match(&mq->posted[src], tag);
    struct mp_request *any = mq->any.head ? rq_first_match(&mq->any, tag) : NULL;
    if (specific && (!any || specific->post_seq < any->post_seq)) {
        rq_unlink(&mq->posted[src], specific);
        return specific;
    }
    if (any) rq_unlink(&mq->any, any);
    return any;
}

void mp_matchq_remove_posted(struct mp_matchq *mq, struct mp_request *r)
{
    struct mp_req_queue *q = r->peer == MPI_ANY_SOURCE ? &mq->any : &mq->posted[r->peer];
    for (struct mp_request *p = q->head; p; p = p->next)
        if (p == r) {
            rq_unlink(q, r);
            return;
        }
}

void mp_matchq_add_unexp(struct mp_matchq *mq, struct mp_unexp *e)
{
    struct mp_unexp_queue *q = &mq->unexp[e->src];
    e->src_next = NULL;
    e->src_prev = q->tail;
    if (q->tail)
        q->tail->src_next = e;
    else
        q->head = e;
    q->tail = e;
    e->all_next = NULL;
    e->all_prev = mq->all.tail;
    if (mq->all.tail)
        mq->all.tail->all_next = e;
    else
        mq->all.head = e;
    mq->all.tail = e;
}

static void unexp_unlink(struct mp_matchq *mq, struct mp_unexp *e)
{
    struct mp_unexp_queue *q = &mq->unexp[e->src];
    if (e->src_prev)
        e->src_prev->src_next = e->src_next;
    else
        q->head = e->src_next;
    if (e->src_next)
        e->src_next->src_prev = e->src_prev;
    else
        q->tail = e->src_prev;
    if (e->all_prev)
        e->all_prev->all_next = e->all_next;
    else
        mq->all.head = e->all_next;
    if (e->all_next)
        e->all_next->all_prev = e->all_prev;
    else
        mq->all.tail = e->all_prev;
}

struct mp_unexp *mp_matchq_find_unexp(struct mp_matchq *mq, int src, int tag, int take)
{
    struct mp_unexp *e;
    if (src == MPI_ANY_SOURCE) {
        for (e = mq->all.head; e; e = e->all_next)
            if (mp_tag_matches(tag, e->tag)) break;
    } else {
        for (e = mq->unexp[src].head; e; e = e->src_next)
            if (mp_tag_matches(tag, e->tag)) break;
    }
    if (e && take) unexp_unlink(mq, e);
    return e;
}

struct mp_unexp *mp_matchq_take_unexp_by_sender(struct mp_matchq *mq, int src, uint64_t sreq)
{
    for (struct mp_unexp *e = mq->unexp[src].head; e; e = e->src_next)
        if (e->sreq == sreq) {
            unexp_unlink(mq, e);
            return e;
        }
    return NULL;
}
