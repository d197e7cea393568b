/* Hierarchical barrier: the ranks of each node check in with their leader, the leaders run a flat
 * barrier among themselves, then each leader releases its node. Only leaders' messages cross
 * nodes: one per leader and round instead of one per rank and round. */
#include "collectives/algorithms.h"
#include "collectives/node_groups.h"

void mp_barrier_hier(struct mp_sched *s, const struct mp_coll_args *a)
{
    const struct mp_node_groups *g = s->comm->nodes;
    struct mp_coll_args release = {.rbuf = s, .bytes = 0, .root = 0};
    mp_hier_node(s);
    if (s->rank == 0) {
        for (int i = 1; i < s->size; i++) mp_sched_recv(s, s, 0, i);
        mp_sched_round(s);
        mp_hier_reps_group(s, g->leaders);
        mp_hier_flat(s, MP_COLL_BARRIER, 0, a);
        mp_sched_round(s);
        mp_hier_node(s);
    } else {
        mp_sched_send(s, s, 0, 0);
        mp_sched_round(s);
    }
    mp_hier_flat(s, MP_COLL_BCAST, 0, &release);
    mp_hier_done(s);
}
