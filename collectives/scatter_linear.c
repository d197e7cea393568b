/* Linear scatter: the root sends every block straight to its rank, all at once. One round; the
 * only choice for scatterv, whose block sizes only the root knows. */
#include "collectives/algorithms.h"

void mp_scatter_linear(struct mp_sched *s, const struct mp_coll_args *a)
{
    const int size = s->size, rank = s->rank;
    if (rank != a->root) {
        mp_sched_recv(s, a->rbuf, a->bytes, a->root);
        return;
    }
    const char *in = a->sbuf;
    for (int i = 0; i < size; i++) {
        if (i == rank)
            mp_sched_copy(s, in + mp_blk_off(a, i), a->rbuf, mp_blk_len(a, i));
        else
            mp_sched_send(s, in + mp_blk_off(a, i), mp_blk_len(a, i), i);
    }
}
