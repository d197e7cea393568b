/* Recursive-doubling allgather: in round k every rank swaps everything it has with rank ^ 2^k, so
 * the gathered range doubles each round (log2 p rounds). Ranks beyond the largest power of two
 * hand their block to rank - pof2 first and get the full result from it at the end; rank v below
 * pof2 thus stands for blocks v and v + pof2. Regular blocks of one range go as one message;
 * allgatherv blocks go one message each, since ranks may lay out their buffers differently. */
#include "collectives/algorithms.h"

/* Sends or receives the blocks [lo, hi) to or from `peer`. */
static void blocks(struct mp_sched *s, const struct mp_coll_args *a, int lo, int hi, int peer, int recv)
{
    if (lo >= hi) return;
    char *base = a->rbuf;
    if (!a->displs) {
        size_t off = mp_blk_off(a, lo), len = (size_t)(hi - lo) * a->bytes;
        if (recv)
            mp_sched_recv(s, base + off, len, peer);
        else
            mp_sched_send(s, base + off, len, peer);
        return;
    }
    for (int i = lo; i < hi; i++) {
        if (recv)
            mp_sched_recv(s, base + mp_blk_off(a, i), mp_blk_len(a, i), peer);
        else
            mp_sched_send(s, base + mp_blk_off(a, i), mp_blk_len(a, i), peer);
    }
}

/* The blocks new rank window [lo, hi) stands for. */
static void window(struct mp_sched *s, const struct mp_coll_args *a, int lo, int hi, int pof2, int peer, int recv)
{
    const int size = s->size;
    blocks(s, a, lo, hi, peer, recv);
    blocks(s, a, lo + pof2, hi + pof2 < size ? hi + pof2 : size, peer, recv);
}

void mp_allgather_recursive_doubling(struct mp_sched *s, const struct mp_coll_args *a)
{
    const int size = s->size, rank = s->rank, pof2 = mp_pof2_floor(size);
    char *out = a->rbuf;
    mp_sched_copy(s, a->sbuf, out + mp_blk_off(a, rank), mp_blk_len(a, rank));
    if (rank >= pof2) {
        blocks(s, a, rank, rank + 1, rank - pof2, 0);
        mp_sched_round(s);
        blocks(s, a, 0, rank, rank - pof2, 1);
        blocks(s, a, rank + 1, size, rank - pof2, 1);
        return;
    }
    if (rank + pof2 < size) {
        blocks(s, a, rank + pof2, rank + pof2 + 1, rank + pof2, 1);
        mp_sched_round(s);
    }
    for (int dist = 1; dist < pof2; dist <<= 1) {
        const int peer = rank ^ dist, mine = rank & ~(dist - 1), theirs = peer & ~(dist - 1);
        window(s, a, theirs, theirs + dist, pof2, peer, 1);
        window(s, a, mine, mine + dist, pof2, peer, 0);
        mp_sched_round(s);
    }
    if (rank + pof2 < size) {
        blocks(s, a, 0, rank + pof2, rank + pof2, 0);
        blocks(s, a, rank + pof2 + 1, size, rank + pof2, 0);
    }
}
