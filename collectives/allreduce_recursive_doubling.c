/* Recursive-doubling allreduce: after the fold to a power of two, in round k every rank swaps its
 * whole vector with rank ^ 2^k and reduces. log2 p rounds of n bytes: the choice for short
 * vectors. Partners hold adjacent rank ranges, so non-commutative ops keep rank order. */
#include "collectives/algorithms.h"

void mp_allreduce_recursive_doubling(struct mp_sched *s, const struct mp_coll_args *a)
{
    const int pof2 = mp_pof2_floor(s->size), rem = s->size - pof2;
    const size_t bytes = a->count * s->red.extent;
    char *w = a->rbuf, *t = mp_sched_scratch(s, bytes);
    if (!t) return;
    mp_sched_copy(s, a->sbuf, w, bytes);
    const int nr = mp_fold_in(s, w, t, a->count, bytes);
    if (nr >= 0) {
        for (int dist = 1; dist < pof2; dist <<= 1) {
            const int partner = nr ^ dist, peer = mp_fold_rank(partner, rem);
            mp_sched_recv(s, t, bytes, peer);
            mp_sched_send(s, w, bytes, peer);
            mp_sched_round(s);
            mp_reduce_ordered(s, w, t, a->count, partner < nr);
        }
    }
    mp_fold_out(s, w, bytes);
}
