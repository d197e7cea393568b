/* The node structure of a communicator, which hierarchical collectives follow: its ranks grouped
 * by node (the bootstrap's host map), the node sub-communicator of each rank and the leaders
 * sub-communicator (the lowest rank of each node). The groups are rank lists over the parent's
 * collective context, so a hierarchical algorithm runs its phases as flat algorithms inside one
 * schedule (one tag, one request, blocking and nonblocking alike) and building them takes no
 * communication at all: every rank derives the same groups from job-wide data. */
#ifndef MP_COLL_NODE_GROUPS_H
#define MP_COLL_NODE_GROUPS_H

struct mp_comm;

struct mp_node_groups {
    int nnodes;        /* nodes, numbered in the order of their lowest rank */
    int max_node_size; /* ranks on the fullest node */
    /* Every node is a run of consecutive ranks, so node-by-node reduction keeps rank order. */
    int contiguous;
    int node;     /* this rank's node */
    int *node_of; /* rank -> node */
    int *order;   /* ranks sorted by node, then rank: node i is order[start[i] .. start[i + 1]) */
    int *start;   /* nnodes + 1 entries */
    int *slot;    /* rank -> its index in order */
    int *leaders; /* node -> its lowest rank */
};

/* The node members of this rank: the node sub-communicator's rank list, size and own index. */
static inline const int *mp_node_members(const struct mp_node_groups *g, int node)
{
    return g->order + g->start[node];
}
static inline int mp_node_size(const struct mp_node_groups *g, int node)
{
    return g->start[node + 1] - g->start[node];
}
static inline int mp_node_index(const struct mp_node_groups *g, int rank)
{
    return g->slot[rank] - g->start[g->node_of[rank]];
}

/* Spans more than one node with more than one rank on some node: the hierarchy has two levels. */
static inline int mp_node_groups_useful(const struct mp_node_groups *g)
{
    return g->nnodes > 1 && g->max_node_size > 1;
}

/* Builds the groups of communicator `c` (an intracommunicator's rank, size and world ranks);
 * NULL when out of memory. */
struct mp_node_groups *mp_node_groups_new(const struct mp_comm *c);
void mp_node_groups_free(struct mp_node_groups *g);

#endif
