/* Rabenseifner's allreduce: fold to a power of two, recursive halving (a reduce-scatter: each
 * rank ends with one reduced chunk), then recursive doubling in the opposite order (an
 * allgather of the chunks). About 2 n bytes per rank in 2 log2 p rounds. */
#include "collectives/algorithms.h"

void mp_allreduce_rabenseifner(struct mp_sched *s, const struct mp_coll_args *a)
{
    const int pof2 = mp_pof2_floor(s->size), rem = s->size - pof2;
    const size_t ext = s->red.extent, bytes = a->count * ext;
    char *w = a->rbuf, *t = mp_sched_scratch(s, bytes);
    if (!t) return;
    mp_sched_copy(s, a->sbuf, w, bytes);
    const int nr = mp_fold_in(s, w, t, a->count, bytes);
    if (nr >= 0) {
        int lo;
        mp_halving(s, w, t, a->count, nr, pof2, rem, &lo);
        /* Undo the halving: at each step the partner holds the sibling of this rank's window. */
        int width = 1;
        for (int dist = pof2 >> 1; dist > 0; dist >>= 1) {
            const int partner = nr ^ dist, peer = mp_fold_rank(partner, rem);
            const int plo = nr & dist ? lo - width : lo + width;
            const size_t m0 = mp_chunk_off(a->count, pof2, lo), m1 = mp_chunk_off(a->count, pof2, lo + width);
            const size_t p0 = mp_chunk_off(a->count, pof2, plo), p1 = mp_chunk_off(a->count, pof2, plo + width);
            mp_sched_round(s);
            mp_sched_recv(s, w + p0 * ext, (p1 - p0) * ext, peer);
            mp_sched_send(s, w + m0 * ext, (m1 - m0) * ext, peer);
            if (plo < lo) lo = plo;
            width *= 2;
        }
    }
    mp_fold_out(s, w, bytes);
}
