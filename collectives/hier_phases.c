/* Group switching and phase building shared by the hierarchical algorithms. */
#include "collectives/algorithms.h"
#include "collectives/node_groups.h"
#include "collectives/select.h"

void mp_hier_node(struct mp_sched *s)
{
    const struct mp_node_groups *g = s->comm->nodes;
    mp_sched_group(s, mp_node_members(g, g->node), mp_node_size(g, g->node), mp_node_index(g, s->comm->rank));
}

void mp_hier_done(struct mp_sched *s)
{
    mp_sched_group(s, NULL, s->comm->size, s->comm->rank);
}

const int *mp_hier_reps(struct mp_sched *s, int root)
{
    const struct mp_node_groups *g = s->comm->nodes;
    const int node = g->node_of[root];
    if (g->leaders[node] == root) return g->leaders;
    int *reps = mp_sched_scratch(s, (size_t)g->nnodes * sizeof *reps);
    if (!reps) return NULL;
    for (int i = 0; i < g->nnodes; i++) reps[i] = g->leaders[i];
    reps[node] = root;
    return reps;
}

void mp_hier_reps_group(struct mp_sched *s, const int *reps)
{
    const struct mp_node_groups *g = s->comm->nodes;
    mp_sched_group(s, reps, g->nnodes, g->node);
}

void mp_hier_flat(struct mp_sched *s, enum mp_coll_kind kind, size_t bytes, const struct mp_coll_args *a)
{
    mp_coll_select_flat(kind, bytes, s->size, s->red.commutative)->build(s, a);
}
