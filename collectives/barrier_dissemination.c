/* Dissemination barrier (Hensgen, Finkel, Manber): in round k every rank signals rank + 2^k and
 * waits for rank - 2^k, so after ceil(log2 p) rounds each rank has heard, transitively, from all. */
#include "collectives/algorithms.h"

void mp_barrier_dissemination(struct mp_sched *s, const struct mp_coll_args *a)
{
    (void)a;
    const int size = s->size, rank = s->rank;
    for (int dist = 1; dist < size; dist <<= 1) {
        mp_sched_recv(s, s, 0, (rank - dist + size) % size);
        mp_sched_send(s, s, 0, (rank + dist) % size);
        mp_sched_round(s);
    }
}
