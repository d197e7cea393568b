#include "collectives/node_groups.h"

#include <stdlib.h>

#include "core/comm.h"

struct mp_node_groups *mp_node_groups_new(const struct mp_comm *c)
{
    const int n = c->size;
    struct mp_node_groups *g = malloc(sizeof *g);
    int *v = malloc((5 * (size_t)n + 1) * sizeof *v);
    int *node_at_host = malloc((size_t)mp_g.nhosts * sizeof *node_at_host);
    if (!g || !v || !node_at_host) {
        free(g);
        free(v);
        free(node_at_host);
        return NULL;
    }
    g->node_of = v;
    g->order = v + n;
    g->slot = v + 2 * (size_t)n;
    g->start = v + 3 * (size_t)n;
    for (int h = 0; h < mp_g.nhosts; h++) node_at_host[h] = -1;
    g->nnodes = 0;
    for (int r = 0; r < n; r++) {
        int h = mp_g.host_of[mp_comm_world_rank(c, r)];
        if (node_at_host[h] < 0) node_at_host[h] = g->nnodes++;
        g->node_of[r] = node_at_host[h];
    }
    free(node_at_host);
    g->leaders = g->start + g->nnodes + 1;
    /* Counting sort by node keeps ranks ascending inside each node. */
    for (int i = 0; i <= g->nnodes; i++) g->start[i] = 0;
    for (int r = 0; r < n; r++) g->start[g->node_of[r] + 1]++;
    g->max_node_size = 0;
    for (int i = 0; i < g->nnodes; i++) {
        if (g->start[i + 1] > g->max_node_size) g->max_node_size = g->start[i + 1];
        g->start[i + 1] += g->start[i];
    }
    /* Nodes are numbered as they first appear, so runs of consecutive ranks make node_of ascend. */
    g->contiguous = 1;
    for (int r = 1; r < n; r++) g->contiguous &= g->node_of[r] >= g->node_of[r - 1];
    int *fill = g->leaders; /* next free slot per node, then the leaders */
    for (int i = 0; i < g->nnodes; i++) fill[i] = g->start[i];
    for (int r = 0; r < n; r++) {
        g->slot[r] = fill[g->node_of[r]]++;
        g->order[g->slot[r]] = r;
    }
    for (int i = 0; i < g->nnodes; i++) g->leaders[i] = g->order[g->start[i]];
    /* An intercommunicator's ranks are its remote group's and its own rank is in the local group:
     * it gets the remote group's nodes, unused (collectives on intercommunicators are refused). */
    g->node = c->rank < n ? g->node_of[c->rank] : 0;
    return g;
}

void mp_node_groups_free(struct mp_node_groups *g)
{
    if (!g) return;
    free(g->node_of);
    free(g);
}
