/* Bruck alltoall for short blocks: rotate so that slot i holds the block for rank + i; in round
 * k send every slot with bit k set to rank + 2^k (packed into one message) and put what rank -
 * 2^k sends into the same slots. After ceil(log2 p) rounds slot i holds the block from rank - i.
 * Fewer messages than pairwise exchange (log2 p instead of p - 1) at the price of copies. */
#include "collectives/algorithms.h"

void mp_alltoall_bruck(struct mp_sched *s, const struct mp_coll_args *a)
{
    const int size = s->size, rank = s->rank;
    const size_t b = a->bytes, half = (size_t)(size / 2 + 1) * b;
    const char *in = a->sbuf;
    char *out = a->rbuf;
    char *t = mp_sched_scratch(s, (size_t)size * b), *pack = mp_sched_scratch(s, half),
         *unpack = mp_sched_scratch(s, half);
    if (!t || !pack || !unpack) return;
    mp_sched_copy(s, in + (size_t)rank * b, t, (size_t)(size - rank) * b);
    mp_sched_copy(s, in, t + (size_t)(size - rank) * b, (size_t)rank * b);
    for (int dist = 1; dist < size; dist <<= 1) {
        size_t n = 0;
        for (int i = dist; i < size; i++)
            if (i & dist) mp_sched_copy(s, t + (size_t)i * b, pack + b * n++, b);
        mp_sched_recv(s, unpack, n * b, (rank - dist + size) % size);
        mp_sched_send(s, pack, n * b, (rank + dist) % size);
        mp_sched_round(s);
        n = 0;
        for (int i = dist; i < size; i++)
            if (i & dist) mp_sched_copy(s, unpack + b * n++, t + (size_t)i * b, b);
    }
    for (int i = 0; i < size; i++) mp_sched_copy(s, t + (size_t)i * b, out + (size_t)((rank - i + size) % size) * b, b);
}
