/* Linear gather: every rank sends its block straight to the root, which receives them all at
 * once into place. One round; the only choice for gatherv, whose block sizes only the root
 * knows. */
#include "collectives/algorithms.h"

void mp_gather_linear(struct mp_sched *s, const struct mp_coll_args *a)
{
    const int size = s->size, rank = s->rank;
    if (rank != a->root) {
        mp_sched_send(s, a->sbuf, a->bytes, a->root);
        return;
    }
    char *out = a->rbuf;
    for (int i = 0; i < size; i++) {
        if (i == rank)
            mp_sched_copy(s, a->sbuf, out + mp_blk_off(a, i), mp_blk_len(a, i));
        else
            mp_sched_recv(s, out + mp_blk_off(a, i), mp_blk_len(a, i), i);
    }
}
