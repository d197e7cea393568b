#include "core/params.h"

#include <errno.h>
#include <stdlib.h>

#include "core/log.h"

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
