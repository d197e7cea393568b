/* Recursive-doubling barrier: ranks beyond the largest power of two first check in with a partner
 * below it, the power-of-two ranks exchange with rank ^ 2^k in each round, and the partners then
 * release the ranks beyond. Pairwise exchanges, so each round is one message each way. */
#include "collectives/algorithms.h"

void mp_barrier_recursive_doubling(struct mp_sched *s, const struct mp_coll_args *a)
{
    (void)a;
    const int size = s->size, rank = s->rank, pof2 = mp_pof2_floor(size);
    if (rank >= pof2) {
        mp_sched_send(s, s, 0, rank - pof2);
        mp_sched_recv(s, s, 0, rank - pof2);
        return;
    }
    if (rank + pof2 < size) {
        mp_sched_recv(s, s, 0, rank + pof2);
        mp_sched_round(s);
    }
    for (int dist = 1; dist < pof2; dist <<= 1) {
        mp_sched_recv(s, s, 0, rank ^ dist);
        mp_sched_send(s, s, 0, rank ^ dist);
        mp_sched_round(s);
    }
    if (rank + pof2 < size) mp_sched_send(s, s, 0, rank + pof2);
}
