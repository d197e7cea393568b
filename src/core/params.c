#include "core/params.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"

int mp_parse_size(const char *text, size_t *value)
{
    if (!text || !isdigit((unsigned char)*text)) return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno) return -1;
    unsigned shift = 0;
    switch (toupper((unsigned char)*end)) {
    case 'K':
        shift = 10;
        end++;
        break;
    case 'M':
        shift = 20;
        end++;
        break;
    case 'G':
        shift = 30;
        end++;
        break;
    default: break;
    }
    if (shift && (!strcmp(end, "iB") || !strcmp(end, "B") || !strcmp(end, "ib") || !strcmp(end, "b")))
        end += strlen(end);
    if (*end) return -1;
    if (shift && v > (SIZE_MAX >> shift)) return -1;
    *value = (size_t)(v << shift);
    return 0;
}

size_t mp_env_size(const char *name, size_t def)
{
    const char *s = getenv(name);
    size_t v;
    if (!s || !*s) return def;
    if (mp_parse_size(s, &v) != 0) {
        MP_WARN("%s=%s is not a byte size (e.g. 4096, 16K, 1M); using %zu", name, s, def);
        return def;
    }
    return v;
}

long mp_env_long(const char *name, long def)
{
    const char *s = getenv(name);
    if (!s || !*s) return def;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < 0) {
        MP_WARN("%s=%s is not a non-negative integer; using %ld", name, s, def);
        return def;
    }
    return v;
}
