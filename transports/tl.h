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
/* Most iovec entries the engine passes to one send() or send_stream(); transports accept that many. */
#define MP_TL_IOV_MAX 34

enum { MP_TL_OK = 0, MP_TL_AGAIN = 1, MP_TL_QUEUED = 2 };

/* Bytes at the start of a payload that a transport reads before asking the engine where the rest
 * of the payload goes (the place upcall): the engine's request id. */
#define MP_TL_PLACE_PREFIX 8

/* What the engine offers the transports. */
struct mp_tl_upcalls {
    /* A packet arrived: `hdr` (MP_TL_HDR_SIZE bytes) and `payload` are valid only during the call. */
    void (*recv)(int peer, const void *hdr, const void *payload, size_t len);
    /* For transports that read payloads in pieces (streams): returns 1 with *dest, where the
     * payload after its first MP_TL_PLACE_PREFIX bytes should land, at most *room bytes of it
     * (the transport discards the rest); 0 to receive the packet whole through recv. After a 1,
     * placed() replaces recv() once all of the packet has been read. */
    int (*place)(int peer, const void *hdr, const void *prefix, size_t len, void **dest, size_t *room);
    void (*placed)(int peer, const void *hdr, const void *prefix, size_t len);
    /* A send_stream() that returned MP_TL_QUEUED no longer needs its buffer. Called from progress. */
    void (*sent)(void *ctx);
    /* The transport cannot reach `peer` any more (it vanished or broke the protocol). */
    void (*lost)(int peer, const char *why);
};

struct mp_tl_peers {
    int rank;           /* this process's world rank */
    int size;           /* world size */
    const int *host_of; /* world rank -> host index (same index: same host) */
    const char *jobid;
    int nhosts; /* distinct host indices in host_of */
};

struct mp_tl_ops {
    const char *name;
    /* Limits, valid after init: */
    size_t eager_max; /* largest message sent eagerly in one packet (larger ones: rendezvous) */
    size_t frag_max;  /* largest payload of any single packet */
    /* Sets up the transport for the job; collective over all ranks (uses the bootstrap). */
    int (*init)(const struct mp_tl_peers *peers, const struct mp_tl_upcalls *up);
    void (*finalize)(void);
    int (*reachable)(int peer);
    /* Copies hdr + the iovec payload (total ≤ frag_max) for `peer` now, or returns MP_TL_AGAIN. */
    int (*send)(int peer, const void *hdr, const struct iovec *iov, int iovcnt);
    /* Delivers arrived packets through the upcall; returns how many. */
    int (*progress)(void);
    /* Optional (NULL where unsupported): sends hdr + iov + the `len` bytes at `buf` as one packet
     * of any length, reading `buf` in place. MP_TL_OK: done; MP_TL_QUEUED: the transport still
     * reads `buf` and calls the sent upcall with `ctx` once it no longer does; MP_TL_AGAIN. */
    int (*send_stream)(int peer, const void *hdr, const struct iovec *iov, int iovcnt, const void *buf, size_t len,
                       void *ctx);
    /* Optional: a file descriptor that polls readable when progress() has work, so an idle rank
     * can sleep in poll() instead of a fixed nanosleep; -1 when there is none. */
    int (*wait_fd)(void);

    /* Single copy between this process's memory and a peer's (NULL where unsupported). Both
     * return MPI_SUCCESS or an MPI error class; they block until the bytes are copied. */
    int (*rma_ok)(int peer);
    int (*get)(int peer, void *dst, uint64_t remote_src, uint64_t key, size_t len);
    int (*put)(int peer, uint64_t remote_dst, const void *src, size_t len);
    size_t rma_min;         /* rendezvous messages at least this long use get/put */
    unsigned rma_get_share; /* percent of such a message the receiver gets; the sender puts the rest */
    /* Optional, for transports whose get() needs the sender's memory registered: exposes `len`
     * bytes at `buf` to peers' get(), giving the key and the address they pass to it, and a handle
     * for mem_release once the peer has read them. MPI_SUCCESS or an error class (then the
     * message takes the fragment path). */
    int (*mem_expose)(const void *buf, size_t len, uint64_t *key, uint64_t *raddr, void **handle);
    void (*mem_release)(void *handle);
};

extern struct mp_tl_ops mp_tl_shm;
extern struct mp_tl_ops mp_tl_tcp;
extern struct mp_tl_ops mp_tl_ofi; /* where built with libfabric (MSGPASS_HAVE_OFI) */

#endif
