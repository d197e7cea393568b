/* Pairwise reduce-scatter: in step k every rank sends the part of its vector that belongs to
 * rank + k there and receives its own part's contribution from rank - k; it then reduces the p
 * contributions in rank order, so any op works, commutative or not. Each rank sends n (p - 1) / p
 * elements: bandwidth optimal. */
#include "collectives/algorithms.h"

static size_t blk_count(const struct mp_coll_args *a, int p, int i)
{
    return a->counts ? a->counts[i] : a->count / (size_t)p;
}
static size_t blk_start(const struct mp_coll_args *a, int p, int i)
{
    return a->displs ? a->displs[i] : (size_t)i * (a->count / (size_t)p);
}

void mp_reduce_scatter_pairwise(struct mp_sched *s, const struct mp_coll_args *a)
{
    const int size = s->size, rank = s->rank;
    const size_t ext = s->red.extent, mine = blk_count(a, size, rank), mb = mine * ext;
    const char *in = a->sbuf;
    char *t = mp_sched_scratch(s, (size_t)size * mb); /* slot i: rank i's contribution */
    if (!t) return;
    mp_sched_copy(s, in + blk_start(a, size, rank) * ext, t + (size_t)rank * mb, mb);
    for (int k = 1; k < size; k++) {
        int to = (rank + k) % size, from = (rank - k + size) % size;
        mp_sched_recv(s, t + (size_t)from * mb, mb, from);
        mp_sched_send(s, in + blk_start(a, size, to) * ext, blk_count(a, size, to) * ext, to);
        mp_sched_round(s);
    }
    for (int i = size - 2; i >= 0; i--) mp_sched_reduce(s, t + (size_t)i * mb, t + (size_t)(size - 1) * mb, mine);
    mp_sched_copy(s, t + (size_t)(size - 1) * mb, a->rbuf, mb);
}
