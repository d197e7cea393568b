/* MPI matching for one context: posted receives and unexpected messages.
 *
 * Posted receives wait in a queue per source plus one ANY_SOURCE queue; each carries a post
 * sequence number, so an arriving message takes the earliest posted receive that matches.
 * Unexpected messages wait in a queue per source and in one arrival-ordered list (for
 * ANY_SOURCE receives and probes). Per-pair order holds because each queue is FIFO and a peer's
 * packets arrive in order. */
#ifndef MP_MATCHQ_H
#define MP_MATCHQ_H

#include "core/request.h"

/* An arrived message nobody had asked for yet. */
struct mp_unexp {
    struct mp_unexp *src_next, *src_prev; /* per-source queue */
    struct mp_unexp *all_next, *all_prev; /* arrival order */
    uint32_t ctx;
    int src;
    int tag;
    int world_peer;
    uint8_t type;         /* enum mp_msg_type: EAGER, EAGER_SYNC or RTS */
    size_t len;           /* message length (for RTS: the whole message, not yet here) */
    uint64_t sreq;        /* sender's request id (EAGER_SYNC, RTS) */
    uint64_t addr;        /* sender's buffer (RTS) */
    uint64_t key;         /* the transport's key for it (RTS) */
    void *data;           /* copied payload of eager messages, in the same allocation */
    struct mp_comm *comm; /* set once taken out by a matched probe (MPI_Message) */
};

struct mp_req_queue {
    struct mp_request *head, *tail;
};

struct mp_unexp_queue {
    struct mp_unexp *head, *tail;
};

struct mp_matchq {
    uint32_t ctx;
    int size;
    uint64_t post_seq;
    struct mp_req_queue any;      /* ANY_SOURCE receives */
    struct mp_req_queue *posted;  /* [size] */
    struct mp_unexp_queue all;    /* linked through all_next */
    struct mp_unexp_queue *unexp; /* [size], linked through src_next */
};

struct mp_matchq *mp_matchq_create(uint32_t ctx, int size);
void mp_matchq_destroy(struct mp_matchq *mq);

void mp_matchq_post(struct mp_matchq *mq, struct mp_request *r);
/* Removes and returns the earliest posted receive matching (src, tag), or NULL. */
struct mp_request *mp_matchq_take_posted(struct mp_matchq *mq, int src, int tag);
/* Removes `r` from the posted queues if it is there (cancellation, finalize). */
void mp_matchq_remove_posted(struct mp_matchq *mq, struct mp_request *r);

void mp_matchq_add_unexp(struct mp_matchq *mq, struct mp_unexp *e);
/* Finds the earliest unexpected message matching (src, tag) — src may be MPI_ANY_SOURCE, tag
 * MPI_ANY_TAG — and removes it when `take` is set. */
struct mp_unexp *mp_matchq_find_unexp(struct mp_matchq *mq, int src, int tag, int take);

/* Removes and returns the unexpected message from `src` that sender request `sreq` sent (a
 * synchronous or rendezvous message), or NULL when it is not (or no longer) waiting there. */
struct mp_unexp *mp_matchq_take_unexp_by_sender(struct mp_matchq *mq, int src, uint64_t sreq);

static inline int mp_tag_matches(int want, int tag)
{
    return want == tag || want == MPI_ANY_TAG;
}

#endif
