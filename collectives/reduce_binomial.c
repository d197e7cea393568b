/* Binomial-tree reduction. Ranks are renumbered relative to the root; at step j a rank whose bit
 * j is set sends its partial result to the rank without that bit and drops out, the others fold
 * in what they receive. A partial result at relative rank v covers relative ranks [v, v + 2^j)
 * and the received one the range right after it, so operands are combined as (lower ranks) op
 * (higher ranks). Relative order is rank order only when the root is rank 0: a non-commutative
 * op therefore reduces to rank 0, which passes the result on to the root. */
#include "collectives/algorithms.h"

void mp_reduce_binomial(struct mp_sched *s, const struct mp_coll_args *a)
{
    const int size = s->size, rank = s->rank;
    const int root = s->red.commutative ? a->root : 0;
    const int vrank = (rank - root + size) % size;
    const size_t bytes = a->count * s->red.extent;
    const void *acc = a->sbuf;
    char *scratch = NULL; /* two buffers: the partial result and the next incoming operand */
    int turn = 0, mask = 1;
    for (; mask < size; mask <<= 1) {
        if (vrank & mask) break;
        int child = vrank | mask;
        if (child >= size) continue;
        if (!scratch && !(scratch = mp_sched_scratch(s, 2 * bytes))) return;
        char *incoming = scratch + (size_t)turn * bytes;
        mp_sched_recv(s, incoming, bytes, (child + root) % size);
        mp_sched_round(s);
        mp_sched_reduce(s, acc, incoming, a->count);
        acc = incoming;
        turn ^= 1;
    }
    if (vrank != 0) {
        mp_sched_send(s, acc, bytes, (vrank - mask + root) % size);
    } else if (root == a->root) {
        mp_sched_copy(s, acc, a->rbuf, bytes);
    } else {
        mp_sched_send(s, acc, bytes, a->root);
    }
    if (rank == a->root && root != a->root) {
        mp_sched_round(s);
        mp_sched_recv(s, a->rbuf, bytes, root);
    }
}
