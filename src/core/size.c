/* Byte sizes as users write them; pure, so mpprun --doctor reads the variables as the ranks do. */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/params.h"

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
