/* Hierarchical reduce: each node reduces onto its representative (the root on the root's node,
 * the leader elsewhere), then the representatives reduce onto the root. Node by node is rank
 * order only when every node is a run of consecutive ranks: the selection gives non-commutative
 * ops this algorithm only then. */
#include "collectives/algorithms.h"
#include "collectives/node_groups.h"

void mp_reduce_hier(struct mp_sched *s, const struct mp_coll_args *a)
{
    const struct mp_node_groups *g = s->comm->nodes;
    const int rank = s->comm->rank;
    const size_t bytes = a->count * s->red.extent;
    const int *reps = mp_hier_reps(s, a->root);
    if (!reps) return;
    const int rep = rank == reps[g->node];
    /* A representative other than the root keeps its node's partial result in scratch. */
    void *part = rank == a->root ? a->rbuf : rep ? mp_sched_scratch(s, bytes) : NULL;
    if (rep && !part) return;
    struct mp_coll_args b = *a;
    b.rbuf = part;
    b.root = mp_node_index(g, reps[g->node]);
    mp_hier_node(s);
    mp_hier_flat(s, MP_COLL_REDUCE, bytes, &b);
    if (rep) {
        mp_sched_round(s);
        mp_hier_reps_group(s, reps);
        b.sbuf = part;
        b.root = g->node_of[a->root];
        mp_hier_flat(s, MP_COLL_REDUCE, bytes, &b);
    }
    mp_hier_done(s);
}
