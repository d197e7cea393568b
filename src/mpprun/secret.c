/* Job secret: generation, hex form, SipHash-2-4 and the challenge-response handshake. */
#include "secret.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

int mpprun_secret_new(unsigned char secret[MPPRUN_SECRET_LEN])
{
    size_t got = 0;
    while (got < MPPRUN_SECRET_LEN) {
        ssize_t n = getrandom(secret + got, MPPRUN_SECRET_LEN - got, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        got += (size_t)n;
    }
    return 0;
}

void mpprun_secret_hex(const unsigned char secret[MPPRUN_SECRET_LEN], char out[MPPRUN_SECRET_HEX + 1])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < MPPRUN_SECRET_LEN; i++) {
        out[2 * i] = digits[secret[i] >> 4];
        out[2 * i + 1] = digits[secret[i] & 15];
    }
    out[MPPRUN_SECRET_HEX] = '\0';
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int mpprun_secret_parse(const char *hex, unsigned char secret[MPPRUN_SECRET_LEN])
{
    for (int i = 0; i < MPPRUN_SECRET_LEN; i++) {
        int hi = hexval(hex[2 * i]);
        int lo = hi < 0 ? -1 : hexval(hex[2 * i + 1]);
        if (lo < 0) return -1;
        secret[i] = (unsigned char)(hi << 4 | lo);
    }
    return hex[MPPRUN_SECRET_HEX] == '\0' ? 0 : -1;
}

static uint64_t load64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
    return v;
}

static void store64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i));
}

#define ROTL(x, b) (((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                                                                       \
    do {                                                                                                               \
        v0 += v1;                                                                                                      \
        v1 = ROTL(v1, 13);                                                                                             \
        v1 ^= v0;                                                                                                      \
        v0 = ROTL(v0, 32);                                                                                             \
        v2 += v3;                                                                                                      \
        v3 = ROTL(v3, 16);                                                                                             \
        v3 ^= v2;                                                                                                      \
        v0 += v3;                                                                                                      \
        v3 = ROTL(v3, 21);                                                                                             \
        v3 ^= v0;                                                                                                      \
        v2 += v1;                                                                                                      \
        v1 = ROTL(v1, 17);                                                                                             \
        v1 ^= v2;                                                                                                      \
        v2 = ROTL(v2, 32);                                                                                             \
    } while (0)

uint64_t mpprun_siphash(const unsigned char key[MPPRUN_SECRET_LEN], const void *msg, size_t len)
{
    const unsigned char *m = msg;
    uint64_t k0 = load64(key), k1 = load64(key + 8);
    uint64_t v0 = k0 ^ 0x736f6d6570736575ULL, v1 = k1 ^ 0x646f72616e646f6dULL;
    uint64_t v2 = k0 ^ 0x6c7967656e657261ULL, v3 = k1 ^ 0x7465646279746573ULL;
    size_t full = len & ~(size_t)7;
    for (size_t i = 0; i < full; i += 8) {
        uint64_t w = load64(m + i);
        v3 ^= w;
        SIPROUND;
        SIPROUND;
        v0 ^= w;
    }
    uint64_t last = (uint64_t)len << 56;
    for (size_t i = 0; i < (len & 7); i++) last |= (uint64_t)m[full + i] << (8 * i);
    v3 ^= last;
    SIPROUND;
    SIPROUND;
    v0 ^= last;
    v2 ^= 0xff;
    for (int i = 0; i < 4; i++) SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

static const char magic_challenge[8] = "MPPBOOT1";
static const char magic_hello[8] = "MPPROXY1";

/* Compares without an early exit: how long it takes says nothing about where tags differ. */
static int same_tag(const unsigned char *a, const unsigned char *b)
{
    unsigned char d = 0;
    for (int i = 0; i < 8; i++) d |= (unsigned char)(a[i] ^ b[i]);
    return d == 0;
}

static void proxy_tag(const unsigned char *secret, const unsigned char *nonce_m, const unsigned char host[4],
                      const unsigned char *nonce_p, unsigned char tag[8])
{
    unsigned char msg[5 + 2 * MPPRUN_HS_NONCE + 4];
    memcpy(msg, "proxy", 5);
    memcpy(msg + 5, nonce_m, MPPRUN_HS_NONCE);
    memcpy(msg + 5 + MPPRUN_HS_NONCE, host, 4);
    memcpy(msg + 9 + MPPRUN_HS_NONCE, nonce_p, MPPRUN_HS_NONCE);
    store64(tag, mpprun_siphash(secret, msg, sizeof msg));
}

static void mpprun_tag(const unsigned char *secret, const unsigned char *nonce_p, const unsigned char *nonce_m,
                       unsigned char tag[8])
{
    unsigned char msg[6 + 2 * MPPRUN_HS_NONCE];
    memcpy(msg, "mpprun", 6);
    memcpy(msg + 6, nonce_p, MPPRUN_HS_NONCE);
    memcpy(msg + 6 + MPPRUN_HS_NONCE, nonce_m, MPPRUN_HS_NONCE);
    store64(tag, mpprun_siphash(secret, msg, sizeof msg));
}

/* Nonces only need to be unpredictable and fresh; the secret's generator serves. */
static int new_nonce(unsigned char nonce[MPPRUN_HS_NONCE])
{
    return mpprun_secret_new(nonce);
}

int mpprun_hs_challenge(unsigned char out[MPPRUN_HS_CHALLENGE_LEN], unsigned char nonce[MPPRUN_HS_NONCE])
{
    if (new_nonce(nonce) < 0) return -1;
    memcpy(out, magic_challenge, 8);
    memcpy(out + 8, nonce, MPPRUN_HS_NONCE);
    return 0;
}

int mpprun_hs_hello(const unsigned char secret[MPPRUN_SECRET_LEN],
                    const unsigned char challenge[MPPRUN_HS_CHALLENGE_LEN], uint32_t host,
                    unsigned char out[MPPRUN_HS_HELLO_LEN], unsigned char nonce_p[MPPRUN_HS_NONCE])
{
    if (memcmp(challenge, magic_challenge, 8) != 0 || new_nonce(nonce_p) < 0) return -1;
    memcpy(out, magic_hello, 8);
    for (int i = 0; i < 4; i++) out[8 + i] = (unsigned char)(host >> (8 * i));
    memset(out + 12, 0, 4);
    memcpy(out + 16, nonce_p, MPPRUN_HS_NONCE);
    proxy_tag(secret, challenge + 8, out + 8, nonce_p, out + 32);
    return 0;
}

long mpprun_hs_check_hello(const unsigned char secret[MPPRUN_SECRET_LEN], const unsigned char nonce[MPPRUN_HS_NONCE],
                           const unsigned char hello[MPPRUN_HS_HELLO_LEN], unsigned char welcome[MPPRUN_HS_WELCOME_LEN],
                           const char **why)
{
    static const unsigned char zero[4];
    unsigned char tag[8];
    if (memcmp(hello, magic_hello, 8) != 0) {
        *why = "wrong magic or version";
        return -1;
    }
    if (memcmp(hello + 12, zero, 4) != 0) {
        *why = "reserved field not zero";
        return -1;
    }
    proxy_tag(secret, nonce, hello + 8, hello + 16, tag);
    if (!same_tag(tag, hello + 32)) {
        *why = "wrong job secret";
        return -1;
    }
    mpprun_tag(secret, hello + 16, nonce, welcome);
    uint32_t host = 0;
    for (int i = 3; i >= 0; i--) host = host << 8 | hello[8 + i];
    return (long)host;
}

int mpprun_hs_check_welcome(const unsigned char secret[MPPRUN_SECRET_LEN], const unsigned char nonce_p[MPPRUN_HS_NONCE],
                            const unsigned char challenge[MPPRUN_HS_CHALLENGE_LEN],
                            const unsigned char welcome[MPPRUN_HS_WELCOME_LEN])
{
    unsigned char tag[8];
    mpprun_tag(secret, nonce_p, challenge + 8, tag);
    return same_tag(tag, welcome) ? 0 : -1;
}
