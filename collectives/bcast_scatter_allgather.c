/* Broadcast of large messages (van de Geijn): the message is cut into one chunk per rank, a
 * binomial scatter gives each rank its chunk, and a ring allgather completes every copy. Each
 * rank sends and receives about 2 n bytes however many ranks there are, where a binomial tree
 * makes interior ranks send n log2 p. Chunks are numbered relative to the root. */
#include "collectives/algorithms.h"

void mp_bcast_scatter_allgather(struct mp_sched *s, const struct mp_coll_args *a)
{
    const int size = s->size, root = a->root;
    const int vrank = (s->rank - root + size) % size;
    char *buf = a->rbuf;
    const size_t cs = (a->bytes + (size_t)size - 1) / (size_t)size;
#define CHUNK_OFF(i) ((size_t)(i)*cs < a->bytes ? (size_t)(i)*cs : a->bytes)

    /* Scatter: a rank owns the chunks of its subtree, [vrank, vrank + lowest set bit). */
    int mask = 1;
    while (mask < size && !(vrank & mask)) mask <<= 1;
    if (vrank) {
        int hi = vrank + mask < size ? vrank + mask : size;
        mp_sched_recv(s, buf + CHUNK_OFF(vrank), CHUNK_OFF(hi) - CHUNK_OFF(vrank), (vrank - mask + root) % size);
        mp_sched_round(s);
    }
    for (mask >>= 1; mask > 0; mask >>= 1) {
        int child = vrank + mask;
        if (child >= size) continue;
        int hi = child + mask < size ? child + mask : size;
        mp_sched_send(s, buf + CHUNK_OFF(child), CHUNK_OFF(hi) - CHUNK_OFF(child), (child + root) % size);
    }
    mp_sched_round(s);

    /* Ring allgather over the chunks. */
    const int right = (s->rank + 1) % size, left = (s->rank - 1 + size) % size;
    for (int k = 0; k < size - 1; k++) {
        int out = (vrank - k + size) % size, in = (vrank - k - 1 + size) % size;
        mp_sched_recv(s, buf + CHUNK_OFF(in), CHUNK_OFF(in + 1) - CHUNK_OFF(in), left);
        mp_sched_send(s, buf + CHUNK_OFF(out), CHUNK_OFF(out + 1) - CHUNK_OFF(out), right);
        mp_sched_round(s);
    }
#undef CHUNK_OFF
}
