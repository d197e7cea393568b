/* The collective algorithms, one per file. Each appends its steps to a schedule; failures are
 * left in the schedule's error. The entry points have already resolved MPI_IN_PLACE: sbuf then
 * points at this rank's contribution inside rbuf (or at rbuf itself for reductions). */
#ifndef MP_COLL_ALGORITHMS_H
#define MP_COLL_ALGORITHMS_H

#include "collectives/coll.h"
#include "collectives/sched.h"

struct mp_coll_args {
    const void *sbuf;
    void *rbuf;
    /* bcast: the message; allgather, alltoall, gather, scatter: one rank's block. */
    size_t bytes;
    /* Reductions: elements of the reduction type (the schedule's red) in the whole vector. */
    size_t count;
    int root;
    /* allgatherv, gatherv, scatterv: each rank's block (bytes) and its offset in the rooted or
     * gathered buffer; reduce_scatter: each rank's block in elements. NULL when blocks are
     * regular (`bytes` or count / size each, at rank * size). */
    const size_t *counts, *displs;
    /* alltoallv/w: bytes and byte offsets per peer, send and receive side. */
    const size_t *scounts, *sdispls, *rcounts, *rdispls;
};

typedef void mp_coll_build_fn(struct mp_sched *s, const struct mp_coll_args *a);

mp_coll_build_fn mp_barrier_dissemination, mp_barrier_recursive_doubling;
mp_coll_build_fn mp_bcast_binomial, mp_bcast_scatter_allgather;
mp_coll_build_fn mp_reduce_binomial, mp_reduce_scatter_gather;
mp_coll_build_fn mp_allreduce_recursive_doubling, mp_allreduce_rabenseifner, mp_allreduce_ring,
    mp_allreduce_reduce_bcast;
mp_coll_build_fn mp_allgather_recursive_doubling, mp_allgather_bruck, mp_allgather_ring;
mp_coll_build_fn mp_alltoall_bruck, mp_alltoall_pairwise, mp_alltoall_linear;
mp_coll_build_fn mp_gather_binomial, mp_gather_linear, mp_scatter_binomial, mp_scatter_linear;
mp_coll_build_fn mp_reduce_scatter_pairwise, mp_reduce_scatter_reduce_scatterv;
mp_coll_build_fn mp_scan_recursive_doubling, mp_scan_linear, mp_exscan_recursive_doubling, mp_exscan_linear;
/* Node-aware: phases inside each node and among node representatives (collectives/node_groups.h). */
mp_coll_build_fn mp_barrier_hier, mp_bcast_hier, mp_reduce_hier, mp_allreduce_hier, mp_allgather_hier;

/* ---- shared by several algorithms (patterns.c) ---- */

static inline int mp_pof2_floor(int n)
{
    int p = 1;
    while (p * 2 <= n) p *= 2;
    return p;
}

/* Block `i` of a gathered buffer: its length and offset in bytes. */
static inline size_t mp_blk_len(const struct mp_coll_args *a, int i)
{
    return a->counts ? a->counts[i] : a->bytes;
}
static inline size_t mp_blk_off(const struct mp_coll_args *a, int i)
{
    return a->displs ? a->displs[i] : (size_t)i * a->bytes;
}

/* alltoall(v,w): what goes to and comes from peer i. */
static inline size_t mp_slen(const struct mp_coll_args *a, int i)
{
    return a->scounts ? a->scounts[i] : a->bytes;
}
static inline size_t mp_soff(const struct mp_coll_args *a, int i)
{
    return a->sdispls ? a->sdispls[i] : (size_t)i * a->bytes;
}
static inline size_t mp_rlen(const struct mp_coll_args *a, int i)
{
    return a->rcounts ? a->rcounts[i] : a->bytes;
}
static inline size_t mp_roff(const struct mp_coll_args *a, int i)
{
    return a->rdispls ? a->rdispls[i] : (size_t)i * a->bytes;
}

/* Offset (in elements) of chunk i when n elements are cut into p chunks as evenly as possible. */
static inline size_t mp_chunk_off(size_t n, int p, int i)
{
    size_t q = n / (size_t)p, r = n % (size_t)p;
    return (size_t)i * q + ((size_t)i < r ? (size_t)i : r);
}

/* Reductions on sizes that are not a power of two start by folding: of the first 2 * rem ranks
 * (rem = size - pof2), each even one hands its vector `w` to the odd one above it, which folds it
 * in (lower rank on the left, so rank order is kept) and takes part in the power-of-two phase as
 * new rank rank / 2; ranks from 2 * rem on are new rank rank - rem. Returns the new rank, or -1
 * for a rank that sits out. `t` is scratch for `count` elements. */
int mp_fold_in(struct mp_sched *s, void *w, void *t, size_t count, size_t bytes);
/* The end of a folded reduction: odd ranks below 2 * rem send the result back to the even ones. */
void mp_fold_out(struct mp_sched *s, void *w, size_t bytes);
/* The rank of new rank `nr` in a fold. */
static inline int mp_fold_rank(int nr, int rem)
{
    return nr < rem ? 2 * nr + 1 : nr + rem;
}
/* w = mine op theirs when the peer is the higher rank, theirs op mine when lower; `t` holds
 * theirs (and is clobbered for non-commutative ops). */
void mp_reduce_ordered(struct mp_sched *s, void *w, void *t, size_t count, int peer_is_lower);

/* Recursive halving over pof2 chunks of `count` elements: each new rank ends with the chunk
 * returned in [*lo, *lo + 1) fully reduced in w (partners are adjacent, so rank order holds). */
void mp_halving(struct mp_sched *s, void *w, void *t, size_t count, int nr, int pof2, int rem, int *lo);

/* ---- phases of the hierarchical algorithms (hier_phases.c) ---- */

/* Addresses this rank's node group / the whole communicator again. */
void mp_hier_node(struct mp_sched *s);
void mp_hier_done(struct mp_sched *s);
/* The representative of each node for a collective rooted at `root`: the root on its own node,
 * the leader elsewhere (so the root's data need not detour through its leader). NULL when out of
 * scratch memory. */
const int *mp_hier_reps(struct mp_sched *s, int root);
/* Addresses the group of node representatives `reps`, in which this rank is its node's index. */
void mp_hier_reps_group(struct mp_sched *s, const int *reps);
/* Builds the flat algorithm the rules pick for a `kind` collective of `bytes` on the group now
 * addressed. */
void mp_hier_flat(struct mp_sched *s, enum mp_coll_kind kind, size_t bytes, const struct mp_coll_args *a);

#endif
