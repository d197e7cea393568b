/* Linear scan and exscan: the prefix travels along the chain of ranks, each adding its own
 * contribution. p - 1 steps, but each rank sends one message: the choice for long vectors on
 * few ranks. */
#include "collectives/algorithms.h"

void mp_scan_linear(struct mp_sched *s, const struct mp_coll_args *a)
{
    const int size = s->size, rank = s->rank;
    const size_t bytes = a->count * s->red.extent;
    mp_sched_copy(s, a->sbuf, a->rbuf, bytes);
    if (rank > 0) {
        char *t = mp_sched_scratch(s, bytes);
        if (!t) return;
        mp_sched_recv(s, t, bytes, rank - 1);
        mp_sched_round(s);
        mp_sched_reduce(s, t, a->rbuf, a->count);
    }
    if (rank + 1 < size) mp_sched_send(s, a->rbuf, bytes, rank + 1);
}

void mp_exscan_linear(struct mp_sched *s, const struct mp_coll_args *a)
{
    const int size = s->size, rank = s->rank;
    const size_t bytes = a->count * s->red.extent;
    if (rank == 0) {
        if (size > 1) mp_sched_send(s, a->sbuf, bytes, 1);
        return;
    }
    /* The input may be the result buffer (MPI_IN_PLACE): keep it before the prefix lands there. */
    char *mine = mp_sched_scratch(s, bytes);
    if (!mine) return;
    mp_sched_copy(s, a->sbuf, mine, bytes);
    mp_sched_recv(s, a->rbuf, bytes, rank - 1);
    mp_sched_round(s);
    if (rank + 1 < size) {
        mp_sched_reduce(s, a->rbuf, mine, a->count);
        mp_sched_send(s, mine, bytes, rank + 1);
    }
}
