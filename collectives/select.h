/* Algorithm selection: a rule table (collective, byte range, communicator-size range ->
 * algorithm), the built-in defaults written in the syntax of MSGPASS_COLL_RULES, and
 * MSGPASS_COLL_<NAME> to force one algorithm. */
#ifndef MP_COLL_SELECT_H
#define MP_COLL_SELECT_H

#include "collectives/algorithms.h"
#include "collectives/coll.h"

struct mp_coll_alg {
    const char *name;
    mp_coll_build_fn *build;
    int commutative_only; /* reduces in an order other than rank order */
    /* Node-aware (collectives/node_groups.h): rules pick it only on a communicator whose
     * hierarchy has two levels, and for a non-commutative op only when its nodes are runs of
     * consecutive ranks. */
    int hier;
};

/* The algorithm for a `kind` collective moving `bytes` (the measure each collective documents in
 * docs/collectives.md) on communicator `c`, given whether the op is commutative (1 when there
 * is no op). Every rank passing the same values gets the same algorithm. */
const struct mp_coll_alg *mp_coll_select(enum mp_coll_kind kind, size_t bytes, const struct mp_comm *c,
                                         int commutative);

/* The flat algorithm the rules (never MSGPASS_COLL_<NAME>) pick for one phase of a hierarchical
 * algorithm, run over a group of `size` ranks. */
const struct mp_coll_alg *mp_coll_select_flat(enum mp_coll_kind kind, size_t bytes, int size, int commutative);

#endif
