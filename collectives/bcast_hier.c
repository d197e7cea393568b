/* Hierarchical broadcast: the root sends to one representative per node (the leader, or the root
 * itself on its own node) with a flat broadcast among them, then each representative broadcasts
 * inside its node. The message crosses between nodes nnodes - 1 times instead of size - 1. */
#include "collectives/algorithms.h"
#include "collectives/node_groups.h"

void mp_bcast_hier(struct mp_sched *s, const struct mp_coll_args *a)
{
    const struct mp_node_groups *g = s->comm->nodes;
    const int *reps = mp_hier_reps(s, a->root);
    if (!reps) return;
    struct mp_coll_args b = *a;
    if (s->comm->rank == reps[g->node]) {
        const int first = s->nsteps;
        mp_hier_reps_group(s, reps);
        b.root = g->node_of[a->root];
        mp_hier_flat(s, MP_COLL_BCAST, a->bytes, &b);
        /* A root that only sends to the other nodes serves its own node at the same time rather
         * than after its slowest cross-node send. */
        int receives = 0;
        for (int i = first; i < s->nsteps; i++) receives |= s->steps[i].kind == MP_STEP_RECV;
        if (receives) mp_sched_round(s);
    }
    mp_hier_node(s);
    b.root = mp_node_index(g, reps[g->node]);
    mp_hier_flat(s, MP_COLL_BCAST, a->bytes, &b);
    mp_hier_done(s);
}
