/* Binomial-tree scatter, the mirror of the binomial gather: a rank receives its subtree's blocks
 * (relative ranks [v, v + lowest set bit of v)) from its parent in one message and passes each
 * child's share on. log2 p rounds; interior ranks need subtree-sized scratch. */
#include "collectives/algorithms.h"

void mp_scatter_binomial(struct mp_sched *s, const struct mp_coll_args *a)
{
    const int size = s->size, root = a->root, rank = s->rank;
    const int vrank = (rank - root + size) % size;
    const size_t b = a->bytes;
    int mask = 1;
    while (mask < size && !(vrank & mask)) mask <<= 1;
    const int sub = vrank + mask < size ? mask : size - vrank;
    if (sub == 1) {
        if (vrank)
            mp_sched_recv(s, a->rbuf, b, (vrank - mask + root) % size);
        else
            mp_sched_copy(s, (const char *)a->sbuf + (size_t)root * b, a->rbuf, b);
        return;
    }
    const char *in = a->sbuf;
    char *t;
    if (vrank == 0 && root == 0) {
        t = (char *)in;
    } else if (vrank == 0) {
        if (!(t = mp_sched_scratch(s, (size_t)size * b))) return;
        mp_sched_copy(s, in + (size_t)root * b, t, (size_t)(size - root) * b);
        mp_sched_copy(s, in, t + (size_t)(size - root) * b, (size_t)root * b);
    } else {
        if (!(t = mp_sched_scratch(s, (size_t)sub * b))) return;
        mp_sched_recv(s, t, (size_t)sub * b, (vrank - mask + root) % size);
        mp_sched_round(s);
    }
    for (int m = mask >> 1; m > 0; m >>= 1) {
        int child = vrank + m;
        if (child >= size) continue;
        int n = child + m < size ? m : size - child;
        mp_sched_send(s, t + (size_t)m * b, (size_t)n * b, (child + root) % size);
    }
    mp_sched_copy(s, t, a->rbuf, b);
}
