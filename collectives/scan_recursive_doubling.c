/* Recursive-doubling scan and exscan: in round k every rank swaps the reduction of its current
 * range of ranks (`partial`) with rank ^ 2^k. What comes from below is folded into both the
 * partial and the result, what comes from above into the partial only; the two ranges are
 * adjacent, so rank order holds for non-commutative ops. log2 p rounds. */
#include "collectives/algorithms.h"

static void scan(struct mp_sched *s, const struct mp_coll_args *a, int exclusive)
{
    const int size = s->size, rank = s->rank;
    const size_t bytes = a->count * s->red.extent;
    char *partial = mp_sched_scratch(s, bytes), *t = mp_sched_scratch(s, bytes);
    if (!partial || !t) return;
    mp_sched_copy(s, a->sbuf, partial, bytes);
    if (!exclusive) mp_sched_copy(s, a->sbuf, a->rbuf, bytes);
    int have_result = !exclusive;
    for (int dist = 1; dist < size; dist <<= 1) {
        const int peer = rank ^ dist;
        if (peer >= size) continue;
        mp_sched_recv(s, t, bytes, peer);
        mp_sched_send(s, partial, bytes, peer);
        mp_sched_round(s);
        if (peer < rank) {
            mp_sched_reduce(s, t, partial, a->count);
            if (have_result)
                mp_sched_reduce(s, t, a->rbuf, a->count);
            else
                mp_sched_copy(s, t, a->rbuf, bytes);
            have_result = 1;
        } else {
            mp_reduce_ordered(s, partial, t, a->count, 0);
        }
    }
}

void mp_scan_recursive_doubling(struct mp_sched *s, const struct mp_coll_args *a)
{
    scan(s, a, 0);
}

void mp_exscan_recursive_doubling(struct mp_sched *s, const struct mp_coll_args *a)
{
    scan(s, a, 1);
}
