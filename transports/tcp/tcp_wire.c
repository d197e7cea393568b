#include "transports/tcp/tcp_wire.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

void mp_tcp_hello_fill(struct mp_tcp_hello *h, const struct mp_tcp_job *job, uint16_t type, int to)
{
    memset(h, 0, sizeof *h);
    h->magic = MP_TCP_MAGIC;
    h->version = MP_TCP_VERSION;
    h->type = type;
    h->length = sizeof *h;
    h->from = job->rank;
    h->to = to;
    h->size = job->size;
    memcpy(h->secret, job->secret, MP_TCP_SECRET_LEN);
}

/* Compares every byte whatever the first difference, so timing tells nothing about the secret. */
static int secret_equal(const uint8_t *a, const uint8_t *b)
{
    uint8_t diff = 0;
    for (int i = 0; i < MP_TCP_SECRET_LEN; i++) diff |= (uint8_t)(a[i] ^ b[i]);
    return diff == 0;
}

int mp_tcp_hello_check(const struct mp_tcp_hello *h, const struct mp_tcp_job *job, int type_mask, int from_expected,
                       const char **why)
{
    if (h->magic != MP_TCP_MAGIC) {
        *why = "wrong magic (not a libmsgpass connection)";
        return -1;
    }
    if (h->version != MP_TCP_VERSION) {
        *why = "unsupported protocol version";
        return -1;
    }
    if (h->length != sizeof *h) {
        *why = "wrong record length";
        return -1;
    }
    if (h->type >= 8 || !(type_mask & (1 << h->type))) {
        *why = "unexpected record type";
        return -1;
    }
    if (!secret_equal(h->secret, job->secret)) {
        *why = "wrong job secret";
        return -1;
    }
    if (h->size != job->size || h->to != job->rank) {
        *why = "record meant for another rank or job";
        return -1;
    }
    if (h->from < 0 || h->from >= job->size || h->from == job->rank ||
        (from_expected >= 0 && h->from != from_expected)) {
        *why = "record from an unexpected rank";
        return -1;
    }
    return h->from;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int mp_tcp_secret_parse(const char *hex, uint8_t out[MP_TCP_SECRET_LEN])
{
    if (!hex || strlen(hex) != 2 * MP_TCP_SECRET_LEN) return -1;
    for (int i = 0; i < MP_TCP_SECRET_LEN; i++) {
        int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

int mp_tcp_cidr_parse(const char *text, uint32_t *net, uint32_t *mask)
{
    const char *slash = strchr(text, '/');
    if (!slash || slash == text || (size_t)(slash - text) >= INET_ADDRSTRLEN) return -1;
    char addr[INET_ADDRSTRLEN];
    memcpy(addr, text, (size_t)(slash - text));
    addr[slash - text] = '\0';
    struct in_addr a;
    if (inet_pton(AF_INET, addr, &a) != 1) return -1;
    char *end;
    if (slash[1] < '0' || slash[1] > '9') return -1;
    long bits = strtol(slash + 1, &end, 10);
    if (*end || bits < 0 || bits > 32) return -1;
    *mask = bits ? ~(uint32_t)0 << (32 - bits) : 0;
    *net = ntohl(a.s_addr) & *mask;
    return 0;
}
