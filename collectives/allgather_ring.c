/* Ring allgather: in step s every rank passes the block it received in step s - 1 (its own at
 * first) to its right neighbour, so after size - 1 steps every block has gone round. Bandwidth
 * optimal, latency linear in size; blocks may differ in size (allgatherv). */
#include "collectives/algorithms.h"

void mp_allgather_ring(struct mp_sched *s, const struct mp_coll_args *a)
{
    const int size = s->size, rank = s->rank;
    char *out = a->rbuf;
    mp_sched_copy(s, a->sbuf, out + mp_blk_off(a, rank), mp_blk_len(a, rank));
    const int right = (rank + 1) % size, left = (rank - 1 + size) % size;
    for (int k = 0; k < size - 1; k++) {
        int send_blk = (rank - k + size) % size, recv_blk = (rank - k - 1 + size) % size;
        mp_sched_recv(s, out + mp_blk_off(a, recv_blk), mp_blk_len(a, recv_blk), left);
        mp_sched_send(s, out + mp_blk_off(a, send_blk), mp_blk_len(a, send_blk), right);
        mp_sched_round(s);
    }
}
