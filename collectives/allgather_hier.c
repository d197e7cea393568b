/* Hierarchical allgather(v): each leader gathers its node's blocks, the leaders allgatherv the
 * node bundles, and each leader broadcasts the whole set inside its node. Bundles hold a node's
 * blocks in rank order and nodes follow each other, so the gathered buffer is laid out by node;
 * when that is not the user's layout (nodes interleaved in rank order, allgatherv displacements)
 * every rank finally copies the blocks to their places. */
#include "collectives/algorithms.h"
#include "collectives/node_groups.h"

void mp_allgather_hier(struct mp_sched *s, const struct mp_coll_args *a)
{
    const struct mp_node_groups *g = s->comm->nodes;
    const int size = s->comm->size, rank = s->comm->rank;
    /* poff[i]: where the block of rank order[i] goes in the node-ordered buffer. */
    size_t *poff = mp_sched_scratch(s, (size_t)(size + 1) * sizeof *poff);
    size_t *v = mp_sched_scratch(s, 2 * (size_t)g->nnodes * sizeof *v);
    if (!poff || !v) return;
    poff[0] = 0;
    for (int i = 0; i < size; i++) poff[i + 1] = poff[i] + mp_blk_len(a, g->order[i]);
    int in_place = 1;
    for (int r = 0; r < size; r++) in_place &= mp_blk_off(a, r) == poff[g->slot[r]];
    char *p = in_place ? a->rbuf : mp_sched_scratch(s, poff[size]);
    if (!p) return;
    mp_hier_node(s);
    const int first = g->start[g->node];
    if (s->rank == 0) {
        mp_sched_copy(s, a->sbuf, p + poff[g->slot[rank]], mp_blk_len(a, rank));
        for (int i = 1; i < s->size; i++)
            mp_sched_recv(s, p + poff[first + i], poff[first + i + 1] - poff[first + i], i);
        mp_sched_round(s);
        struct mp_coll_args b = {.rbuf = p, .counts = v, .displs = v + g->nnodes};
        for (int n = 0; n < g->nnodes; n++) {
            v[g->nnodes + n] = poff[g->start[n]];
            v[n] = poff[g->start[n + 1]] - poff[g->start[n]];
        }
        b.sbuf = p + v[g->nnodes + g->node];
        mp_hier_reps_group(s, g->leaders);
        mp_hier_flat(s, MP_COLL_ALLGATHERV, poff[size] / (size_t)g->nnodes, &b);
        mp_sched_round(s);
        mp_hier_node(s);
    } else {
        mp_sched_send(s, a->sbuf, mp_blk_len(a, rank), 0);
        mp_sched_round(s);
    }
    struct mp_coll_args all = {.rbuf = p, .bytes = poff[size], .root = 0};
    mp_hier_flat(s, MP_COLL_BCAST, poff[size], &all);
    mp_hier_done(s);
    if (in_place) return;
    mp_sched_round(s);
    for (int r = 0; r < size; r++)
        mp_sched_copy(s, p + poff[g->slot[r]], (char *)a->rbuf + mp_blk_off(a, r), mp_blk_len(a, r));
}
