/* Binomial-tree broadcast: ranks are renumbered relative to the root; a rank receives from the
 * rank that differs in its lowest set bit, then forwards to rank + 2^j for each lower bit j, all
 * children at once so a slow child does not hold up its siblings. Latency log2 p messages. */
#include "collectives/algorithms.h"

void mp_bcast_binomial(struct mp_sched *s, const struct mp_coll_args *a)
{
    const int size = s->size, root = a->root;
    const int vrank = (s->rank - root + size) % size;
    int mask = 1;
    while (mask < size && !(vrank & mask)) mask <<= 1;
    if (vrank) {
        mp_sched_recv(s, a->rbuf, a->bytes, (vrank - mask + root) % size);
        mp_sched_round(s);
    }
    for (mask >>= 1; mask > 0; mask >>= 1)
        if (vrank + mask < size) mp_sched_send(s, a->rbuf, a->bytes, (vrank + mask + root) % size);
}
