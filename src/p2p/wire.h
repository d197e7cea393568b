/* What the engine puts on the wire: a 16-byte header in front of every packet, and for the
 * protocol packets a small fixed prefix of the payload. Request ids are the requests' addresses
 * in the process that owns them, echoed back unchanged by the peer. */
#ifndef MP_WIRE_H
#define MP_WIRE_H

#include <stdint.h>

#include "transports/tl.h"

enum mp_msg_type {
    MP_MSG_EAGER = 1,      /* payload: data */
    MP_MSG_EAGER_SYNC = 2, /* payload: sender request id, data; receiver answers ACK on match */
    MP_MSG_ACK = 3,        /* payload: sender request id */
    MP_MSG_RTS = 4,        /* payload: struct mp_wire_rts */
    MP_MSG_CTS = 5,        /* payload: struct mp_wire_cts */
    MP_MSG_DATA = 6,       /* payload: receiver request id, data fragment (in order) */
    MP_MSG_RMA_CTS = 7,    /* payload: struct mp_wire_rma_cts — single-copy rendezvous */
    MP_MSG_FIN = 8,        /* payload: sender request id; receiver has read its part */
    MP_MSG_DONE = 9,       /* payload: receiver request id; sender has written its part */
    MP_MSG_CANCEL = 10,    /* header: ctx and src of the message; payload: sender request id */
    MP_MSG_CANCEL_OK = 11, /* payload: sender request id; the unmatched message was withdrawn */
};

struct mp_wire_hdr {
    uint32_t ctx; /* matching context */
    int32_t src;  /* sender's rank in the communicator */
    int32_t tag;
    uint8_t type; /* enum mp_msg_type */
    uint8_t pad[3];
};
_Static_assert(sizeof(struct mp_wire_hdr) == MP_TL_HDR_SIZE, "wire header must fill the transport header");

struct mp_wire_rts {
    uint64_t sreq;
    uint64_t len;
    uint64_t addr; /* sender's buffer for single-copy transports (0: none), as the transport names it */
    uint64_t key;  /* the transport's key for that buffer (registered memory), else 0 */
};

/* The receiver copies [0, split) of the message itself, straight from the sender's buffer, and
 * asks the sender to copy [split, len) straight into the receive buffer at `addr`: two copy
 * streams, one per core. `len` is what fits the receive buffer. */
struct mp_wire_rma_cts {
    uint64_t sreq;
    uint64_t rreq;
    uint64_t addr;
    uint64_t split;
    uint64_t len;
};

/* flags of a CTS */
#define MP_CTS_FRAGMENTS 1u /* the receiver unpacks a non-contiguous layout: send fragments, not one stream */

struct mp_wire_cts {
    uint64_t sreq;
    uint64_t rreq;
    uint64_t flags;
};

#endif
