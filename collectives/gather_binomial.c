/* Binomial-tree gather: ranks are renumbered relative to the root; a rank collects the blocks of
 * its subtree (relative ranks [v, v + lowest set bit of v)) in relative order, then sends them
 * to its parent in one message. log2 p rounds; interior ranks need subtree-sized scratch. */
#include "collectives/algorithms.h"

void mp_gather_binomial(struct mp_sched *s, const struct mp_coll_args *a)
{
    const int size = s->size, root = a->root, rank = s->rank;
    const int vrank = (rank - root + size) % size;
    const size_t b = a->bytes;
    int mask = 1;
    while (mask < size && !(vrank & mask)) mask <<= 1;
    const int sub = vrank + mask < size ? mask : size - vrank; /* blocks in this subtree */
    if (sub == 1) {
        if (vrank)
            mp_sched_send(s, a->sbuf, b, (vrank - mask + root) % size);
        else
            mp_sched_copy(s, a->sbuf, (char *)a->rbuf + (size_t)root * b, b);
        return;
    }
    char *out = a->rbuf;
    char *t = vrank == 0 && root == 0 ? out : mp_sched_scratch(s, (size_t)sub * b);
    if (!t) return;
    mp_sched_copy(s, a->sbuf, t, b);
    for (int m = 1; m < mask && vrank + m < size; m <<= 1) {
        int child = vrank + m, n = child + m < size ? m : size - child;
        mp_sched_recv(s, t + (size_t)m * b, (size_t)n * b, (child + root) % size);
    }
    mp_sched_round(s);
    if (vrank) {
        mp_sched_send(s, t, (size_t)sub * b, (vrank - mask + root) % size);
        return;
    }
    /* Relative block i belongs to rank (i + root) % size. */
    mp_sched_copy(s, t, out + (size_t)root * b, (size_t)(size - root) * b);
    mp_sched_copy(s, t + (size_t)(size - root) * b, out, (size_t)root * b);
}
