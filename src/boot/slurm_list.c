/* Slurm's compressed node and task lists (slurm_list.h). */
#include "boot/slurm_list.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOSTNAME_MAX 256
#define RANGE_MAX 1000000 /* numbers in one bracket range: a guard against "n[0-999999999]" */

int mp_slurm_tasks_per_node(const char *list, int *out, int max)
{
    if (!list || !*list) return -1;
    int nodes = 0;
    for (const char *p = list;;) {
        char *end;
        errno = 0;
        long n = strtol(p, &end, 10), reps = 1;
        if (end == p || !isdigit((unsigned char)*p) || errno || n < 1 || n > 1000000) return -1;
        if (!strncmp(end, "(x", 2)) {
            const char *r = end + 2;
            reps = strtol(r, &end, 10);
            if (end == r || !isdigit((unsigned char)*r) || *end != ')' || reps < 1 || reps > RANGE_MAX) return -1;
            end++;
        }
        for (long i = 0; i < reps; i++, nodes++)
            if (nodes < max) out[nodes] = (int)n;
        if (!*end) return nodes;
        if (*end != ',' || !end[1]) return -1;
        p = end + 1;
    }
}

/* Expands one host expression (no top-level comma) of `len` bytes, `head` being what its
 * brackets already expanded to, counting the hosts in *found. Returns 0 or -1. */
static int expand(const char *head, const char *s, size_t len, char **out, int max, int *found)
{
    const char *open = memchr(s, '[', len);
    size_t hlen = strlen(head);
    if (!open) {
        if (hlen + len == 0 || hlen + len >= HOSTNAME_MAX || memchr(s, ']', len) || *found >= RANGE_MAX) return -1;
        if (*found < max) {
            char *name = malloc(hlen + len + 1);
            if (!name) return -1;
            memcpy(name, head, hlen);
            memcpy(name + hlen, s, len);
            name[hlen + len] = '\0';
            out[*found] = name;
        }
        (*found)++;
        return 0;
    }
    const char *close = memchr(open, ']', len - (size_t)(open - s));
    size_t plen = (size_t)(open - s);
    if (!close || close == open + 1 || memchr(s, ']', plen) || hlen + plen >= HOSTNAME_MAX) return -1;
    char prefix[HOSTNAME_MAX + 32];
    memcpy(prefix, head, hlen);
    memcpy(prefix + hlen, s, plen);
    const char *rest = close + 1;
    size_t rlen = len - (size_t)(rest - s);
    for (const char *r = open + 1; r < close;) {
        const char *comma = memchr(r, ',', (size_t)(close - r));
        const char *stop = comma ? comma : close;
        char *end;
        if (!isdigit((unsigned char)*r)) return -1;
        long lo = strtol(r, &end, 10), hi = lo;
        int width = (int)(end - r);
        if (*end == '-') {
            const char *h = end + 1;
            if (!isdigit((unsigned char)*h)) return -1;
            hi = strtol(h, &end, 10);
        }
        if (end != stop || hi < lo || hi - lo >= RANGE_MAX || width > 18) return -1;
        for (long v = lo; v <= hi; v++) {
            int n = snprintf(prefix + hlen + plen, sizeof prefix - hlen - plen, "%0*ld", width, v);
            if (n < 0 || hlen + plen + (size_t)n >= HOSTNAME_MAX) return -1;
            if (expand(prefix, rest, rlen, out, max, found) < 0) return -1;
        }
        if (comma && comma + 1 == close) return -1;
        r = comma ? comma + 1 : close;
    }
    return 0;
}

int mp_slurm_nodelist(const char *list, char **out, int max)
{
    if (!list || !*list) return -1;
    int found = 0;
    for (const char *p = list;;) {
        const char *q = p;
        int depth = 0;
        for (; *q && (depth || *q != ','); q++) {
            if (*q == '[' && ++depth > 1) break;
            if (*q == ']' && --depth < 0) break;
        }
        if (depth != 0 || (*q && *q != ',') || expand("", p, (size_t)(q - p), out, max, &found) < 0) {
            for (int i = 0; i < found && i < max; i++) {
                free(out[i]);
                out[i] = NULL;
            }
            return -1;
        }
        if (!*q) return found;
        p = q + 1;
    }
}
