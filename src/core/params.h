/* Configuration from MSGPASS_* environment variables (each documented in docs/environment.md). */
#ifndef MP_PARAMS_H
#define MP_PARAMS_H

#include <stddef.h>

/* Parses a byte size such as "4096", "16K", "16KiB", "2M", "1G" (binary units). Returns 0 and
 * stores the value, or -1 for malformed text or overflow. */
int mp_parse_size(const char *text, size_t *value);

/* Value of environment variable `name` as a size, or `def` when unset; a malformed value is
 * reported (warning naming the variable) and `def` used. */
size_t mp_env_size(const char *name, size_t def);
/* Same for a non-negative integer. */
long mp_env_long(const char *name, long def);

#endif
