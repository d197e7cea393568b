/* Pairwise-exchange alltoall: in step k every rank sends to rank + k and receives from rank - k,
 * one partner at a time, so no rank is flooded and each message can use the full bandwidth. The
 * choice for long messages; serves alltoallv and alltoallw alike. */
#include "collectives/algorithms.h"

void mp_alltoall_pairwise(struct mp_sched *s, const struct mp_coll_args *a)
{
    const int size = s->size, rank = s->rank;
    const char *in = a->sbuf;
    char *out = a->rbuf;
    mp_sched_copy(s, in + mp_soff(a, rank), out + mp_roff(a, rank), mp_rlen(a, rank));
    for (int k = 1; k < size; k++) {
        int to = (rank + k) % size, from = (rank - k + size) % size;
        mp_sched_recv(s, out + mp_roff(a, from), mp_rlen(a, from), from);
        mp_sched_send(s, in + mp_soff(a, to), mp_slen(a, to), to);
        mp_sched_round(s);
    }
}
