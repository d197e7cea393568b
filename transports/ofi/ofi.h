/* The libfabric transport's shared state, for the files of transports/ofi/ only.
 *
 * One FI_EP_RDM endpoint per process, an address vector (table) holding every rank's address in
 * world-rank order, one completion queue for sends and receives. Packets carry an 8-byte
 * transport header before the engine header: the sender's world rank (receive completions do
 * not name the sender otherwise) and a per-pair sequence number. Providers deliver messages in
 * order (FI_ORDER_SAS) but may complete them out of order (a large message finishing after a
 * later small one), so the receiver holds early packets in place until the gap is filled. */
#ifndef MP_OFI_H
#define MP_OFI_H

#include <rdma/fabric.h>
#include <rdma/fi_domain.h>
#include <rdma/fi_endpoint.h>
#include <stddef.h>
#include <stdint.h>

#include "transports/tl.h"

#define MP_OFI_HDR 8 /* transport header: u32 sender world rank, u32 sequence number */

/* A send buffer (provider-registered when the provider asks for FI_MR_LOCAL): the packet is
 * copied into it, so the engine's buffers are free as soon as send() returns. */
struct mp_ofi_bounce {
    struct fi_context2 ctx; /* first: completions hand back this pointer */
    struct mp_ofi_bounce *next;
    int peer;
    unsigned char *buf;
};

/* A posted receive buffer: one large multi-receive buffer, or one packet where the provider
 * lacks FI_MULTI_RECV. */
struct mp_ofi_rxbuf {
    struct fi_context2 ctx;
    unsigned char *buf;
    size_t len;
    int held;     /* packets in this buffer waiting for an earlier one */
    int released; /* the provider is done with it: post it again once nothing is held */
};

/* A packet that completed before an earlier one from the same sender; it stays in its buffer. */
struct mp_ofi_held {
    struct mp_ofi_held *next;
    uint32_t seq;
    const unsigned char *pkt;
    size_t len;
    struct mp_ofi_rxbuf *rx;
};

struct mp_ofi_peer {
    uint32_t tx_seq;          /* next sequence number to send */
    uint32_t rx_seq;          /* next sequence number to deliver */
    struct mp_ofi_held *held; /* early packets, by sequence number */
};

struct mp_ofi {
    struct fi_info *info;
    struct fid_fabric *fabric;
    struct fid_domain *domain;
    struct fid_av *av;
    struct fid_cq *cq;
    struct fid_ep *ep;
    struct fid_mr *tx_mr, *rx_mr; /* registrations of the bounce and receive areas, if needed */
    void *tx_desc, *rx_desc;
    fi_addr_t *addr_of; /* world rank -> fabric address */
    struct mp_ofi_peer *peers;
    uint64_t next_key; /* last registration key handed out */
    int read_peer;     /* the peer of the read mp_ofi_get waits for */
    int rank, size;
    const int *host_of;
    int same_host_only; /* the provider must not be used between hosts (shm) */
    const struct mp_tl_upcalls *up;

    size_t pkt_max;    /* transport header + engine header + frag_max */
    size_t inject_max; /* packets up to this size go out with fi_inject */
    unsigned char *tx_area;
    struct mp_ofi_bounce *bounces, *free_bounce;
    int nbounce;

    int multi_recv;
    unsigned char *rx_area;
    struct mp_ofi_rxbuf *rxbufs;
    int nrx;
};

extern struct mp_ofi mp_ofi;

/* Picks the provider (MSGPASS_OFI_PROVIDER, else the best one present) and fills mp_ofi.info. */
int mp_ofi_choose_provider(int single_host);

/* The requested key for a new registration: unique in this process where the provider leaves
 * keys to us (no FI_MR_PROV_KEY), else 0 (ignored). */
uint64_t mp_ofi_mr_key(void);

/* Registers `len` bytes at `buf` for local use when the provider needs it; *desc is then what
 * data transfer calls take. */
int mp_ofi_reg_local(void *buf, size_t len, struct fid_mr **mr, void **desc);

/* Buffers and data path (ofi_data.c). */
int mp_ofi_data_init(void);
void mp_ofi_data_finalize(void);
int mp_ofi_send(int peer, const void *hdr, const struct iovec *iov, int iovcnt);
int mp_ofi_progress(void);

/* Single copy (ofi_rma.c): registrations through a cache, fi_read by the receiver. */
int mp_ofi_rma_init(void);
void mp_ofi_rma_finalize(void);
int mp_ofi_rma_ok(int peer);
int mp_ofi_get(int peer, void *dst, uint64_t remote_src, uint64_t key, size_t len);
int mp_ofi_mem_expose(const void *buf, size_t len, uint64_t *key, uint64_t *raddr, void **handle);
void mp_ofi_mem_release(void *handle);

/* Reads the completion queue until the operation with context `ctx` completes (MPI_SUCCESS, or
 * an error class after a message), keeping every other completion for the next progress pass:
 * delivering packets from inside the engine's get would re-enter it. With ctx NULL, reads once. */
int mp_ofi_poll_until(void *ctx);

/* Prints a libfabric failure with the call that failed; returns an MPI error class. */
int mp_ofi_fail(const char *call, int fi_rc);

#endif
