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
};

struct mp_wire_cts {
    uint64_t sreq;
    uint64_t rreq;
};

#endif
