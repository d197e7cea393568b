#include "p2p/tl_select.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"

#ifdef MSGPASS_HAVE_OFI
#define ALL_TRANSPORTS "shm, tcp, ofi"
#else
#define ALL_TRANSPORTS "shm, tcp"
#endif

/* Position of each transport in MSGPASS_TRANSPORTS (1-based; 0: not allowed). */
static int parse_allowed(int *shm_pos, int *tcp_pos, int *ofi_pos)
{
    const char *spec = getenv("MSGPASS_TRANSPORTS");
    if (!spec) spec = "shm,tcp";
    *shm_pos = *tcp_pos = *ofi_pos = 0;
    int pos = 0;
    const char *p = spec;
    while (*p) {
        size_t n = strcspn(p, ",");
        pos++;
        if (n == 3 && !strncmp(p, "shm", 3)) {
            if (!*shm_pos) *shm_pos = pos;
        } else if (n == 3 && !strncmp(p, "tcp", 3)) {
            if (!*tcp_pos) *tcp_pos = pos;
#ifdef MSGPASS_HAVE_OFI
        } else if (n == 3 && !strncmp(p, "ofi", 3)) {
            if (!*ofi_pos) *ofi_pos = pos;
#endif
        } else if (n) {
            mp_log(MP_LOG_WARN, "MSGPASS_TRANSPORTS=%s: unknown transport '%.*s' (this build has: %s)", spec, (int)n, p,
                   ALL_TRANSPORTS);
            return MPI_ERR_OTHER;
        }
        p += n;
        if (*p) p++;
    }
    if (!*shm_pos && !*tcp_pos && !*ofi_pos) {
        mp_log(MP_LOG_WARN, "MSGPASS_TRANSPORTS=%s allows no transport (this build has: %s)", spec, ALL_TRANSPORTS);
        return MPI_ERR_OTHER;
    }
    return MPI_SUCCESS;
}

int mp_tl_plan(const int *host_of, int size, int rank, struct mp_tl_plan *plan)
{
    int shm_pos, tcp_pos, ofi_pos;
    memset(plan, 0, sizeof *plan);
    int rc = parse_allowed(&shm_pos, &tcp_pos, &ofi_pos);
    if (rc != MPI_SUCCESS) return rc;
    for (int r = 0; r < size; r++)
        if (host_of[r] + 1 > plan->nhosts) plan->nhosts = host_of[r] + 1;
    /* The network transport is whichever of tcp and ofi comes first. */
    int net_pos = tcp_pos;
    struct mp_tl_ops *net = &mp_tl_tcp;
#ifdef MSGPASS_HAVE_OFI
    if (ofi_pos && (!tcp_pos || ofi_pos < tcp_pos)) {
        net_pos = ofi_pos;
        net = &mp_tl_ofi;
    }
#endif
    plan->net_local = net_pos && (!shm_pos || net_pos < shm_pos);
    if (plan->nhosts > 1 && !net_pos) {
        for (int r = 0; r < size; r++)
            if (host_of[r] != host_of[rank]) {
                mp_log(MP_LOG_WARN,
                       "no allowed transport reaches rank %d on another host: MSGPASS_TRANSPORTS=%s (tcp and ofi "
                       "reach other hosts)",
                       r, getenv("MSGPASS_TRANSPORTS"));
                return MPI_ERR_OTHER;
            }
    }
    if (size > 1 && net_pos && (plan->nhosts > 1 || plan->net_local)) plan->net = net;
    plan->shm_host_of = malloc(sizeof(int) * (size_t)size);
    if (!plan->shm_host_of) return MPI_ERR_NO_MEM;
    for (int r = 0; r < size; r++) plan->shm_host_of[r] = plan->net_local ? r : host_of[r];
    return MPI_SUCCESS;
}

struct mp_tl_ops *mp_tl_choose(const struct mp_tl_plan *plan, const int *host_of, int rank, int peer)
{
    if (peer == rank) return &mp_tl_shm;
    if (host_of[peer] == host_of[rank] && !plan->net_local) return &mp_tl_shm;
    return plan->net;
}

/* Appends rank r to a range list such as "0-3,5" whose last range ends at *last. */
static void add_rank(char *buf, size_t cap, int r, int *last, int *open)
{
    size_t len = strlen(buf);
    if (len + 16 >= cap) return;
    if (*last == r - 1 && len) {
        *open = 1;
    } else {
        if (*open) len += (size_t)snprintf(buf + len, cap - len, "-%d", *last);
        snprintf(buf + len, cap - len, "%s%d", len ? "," : "", r);
        *open = 0;
    }
    *last = r;
}

void mp_tl_log_choice(struct mp_tl_ops *const *tl_of, int size)
{
    if (mp_log_level < MP_LOG_INFO) return;
#ifdef MSGPASS_HAVE_OFI
    struct mp_tl_ops *const tls[] = {&mp_tl_shm, &mp_tl_tcp, &mp_tl_ofi};
#else
    struct mp_tl_ops *const tls[] = {&mp_tl_shm, &mp_tl_tcp};
#endif
    char line[512] = "";
    for (size_t t = 0; t < sizeof tls / sizeof tls[0]; t++) {
        char ranks[400] = "";
        int last = -2, open = 0, count = 0;
        for (int r = 0; r < size; r++)
            if (tl_of[r] == tls[t]) {
                add_rank(ranks, sizeof ranks, r, &last, &open);
                count++;
            }
        if (!count) continue;
        if (open) snprintf(ranks + strlen(ranks), sizeof ranks - strlen(ranks), "-%d", last);
        size_t len = strlen(line);
        snprintf(line + len, sizeof line - len, "%s%s to %d rank%s (%s)", len ? "; " : "", tls[t]->name, count,
                 count == 1 ? "" : "s", ranks);
    }
    mp_log(MP_LOG_INFO, "transports: %s", line);
}

void mp_tl_plan_free(struct mp_tl_plan *plan)
{
    free(plan->shm_host_of);
    plan->shm_host_of = NULL;
}
