/* The job secret and the handshake that proves it on every bootstrap connection over the network.
 *
 * The secret (128 random bits) never crosses the network: each side answers the other's random
 * challenge with SipHash-2-4 keyed by the secret, so a peer that cannot show it is dropped before
 * anything else it sends is read, and a recorded handshake cannot be replayed. */
#ifndef MPPRUN_SECRET_H
#define MPPRUN_SECRET_H

#include <stddef.h>
#include <stdint.h>

#define MPPRUN_SECRET_LEN 16
#define MPPRUN_SECRET_HEX (2 * MPPRUN_SECRET_LEN)
#define MPPRUN_SECRET_ENV "MSGPASS_JOB_SECRET"

/* 0, or -1 when the kernel gives no random bytes. */
int mpprun_secret_new(unsigned char secret[MPPRUN_SECRET_LEN]);
/* out gets 32 lowercase hex digits and a NUL. */
void mpprun_secret_hex(const unsigned char secret[MPPRUN_SECRET_LEN], char out[MPPRUN_SECRET_HEX + 1]);
/* Exactly 32 hex digits. Returns 0 or -1. */
int mpprun_secret_parse(const char *hex, unsigned char secret[MPPRUN_SECRET_LEN]);

uint64_t mpprun_siphash(const unsigned char key[MPPRUN_SECRET_LEN], const void *msg, size_t len);

/* Handshake, right after the proxy's TCP connection is accepted:
 *   mpprun -> proxy  CHALLENGE  "MPPBOOT1" nonce_m[16]                                  (24 bytes)
 *   proxy -> mpprun  HELLO      "MPPROXY1" host[u32 LE] 0[u32] nonce_p[16] tag_p[8]     (40 bytes)
 *   mpprun -> proxy  WELCOME    tag_m[8]                                                (8 bytes)
 * tag_p = SipHash(secret, "proxy" nonce_m host nonce_p), tag_m = SipHash(secret, "mpprun" nonce_p
 * nonce_m); tags little-endian. Framed messages (wire.h) follow. */
#define MPPRUN_HS_CHALLENGE_LEN 24
#define MPPRUN_HS_HELLO_LEN 40
#define MPPRUN_HS_WELCOME_LEN 8
#define MPPRUN_HS_NONCE 16

/* mpprun: a fresh challenge (nonce kept for checking the reply). Returns 0 or -1. */
int mpprun_hs_challenge(unsigned char out[MPPRUN_HS_CHALLENGE_LEN], unsigned char nonce[MPPRUN_HS_NONCE]);
/* proxy: checks the challenge and builds its reply. Returns 0 or -1 (not a challenge). */
int mpprun_hs_hello(const unsigned char secret[MPPRUN_SECRET_LEN],
                    const unsigned char challenge[MPPRUN_HS_CHALLENGE_LEN], uint32_t host,
                    unsigned char out[MPPRUN_HS_HELLO_LEN], unsigned char nonce_p[MPPRUN_HS_NONCE]);
/* mpprun: checks a HELLO against its nonce. Returns the host index, or -1 with *why set. */
long mpprun_hs_check_hello(const unsigned char secret[MPPRUN_SECRET_LEN], const unsigned char nonce[MPPRUN_HS_NONCE],
                           const unsigned char hello[MPPRUN_HS_HELLO_LEN], unsigned char welcome[MPPRUN_HS_WELCOME_LEN],
                           const char **why);
/* proxy: 0 when mpprun's WELCOME proves the secret, else -1. */
int mpprun_hs_check_welcome(const unsigned char secret[MPPRUN_SECRET_LEN], const unsigned char nonce_p[MPPRUN_HS_NONCE],
                            const unsigned char challenge[MPPRUN_HS_CHALLENGE_LEN],
                            const unsigned char welcome[MPPRUN_HS_WELCOME_LEN]);

#endif
