/* Which transport carries the traffic with each peer: shm within a host, a network transport (tcp,
 * or ofi where MSGPASS_TRANSPORTS names it first) between hosts, as MSGPASS_TRANSPORTS allows and
 * orders (docs/tcp.md). The choice depends only on the host map and the environment, so every
 * rank of a job makes the same one for a pair. */
#ifndef MP_TL_SELECT_H
#define MP_TL_SELECT_H

#include "transports/tl.h"

struct mp_tl_plan {
    int *shm_host_of;      /* host map for shm: the real one where shm carries same-host traffic, else
                              every rank alone (shm then only carries a rank's messages to itself) */
    struct mp_tl_ops *net; /* the network transport some pair of ranks talks over, or NULL */
    int net_local;         /* same-host peers use it too (listed before shm, or shm not listed) */
    int nhosts;
};

/* Reads MSGPASS_TRANSPORTS and plans; MPI_SUCCESS or an error class after a message naming the
 * first peer no allowed transport reaches. */
int mp_tl_plan(const int *host_of, int size, int rank, struct mp_tl_plan *plan);
/* The transport for `peer` under the plan. */
struct mp_tl_ops *mp_tl_choose(const struct mp_tl_plan *plan, const int *host_of, int rank, int peer);
/* Logs one line: which peers each transport reaches (ranges of ranks). */
void mp_tl_log_choice(struct mp_tl_ops *const *tl_of, int size);
void mp_tl_plan_free(struct mp_tl_plan *plan);

#endif
