/* What the TCP transport puts on a data connection: a handshake record each way, then frames.
 *
 * The connecting rank sends HELLO; the accepting rank answers ACCEPT (this connection carries
 * the pair's traffic from now on, both ways) or REFUSE (the pair uses the connection the
 * accepting rank opened itself). Both records carry the job secret, so each side proves to the
 * other that it belongs to the job before anything else is read. Records have a fixed length
 * and every field is checked before use.
 *
 * After the handshake each packet is a frame: struct mp_tcp_frame, then the payload. */
#ifndef MP_TCP_WIRE_H
#define MP_TCP_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "transports/tl.h"

#define MP_TCP_MAGIC 0x4d505443u /* "MPTC" */
#define MP_TCP_VERSION 1
#define MP_TCP_SECRET_LEN 16

enum mp_tcp_hello_type { MP_TCP_HELLO = 1, MP_TCP_ACCEPT = 2, MP_TCP_REFUSE = 3 };

struct mp_tcp_hello {
    uint32_t magic;
    uint16_t version;
    uint16_t type;   /* enum mp_tcp_hello_type */
    uint32_t length; /* sizeof(struct mp_tcp_hello) */
    int32_t from;    /* sender's world rank */
    int32_t to;      /* receiver's world rank */
    int32_t size;    /* world size */
    uint8_t secret[MP_TCP_SECRET_LEN];
    uint8_t pad[8];
};
_Static_assert(sizeof(struct mp_tcp_hello) == 48, "handshake record has a fixed size");

/* len == MP_TCP_BYE: the sender finished MPI_Finalize and sends nothing more. */
#define MP_TCP_BYE UINT64_MAX

struct mp_tcp_frame {
    uint64_t len; /* payload bytes after hdr */
    unsigned char hdr[MP_TL_HDR_SIZE];
};
_Static_assert(sizeof(struct mp_tcp_frame) == 24, "frame header has a fixed size");

struct mp_tcp_job {
    int rank;
    int size;
    uint8_t secret[MP_TCP_SECRET_LEN];
};

void mp_tcp_hello_fill(struct mp_tcp_hello *h, const struct mp_tcp_job *job, uint16_t type, int to);

/* Checks a received record of the expected type for `job`: returns the sender's rank, or -1 with
 * *why saying what was wrong. `from_expected` is the rank the record must come from, or -1 for
 * any other rank of the job. */
int mp_tcp_hello_check(const struct mp_tcp_hello *h, const struct mp_tcp_job *job, int type_mask, int from_expected,
                       const char **why);

/* Parses the job secret: 32 hex digits. Returns 0, or -1 for anything else. */
int mp_tcp_secret_parse(const char *hex, uint8_t out[MP_TCP_SECRET_LEN]);

/* Parses "a.b.c.d/bits" into a network and mask (host byte order). Returns 0, or -1. */
int mp_tcp_cidr_parse(const char *text, uint32_t *net, uint32_t *mask);

#endif
