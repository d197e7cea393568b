/* Reduction of long vectors (Rabenseifner): fold to a power of two, recursive halving leaves
 * each remaining rank with one fully reduced chunk of the vector, and the chunks are gathered at
 * the root. Every rank moves about 2 n bytes instead of n log2 p. */
#include "collectives/algorithms.h"

static int bitrev(int x, int pof2)
{
    int r = 0;
    for (int b = 1; b < pof2; b <<= 1) r = (r << 1) | ((x & b) != 0);
    return r;
}

void mp_reduce_scatter_gather(struct mp_sched *s, const struct mp_coll_args *a)
{
    const int size = s->size, rank = s->rank, pof2 = mp_pof2_floor(size), rem = size - pof2;
    const size_t ext = s->red.extent, bytes = a->count * ext;
    char *w = rank == a->root ? a->rbuf : mp_sched_scratch(s, bytes);
    char *t = mp_sched_scratch(s, bytes);
    if (!w || !t) return;
    mp_sched_copy(s, a->sbuf, w, bytes);
    const int nr = mp_fold_in(s, w, t, a->count, bytes);
    int lo = 0;
    if (nr >= 0) {
        mp_halving(s, w, t, a->count, nr, pof2, rem, &lo);
        mp_sched_round(s);
    }
    if (rank == a->root) {
        /* The chunk held by new rank q is the one recursive halving steers it to: q bit-reversed. */
        for (int q = 0; q < pof2; q++) {
            int peer = mp_fold_rank(q, rem), c = bitrev(q, pof2);
            if (peer == rank) continue;
            size_t c0 = mp_chunk_off(a->count, pof2, c), c1 = mp_chunk_off(a->count, pof2, c + 1);
            mp_sched_recv(s, (char *)a->rbuf + c0 * ext, (c1 - c0) * ext, peer);
        }
    } else if (nr >= 0) {
        size_t c0 = mp_chunk_off(a->count, pof2, lo), c1 = mp_chunk_off(a->count, pof2, lo + 1);
        mp_sched_send(s, w + c0 * ext, (c1 - c0) * ext, a->root);
    }
}
