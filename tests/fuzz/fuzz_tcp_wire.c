/* Fuzz target: what a stranger can send a listening TCP port before the job trusts it — the
 * 48-byte handshake record — and the strings a user can put in MSGPASS_JOB_SECRET and
 * MSGPASS_TCP_IF. A record may only be accepted when every field is right, and the parsers must
 * never read past their input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "transports/tcp/tcp_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mp_tcp_job job = {.rank = 1, .size = 4};
    memset(job.secret, 0x5a, sizeof job.secret);
    if (size >= sizeof(struct mp_tcp_hello)) {
        struct mp_tcp_hello h;
        memcpy(&h, data, sizeof h);
        const char *why = NULL;
        int mask = data[size - 1] & 0xff;
        int expected = (int)(data[0] % 6) - 1;
        int from = mp_tcp_hello_check(&h, &job, mask, expected, &why);
        if (from >= 0) {
            /* Accepted: then it really is a record of this job, for this rank, from a peer. */
            if (h.magic != MP_TCP_MAGIC || h.version != MP_TCP_VERSION || h.length != sizeof h || h.to != job.rank ||
                h.size != job.size || from == job.rank || from >= job.size || memcmp(h.secret, job.secret, 16) ||
                !(mask & (1 << h.type)) || (expected >= 0 && from != expected))
                abort();
        } else if (!why) {
            abort(); /* a refusal must say why */
        }
    }
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    uint8_t secret[MP_TCP_SECRET_LEN];
    if (mp_tcp_secret_parse(text, secret) == 0 && strlen(text) != 2 * MP_TCP_SECRET_LEN) abort();
    uint32_t net, mask;
    if (mp_tcp_cidr_parse(text, &net, &mask) == 0 && (net & ~mask)) abort();
    free(text);
    return 0;
}
