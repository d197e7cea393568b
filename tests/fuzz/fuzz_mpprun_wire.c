/* Fuzz target: what reaches mpprun's port for proxies, and a proxy's connection to mpprun — the
 * handshake records (secret.h) and the frames after it (wire.h). The bytes arrive in pieces of
 * fuzzed sizes; every frame handed out lies inside the buffer and within the size limit, a text
 * payload is only accepted without NUL bytes, a record only passes with the right secret, and a
 * frame built by the sender side parses back to what was built. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mpprun/secret.h"
#include "mpprun/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const unsigned char secret[MPPRUN_SECRET_LEN] = "0123456789abcdef";

static void handshake(const uint8_t *data, size_t size)
{
    unsigned char nonce[MPPRUN_HS_NONCE] = {7}, welcome[MPPRUN_HS_WELCOME_LEN];
    if (size >= MPPRUN_HS_HELLO_LEN) {
        const char *why = NULL;
        long host = mpprun_hs_check_hello(secret, nonce, data, welcome, &why);
        if (host < 0 && !why) abort(); /* a refusal says why */
        if (host >= 0) {               /* only a record carrying the secret's tag passes */
            unsigned char ch[MPPRUN_HS_CHALLENGE_LEN], hello[MPPRUN_HS_HELLO_LEN], np[MPPRUN_HS_NONCE];
            memcpy(ch, "MPPBOOT1", 8);
            memcpy(ch + 8, nonce, MPPRUN_HS_NONCE);
            if (mpprun_hs_hello(secret, ch, (uint32_t)host, hello, np) != 0) abort();
            if (mpprun_hs_check_welcome(secret, data + 16, ch, welcome) != 0) abort();
        }
    }
    if (size >= MPPRUN_HS_CHALLENGE_LEN + MPPRUN_HS_WELCOME_LEN) {
        unsigned char hello[MPPRUN_HS_HELLO_LEN], np[MPPRUN_HS_NONCE];
        if (mpprun_hs_hello(secret, data, 3, hello, np) == 0) {
            if (memcmp(data, "MPPBOOT1", 8)) abort();
            /* a guessed welcome passes only if it is the right tag; the right one always does */
            const char *why = NULL;
            unsigned char right[MPPRUN_HS_WELCOME_LEN];
            if (mpprun_hs_check_hello(secret, data + 8, hello, right, &why) != 3) abort();
            if (mpprun_hs_check_welcome(secret, np, data, right) != 0) abort();
            if (memcmp(right, data + MPPRUN_HS_CHALLENGE_LEN, MPPRUN_HS_WELCOME_LEN) &&
                mpprun_hs_check_welcome(secret, np, data, data + MPPRUN_HS_CHALLENGE_LEN) == 0)
                abort();
        }
    }
    char *text = malloc(size + 1);
    if (!text) return;
    memcpy(text, data, size);
    text[size] = '\0';
    unsigned char parsed[MPPRUN_SECRET_LEN];
    char hex[MPPRUN_SECRET_HEX + 1];
    if (mpprun_secret_parse(text, parsed) == 0) {
        mpprun_secret_hex(parsed, hex);
        if (strlen(text) != MPPRUN_SECRET_HEX || strcasecmp(hex, text)) abort();
    }
    free(text);
}

static void frames(const uint8_t *data, size_t size)
{
    static struct mpprun_rbuf r;
    memset(&r, 0, offsetof(struct mpprun_rbuf, buf));
    size_t at = 0;
    while (at < size) {
        /* next piece: as a read() might return it */
        size_t piece = 1 + data[at] % 64 * 37;
        at++;
        if (piece > size - at) piece = size - at;
        if (r.start > 0) {
            memmove(r.buf, r.buf + r.start, r.len);
            r.start = 0;
        }
        if (piece > sizeof r.buf - r.len) piece = sizeof r.buf - r.len;
        memcpy(r.buf + r.len, data + at, piece);
        r.len += piece;
        at += piece;
        struct mpprun_frame f;
        const char *why = NULL;
        int rc;
        while ((rc = mpprun_rbuf_next(&r, &f, &why)) > 0) {
            if (f.len > MPPRUN_FRAME_MAX || f.data < r.buf || f.data + f.len > r.buf + sizeof r.buf) abort();
            char out[256];
            if (mpprun_frame_text(&f, out, sizeof out) == 0 && (strlen(out) != f.len || f.len >= sizeof out)) abort();
        }
        if (rc < 0) {
            if (!why) abort();
            return; /* the connection is closed */
        }
        if (piece == 0) return;
    }
}

static void roundtrip(const uint8_t *data, size_t size)
{
    if (size < 6 || size - 6 > MPPRUN_FRAME_MAX) return;
    struct mpprun_wbuf w = {0};
    uint32_t rank = (uint32_t)data[2] << 24 | data[3];
    size_t l1 = size - 6 < (size_t)data[4] * 4 ? size - 6 : (size_t)data[4] * 4;
    if (mpprun_wbuf_frame(&w, data[0], data[1], rank, data + 6, l1, data + 6 + l1, size - 6 - l1) != 0) abort();
    static struct mpprun_rbuf r;
    memset(&r, 0, offsetof(struct mpprun_rbuf, buf));
    memcpy(r.buf, w.buf + w.head, w.len);
    r.len = w.len;
    struct mpprun_frame f;
    const char *why = NULL;
    if (mpprun_rbuf_next(&r, &f, &why) != 1 || f.type != data[0] || f.flag != data[1] || f.rank != rank ||
        f.len != size - 6 || memcmp(f.data, data + 6, f.len) || r.len != 0)
        abort();
    mpprun_wbuf_free(&w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    handshake(data, size);
    frames(data, size);
    roundtrip(data, size);
    return 0;
}
