/* Hierarchical allreduce: each node reduces onto its leader, the leaders allreduce among
 * themselves, and each leader broadcasts the result inside its node. Only leaders talk across
 * nodes. Rank order holds when every node is a run of consecutive ranks (see reduce_hier.c). */
#include "collectives/algorithms.h"
#include "collectives/node_groups.h"

void mp_allreduce_hier(struct mp_sched *s, const struct mp_coll_args *a)
{
    const struct mp_node_groups *g = s->comm->nodes;
    const size_t bytes = a->count * s->red.extent;
    struct mp_coll_args b = *a;
    b.root = 0;
    mp_hier_node(s);
    mp_hier_flat(s, MP_COLL_REDUCE, bytes, &b);
    mp_sched_round(s);
    if (s->comm->rank == g->leaders[g->node]) {
        mp_hier_reps_group(s, g->leaders);
        b.sbuf = a->rbuf;
        mp_hier_flat(s, MP_COLL_ALLREDUCE, bytes, &b);
        mp_sched_round(s);
        mp_hier_node(s);
    }
    b.bytes = bytes;
    mp_hier_flat(s, MP_COLL_BCAST, bytes, &b);
    mp_hier_done(s);
}
