/* Which libfabric provider the transport uses: the one MSGPASS_OFI_PROVIDER names, or else the
 * best one present that gives a reliable datagram endpoint (FI_EP_RDM) with messages sent in
 * order. Real fabrics come before TCP; libfabric's shm provider is never used between hosts. */
#include <stdlib.h>
#include <string.h>

#include <rdma/fi_errno.h>

#include "core/log.h"
#include "mpi.h"
#include "transports/ofi/ofi.h"

/* Best first. A provider name matches an entry when it equals it or starts with it followed by
 * ';' (a utility provider layered on top, as in "verbs;ofi_rxm"). */
static const char *const preference[] = {"cxi",  "efa",         "verbs;ofi_rxm", "psm3", "opx",
                                         "psm2", "tcp;ofi_rxm", "tcp",           "shm"};
enum { NPREF = sizeof preference / sizeof preference[0] };

/* Providers that emulate a fabric badly enough that we never pick them by ourselves. */
static int never_by_default(const char *prov)
{
    return !strncmp(prov, "sockets", 7) || !strncmp(prov, "udp", 3) || strstr(prov, "ofi_rxd") != NULL ||
           strstr(prov, "ofi_hook") != NULL || !strncmp(prov, "net", 3);
}

static int name_matches(const char *prov, const char *want)
{
    size_t n = strlen(want);
    return !strncmp(prov, want, n) && (prov[n] == '\0' || prov[n] == ';');
}

static int rank_of(const char *prov)
{
    for (int i = 0; i < NPREF; i++)
        if (!strcmp(prov, preference[i])) return i;
    return NPREF;
}

static struct fi_info *make_hints(uint64_t caps, const char *prov)
{
    struct fi_info *h = fi_allocinfo();
    if (!h) return NULL;
    h->caps = caps;
    h->mode = FI_CONTEXT | FI_CONTEXT2;
    h->ep_attr->type = FI_EP_RDM;
    h->tx_attr->msg_order = FI_ORDER_SAS;
    h->rx_attr->msg_order = FI_ORDER_SAS;
    h->domain_attr->mr_mode = FI_MR_LOCAL | FI_MR_VIRT_ADDR | FI_MR_ALLOCATED | FI_MR_PROV_KEY | FI_MR_ENDPOINT;
    h->domain_attr->threading = FI_THREAD_DOMAIN;
    h->domain_attr->av_type = FI_AV_TABLE;
    if (prov) h->fabric_attr->prov_name = strdup(prov);
    return h;
}

static struct fi_info *query(uint64_t caps, const char *prov)
{
    struct fi_info *hints = make_hints(caps, prov), *list = NULL;
    if (!hints) return NULL;
    int rc = fi_getinfo(FI_VERSION(1, 9), NULL, NULL, 0, hints, &list);
    fi_freeinfo(hints);
    return rc == 0 ? list : NULL;
}

/* Whether `i` is the loopback domain of a network provider (tcp on "lo"). */
static int is_loopback(const struct fi_info *i)
{
    return i->domain_attr && i->domain_attr->name && !strcmp(i->domain_attr->name, "lo");
}

/* Among the entries of provider `prov` in `list`: on one host the loopback domain, else the first
 * domain that is not loopback. */
static struct fi_info *pick_domain(struct fi_info *list, const char *prov, int single_host)
{
    struct fi_info *first = NULL;
    for (struct fi_info *i = list; i; i = i->next) {
        if (strcmp(i->fabric_attr->prov_name, prov)) continue;
        if (is_loopback(i) == single_host) return i;
        if (!first) first = i;
    }
    return first;
}

int mp_ofi_choose_provider(int single_host)
{
    const char *want = getenv("MSGPASS_OFI_PROVIDER");
    if (want && !*want) want = NULL;
    struct fi_info *all = query(FI_MSG, NULL);
    if (!all) {
        mp_log(MP_LOG_WARN, "ofi: libfabric offers no reliable-datagram endpoint with ordered messages here");
        return MPI_ERR_OTHER;
    }
    const char *best = NULL;
    for (struct fi_info *i = all; i; i = i->next) {
        const char *p = i->fabric_attr->prov_name;
        if (want ? !name_matches(p, want) : never_by_default(p) || (!single_host && !strcmp(p, "shm"))) continue;
        if (!best || rank_of(p) < rank_of(best)) best = p;
    }
    if (!best) {
        if (want)
            mp_log(MP_LOG_WARN,
                   "ofi: provider '%s' (MSGPASS_OFI_PROVIDER) offers no reliable-datagram endpoint with ordered "
                   "messages here (fi_info lists what libfabric has)",
                   want);
        else
            mp_log(MP_LOG_WARN, "ofi: no usable libfabric provider here (fi_info lists what libfabric has)");
        fi_freeinfo(all);
        return MPI_ERR_OTHER;
    }
    char prov[64];
    strncpy(prov, best, sizeof prov - 1);
    prov[sizeof prov - 1] = '\0';
    fi_freeinfo(all);

    /* The richest set of capabilities this provider gives: single copy by fi_read, and one
     * receive buffer for many messages. */
    static const uint64_t tries[] = {FI_MSG | FI_RMA | FI_MULTI_RECV, FI_MSG | FI_RMA, FI_MSG | FI_MULTI_RECV, FI_MSG};
    for (size_t t = 0; t < sizeof tries / sizeof tries[0]; t++) {
        struct fi_info *list = query(tries[t], prov);
        struct fi_info *chosen = list ? pick_domain(list, prov, single_host) : NULL;
        if (chosen) {
            mp_ofi.info = fi_dupinfo(chosen);
            fi_freeinfo(list);
            if (!mp_ofi.info) return MPI_ERR_NO_MEM;
            mp_ofi.same_host_only = !strcmp(prov, "shm");
            MP_INFO("ofi: provider %s, domain %s, fabric %s%s%s%s", prov, mp_ofi.info->domain_attr->name,
                    mp_ofi.info->fabric_attr->name, want ? " (MSGPASS_OFI_PROVIDER)" : " (best present)",
                    (tries[t] & FI_RMA) ? ", RMA" : ", no RMA", (tries[t] & FI_MULTI_RECV) ? ", multi-receive" : "");
            return MPI_SUCCESS;
        }
        if (list) fi_freeinfo(list);
    }
    mp_log(MP_LOG_WARN, "ofi: provider %s lost its endpoint between two queries", prov);
    return MPI_ERR_OTHER;
}
