/* Allreduce as a binomial reduction to rank 0 followed by a binomial broadcast: two tree passes,
 * every rank ends with the root's bit-identical result. */
#include "collectives/algorithms.h"

void mp_allreduce_reduce_bcast(struct mp_sched *s, const struct mp_coll_args *a)
{
    struct mp_coll_args b = *a;
    b.root = 0;
    mp_reduce_binomial(s, &b);
    mp_sched_round(s);
    b.bytes = a->count * s->red.extent;
    mp_bcast_binomial(s, &b);
}
