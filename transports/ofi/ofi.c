/* libfabric transport: set-up and tear-down. Every rank opens one FI_EP_RDM endpoint, publishes
 * its address through the bootstrap's key-value store ("ofi-<rank>" = provider name and the
 * address in hex), and inserts all ranks' addresses into an address vector in world-rank order,
 * so a world rank is also the index of its fabric address. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rdma/fi_cm.h>
#include <rdma/fi_errno.h>

#include "boot/boot.h"
#include "core/log.h"
#include "core/params.h"
#include "mpi.h"
#include "transports/ofi/ofi.h"

#define OFI_ADDR_MAX 256 /* bytes of a raw endpoint name we can publish */

struct mp_ofi mp_ofi;

int mp_ofi_fail(const char *call, int fi_rc)
{
    mp_log(MP_LOG_WARN, "ofi: %s failed: %s (%d)", call, fi_strerror(fi_rc < 0 ? -fi_rc : fi_rc), fi_rc);
    return MPI_ERR_OTHER;
}

uint64_t mp_ofi_mr_key(void)
{
    return (mp_ofi.info->domain_attr->mr_mode & FI_MR_PROV_KEY) ? 0 : ++mp_ofi.next_key;
}

int mp_ofi_reg_local(void *buf, size_t len, struct fid_mr **mr, void **desc)
{
    *mr = NULL;
    *desc = NULL;
    if (!(mp_ofi.info->domain_attr->mr_mode & FI_MR_LOCAL)) return MPI_SUCCESS;
    int rc = fi_mr_reg(mp_ofi.domain, buf, len, FI_SEND | FI_RECV, 0, mp_ofi_mr_key(), 0, mr, NULL);
    if (rc) return mp_ofi_fail("fi_mr_reg", rc);
    if (mp_ofi.info->domain_attr->mr_mode & FI_MR_ENDPOINT) {
        if ((rc = fi_mr_bind(*mr, &mp_ofi.ep->fid, 0)) || (rc = fi_mr_enable(*mr)))
            return mp_ofi_fail("fi_mr_bind/fi_mr_enable", rc);
    }
    *desc = fi_mr_desc(*mr);
    return MPI_SUCCESS;
}

static int open_endpoint(void)
{
    struct fi_info *info = mp_ofi.info;
    int rc = fi_fabric(info->fabric_attr, &mp_ofi.fabric, NULL);
    if (rc) return mp_ofi_fail("fi_fabric", rc);
    if ((rc = fi_domain(mp_ofi.fabric, info, &mp_ofi.domain, NULL))) return mp_ofi_fail("fi_domain", rc);
    struct fi_av_attr av_attr = {.type = FI_AV_TABLE, .count = (size_t)mp_ofi.size};
    if ((rc = fi_av_open(mp_ofi.domain, &av_attr, &mp_ofi.av, NULL))) return mp_ofi_fail("fi_av_open", rc);
    struct fi_cq_attr cq_attr = {.format = FI_CQ_FORMAT_DATA, .wait_obj = FI_WAIT_NONE, .size = 0};
    if ((rc = fi_cq_open(mp_ofi.domain, &cq_attr, &mp_ofi.cq, NULL))) return mp_ofi_fail("fi_cq_open", rc);
    if ((rc = fi_endpoint(mp_ofi.domain, info, &mp_ofi.ep, NULL))) return mp_ofi_fail("fi_endpoint", rc);
    if ((rc = fi_ep_bind(mp_ofi.ep, &mp_ofi.av->fid, 0))) return mp_ofi_fail("fi_ep_bind(av)", rc);
    if ((rc = fi_ep_bind(mp_ofi.ep, &mp_ofi.cq->fid, FI_TRANSMIT | FI_RECV))) return mp_ofi_fail("fi_ep_bind(cq)", rc);
    if ((rc = fi_enable(mp_ofi.ep))) return mp_ofi_fail("fi_enable", rc);
    return MPI_SUCCESS;
}

static void to_hex(const unsigned char *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

static int from_hex(const char *in, unsigned char *out, size_t max, size_t *n)
{
    size_t len = strlen(in);
    if (len % 2 || len / 2 > max) return -1;
    for (size_t i = 0; i < len / 2; i++) {
        unsigned v;
        if (sscanf(in + 2 * i, "%2x", &v) != 1) return -1;
        out[i] = (unsigned char)v;
    }
    *n = len / 2;
    return 0;
}

/* Publishes this endpoint's address, then inserts every rank's into the address vector. */
static int exchange_addresses(void)
{
    unsigned char name[OFI_ADDR_MAX];
    size_t len = sizeof name;
    int rc = fi_getname(&mp_ofi.ep->fid, name, &len);
    if (rc) return mp_ofi_fail("fi_getname", rc);
    const char *prov = mp_ofi.info->fabric_attr->prov_name;
    char key[MP_BOOT_KEY_MAX], val[MP_BOOT_VAL_MAX];
    if (strlen(prov) + 2 + 2 * len >= sizeof val) {
        mp_log(MP_LOG_WARN, "ofi: endpoint address of %zu bytes does not fit the bootstrap", len);
        return MPI_ERR_INTERN;
    }
    snprintf(val, sizeof val, "%s:", prov);
    to_hex(name, len, val + strlen(val));
    snprintf(key, sizeof key, "ofi-%d", mp_ofi.rank);
    if ((rc = mp_boot_put(key, val)) != MPI_SUCCESS || (rc = mp_boot_fence()) != MPI_SUCCESS) return rc;

    unsigned char *all = malloc((size_t)mp_ofi.size * OFI_ADDR_MAX);
    mp_ofi.addr_of = malloc(sizeof(fi_addr_t) * (size_t)mp_ofi.size);
    if (!all || !mp_ofi.addr_of) {
        free(all);
        return MPI_ERR_NO_MEM;
    }
    size_t addrlen = 0;
    for (int r = 0; r < mp_ofi.size && rc == MPI_SUCCESS; r++) {
        snprintf(key, sizeof key, "ofi-%d", r);
        if ((rc = mp_boot_get(key, val, sizeof val)) != MPI_SUCCESS) {
            mp_log(MP_LOG_WARN, "ofi: rank %d published no libfabric address (is the ofi transport enabled there?)", r);
            break;
        }
        char *colon = strrchr(val, ':');
        size_t n = 0;
        if (!colon || (size_t)(colon - val) != strlen(prov) || strncmp(val, prov, strlen(prov))) {
            mp_log(MP_LOG_WARN, "ofi: rank %d uses provider '%.*s', this rank '%s': set MSGPASS_OFI_PROVIDER alike", r,
                   colon ? (int)(colon - val) : 0, val, prov);
            rc = MPI_ERR_OTHER;
        } else if (from_hex(colon + 1, all + (size_t)r * OFI_ADDR_MAX, OFI_ADDR_MAX, &n) || (addrlen && n != addrlen)) {
            mp_log(MP_LOG_WARN, "ofi: rank %d published a malformed address", r);
            rc = MPI_ERR_INTERN;
        }
        addrlen = n;
    }
    if (rc == MPI_SUCCESS) {
        /* AV_TABLE takes one packed array; compact the fixed-size slots to addrlen each. */
        for (int r = 1; r < mp_ofi.size; r++)
            memmove(all + (size_t)r * addrlen, all + (size_t)r * OFI_ADDR_MAX, addrlen);
        int n = fi_av_insert(mp_ofi.av, all, (size_t)mp_ofi.size, mp_ofi.addr_of, 0, NULL);
        if (n != mp_ofi.size) rc = mp_ofi_fail("fi_av_insert", n < 0 ? n : -FI_EINVAL);
    }
    free(all);
    return rc;
}

static int ofi_init(const struct mp_tl_peers *peers, const struct mp_tl_upcalls *up)
{
    mp_ofi.rank = peers->rank;
    mp_ofi.size = peers->size;
    mp_ofi.host_of = peers->host_of;
    mp_ofi.up = up;
    int rc = mp_ofi_choose_provider(peers->nhosts <= 1);
    if (rc == MPI_SUCCESS) rc = open_endpoint();
    if (rc == MPI_SUCCESS) rc = mp_ofi_data_init();
    if (rc == MPI_SUCCESS) rc = exchange_addresses();
    if (rc != MPI_SUCCESS) return rc;
    /* Single copy for every rendezvous message unless switched off or impossible (then fragments). */
    const char *why = !(mp_ofi.info->caps & FI_RMA)        ? " (the provider lacks FI_RMA)"
                      : !mp_env_long("MSGPASS_OFI_RMA", 1) ? " (MSGPASS_OFI_RMA=0)"
                                                           : NULL;
    if (why) {
        mp_tl_ofi.get = NULL;
        mp_tl_ofi.mem_expose = NULL;
        MP_INFO("ofi: rendezvous by fragments%s", why);
    } else {
        uint64_t m = mp_ofi.info->domain_attr->mr_mode;
        MP_INFO("ofi: rendezvous by fi_read from the sender's registered buffer (registration modes:%s%s%s%s%s)",
                m & FI_MR_LOCAL ? " local" : "", m & FI_MR_VIRT_ADDR ? " virt_addr" : " offsets",
                m & FI_MR_PROV_KEY ? " prov_key" : " own keys", m & FI_MR_ENDPOINT ? " endpoint" : "",
                m & FI_MR_ALLOCATED ? " allocated" : "");
    }
    return MPI_SUCCESS;
}

static void close_fid(struct fid *f)
{
    if (f) fi_close(f);
}

static void ofi_finalize(void)
{
    /* The endpoint goes first: it may still reference buffers and the CQ. */
    close_fid(mp_ofi.ep ? &mp_ofi.ep->fid : NULL);
    mp_ofi_data_finalize();
    close_fid(mp_ofi.cq ? &mp_ofi.cq->fid : NULL);
    close_fid(mp_ofi.av ? &mp_ofi.av->fid : NULL);
    close_fid(mp_ofi.domain ? &mp_ofi.domain->fid : NULL);
    close_fid(mp_ofi.fabric ? &mp_ofi.fabric->fid : NULL);
    if (mp_ofi.info) fi_freeinfo(mp_ofi.info);
    free(mp_ofi.addr_of);
    memset(&mp_ofi, 0, sizeof mp_ofi);
}

static int ofi_reachable(int peer)
{
    return !mp_ofi.same_host_only || mp_ofi.host_of[peer] == mp_ofi.host_of[mp_ofi.rank];
}

struct mp_tl_ops mp_tl_ofi = {
    .name = "ofi",
    .init = ofi_init,
    .finalize = ofi_finalize,
    .reachable = ofi_reachable,
    .send = mp_ofi_send,
    .progress = mp_ofi_progress,
    .rma_ok = mp_ofi_rma_ok,
    .get = mp_ofi_get,
    .mem_expose = mp_ofi_mem_expose,
    .mem_release = mp_ofi_mem_release,
    .rma_get_share = 100, /* the receiver reads it all: nothing for the sender to put */
};
