/* Peer patterns shared by the reduction algorithms: the fold to a power of two and recursive
 * halving. */
#include "collectives/algorithms.h"

int mp_fold_in(struct mp_sched *s, void *w, void *t, size_t count, size_t bytes)
{
    const int size = s->size, rank = s->rank;
    const int rem = size - mp_pof2_floor(size);
    if (rank >= 2 * rem) return rank - rem;
    if (rank % 2 == 0) {
        mp_sched_send(s, w, bytes, rank + 1);
        mp_sched_round(s);
        return -1;
    }
    mp_sched_recv(s, t, bytes, rank - 1);
    mp_sched_round(s);
    mp_sched_reduce(s, t, w, count);
    return rank / 2;
}

void mp_fold_out(struct mp_sched *s, void *w, size_t bytes)
{
    const int size = s->size, rank = s->rank;
    const int rem = size - mp_pof2_floor(size);
    if (rank >= 2 * rem) return;
    mp_sched_round(s);
    if (rank % 2 == 0)
        mp_sched_recv(s, w, bytes, rank + 1);
    else
        mp_sched_send(s, w, bytes, rank - 1);
}

void mp_reduce_ordered(struct mp_sched *s, void *w, void *t, size_t count, int peer_is_lower)
{
    if (peer_is_lower || s->red.commutative) {
        mp_sched_reduce(s, t, w, count);
    } else {
        mp_sched_reduce(s, w, t, count);
        mp_sched_copy(s, t, w, count * s->red.extent);
    }
}

void mp_halving(struct mp_sched *s, void *w, void *t, size_t count, int nr, int pof2, int rem, int *lo)
{
    const size_t ext = s->red.extent;
    char *wb = w, *tb = t;
    int l = 0, h = pof2;
    for (int dist = 1; dist < pof2; dist <<= 1) {
        const int partner = nr ^ dist, peer = mp_fold_rank(partner, rem), mid = l + (h - l) / 2;
        int keep_lo = l, keep_hi = mid, give_lo = mid, give_hi = h;
        if (nr & dist) {
            keep_lo = mid, keep_hi = h, give_lo = l, give_hi = mid;
        }
        const size_t k0 = mp_chunk_off(count, pof2, keep_lo), k1 = mp_chunk_off(count, pof2, keep_hi);
        const size_t g0 = mp_chunk_off(count, pof2, give_lo), g1 = mp_chunk_off(count, pof2, give_hi);
        mp_sched_recv(s, tb + k0 * ext, (k1 - k0) * ext, peer);
        mp_sched_send(s, wb + g0 * ext, (g1 - g0) * ext, peer);
        mp_sched_round(s);
        mp_reduce_ordered(s, wb + k0 * ext, tb + k0 * ext, k1 - k0, partner < nr);
        l = keep_lo;
        h = keep_hi;
    }
    *lo = l;
}
