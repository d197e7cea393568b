/* Bruck allgather: blocks are kept in a buffer in order relative to this rank (its own first);
 * in round k every rank sends the first min(2^k, p - 2^k) blocks it has to rank - 2^k and appends
 * what rank + 2^k sends. ceil(log2 p) rounds for any p, then one rotation into place. Block sizes
 * are known to every rank (allgatherv too), so each round is one message. */
#include "collectives/algorithms.h"

void mp_allgather_bruck(struct mp_sched *s, const struct mp_coll_args *a)
{
    const int size = s->size, rank = s->rank;
    size_t *roff = mp_sched_scratch(s, (size_t)(size + 1) * sizeof *roff);
    if (!roff) return;
    roff[0] = 0;
    for (int i = 0; i < size; i++) roff[i + 1] = roff[i] + mp_blk_len(a, (rank + i) % size);
    char *t = mp_sched_scratch(s, roff[size]);
    if (!t) return;
    mp_sched_copy(s, a->sbuf, t, roff[1]);
    for (int dist = 1; dist < size; dist <<= 1) {
        const int m = dist < size - dist ? dist : size - dist;
        mp_sched_recv(s, t + roff[dist], roff[dist + m] - roff[dist], (rank + dist) % size);
        mp_sched_send(s, t, roff[m], (rank - dist + size) % size);
        mp_sched_round(s);
    }
    char *out = a->rbuf;
    if (!a->displs) {
        size_t head = (size_t)(size - rank) * a->bytes;
        mp_sched_copy(s, t, out + (size_t)rank * a->bytes, head);
        mp_sched_copy(s, t + head, out, (size_t)rank * a->bytes);
        return;
    }
    for (int i = 0; i < size; i++) {
        int b = (rank + i) % size;
        mp_sched_copy(s, t + roff[i], out + mp_blk_off(a, b), mp_blk_len(a, b));
    }
}
