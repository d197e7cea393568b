/* The transport interface: the only thing the point-to-point engine knows about moving bytes.
 *
 * A transport moves opaque packets — an engine header of MP_TL_HDR_SIZE bytes plus a payload —
 * to a peer (a world rank), in order per peer, and hands arriving packets to the engine's
 * receive upcall. It knows nothing of MPI matching.
 *
 * Calls return MP_TL_OK (done: the caller's buffers may be reused) or MP_TL_AGAIN (no resources
 * now, nothing happened: retry after progress). The fast path is send(): a transport copies the
 * packet now or refuses without side effects. */
#ifndef MP_TL_H
#define MP_TL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#define MP_TL_HDR_SIZE 16

enum { MP_TL_OK = 0, MP_TL_AGAIN = 1 };

/* Receive upcall: `hdr` (MP_TL_HDR_SIZE bytes) and `payload` are valid only during the call. */
typedef void (*mp_tl_recv_fn)(int peer, const void *hdr, const void *payload, size_t len);

struct mp_tl_peers {
    int rank;           /* this process's world rank */
    int size;           /* world size */
    const int *host_of; /* world rank -> host index (same index: same host) */
    const char *jobid;
};

struct mp_tl_ops {
    const char *name;
    /* Limits, valid after init: */
    size_t eager_max; /* largest message sent eagerly in one packet (larger ones: rendezvous) */
    size_t frag_max;  /* largest payload of any single packet */
    /* Sets up the transport for the job; collective over all ranks (uses the bootstrap). */
    int (*init)(const struct mp_tl_peers *peers, mp_tl_recv_fn on_recv);
    void (*finalize)(void);
    int (*reachable)(int peer);
    /* Copies hdr + the iovec payload (total ≤ frag_max) for `peer` now, or returns MP_TL_AGAIN. */
    int (*send)(int peer, const void *hdr, const struct iovec *iov, int iovcnt);
    /* Delivers arrived packets through the upcall; returns how many. */
    int (*progress)(void);

    /* Single copy between this process's memory and a peer's (NULL where unsupported). Both
     * return MPI_SUCCESS or an MPI error class; they block until the bytes are copied. */
    int (*rma_ok)(int peer);
    int (*get)(int peer, void *dst, uint64_t remote_src, size_t len);
    int (*put)(int peer, uint64_t remote_dst, const void *src, size_t len);
    size_t rma_min;         /* rendezvous messages at least this long use get/put */
    unsigned rma_get_share; /* percent of such a message the receiver gets; the sender puts the rest */
};

extern struct mp_tl_ops mp_tl_shm;
extern struct mp_tl_ops mp_tl_ofi;

#endif
