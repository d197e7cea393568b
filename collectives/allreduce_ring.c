/* Ring allreduce for long vectors: a ring reduce-scatter (each chunk travels once round the ring,
 * picking up every rank's contribution) and a ring allgather. Bandwidth optimal, 2 (p - 1)
 * rounds. The ring adds contributions in an order that starts at different ranks for different
 * chunks, so it is only used for commutative ops. */
#include "collectives/algorithms.h"

void mp_allreduce_ring(struct mp_sched *s, const struct mp_coll_args *a)
{
    const int size = s->size, rank = s->rank;
    const int right = (rank + 1) % size, left = (rank - 1 + size) % size;
    const size_t ext = s->red.extent, n = a->count;
    char *w = a->rbuf, *t = mp_sched_scratch(s, (n / (size_t)size + 1) * ext);
    if (!t) return;
    mp_sched_copy(s, a->sbuf, w, n * ext);
#define OFF(i) mp_chunk_off(n, size, ((i) + size) % size)
#define LEN(i) (mp_chunk_off(n, size, ((i) + size) % size + 1) - OFF(i))
    for (int k = 0; k < size - 1; k++) {
        int out = rank - k, in = rank - k - 1;
        mp_sched_recv(s, t, LEN(in) * ext, left);
        mp_sched_send(s, w + OFF(out) * ext, LEN(out) * ext, right);
        mp_sched_round(s);
        mp_sched_reduce(s, t, w + OFF(in) * ext, LEN(in));
    }
    for (int k = 0; k < size - 1; k++) {
        int out = rank + 1 - k, in = rank - k;
        mp_sched_recv(s, w + OFF(in) * ext, LEN(in) * ext, left);
        mp_sched_send(s, w + OFF(out) * ext, LEN(out) * ext, right);
        mp_sched_round(s);
    }
#undef OFF
#undef LEN
}
