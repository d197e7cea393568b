/* The TCP transport's shared state, split over files by job: tcp.c (set-up, progress loop),
 * tcp_addr.c (which address to listen on), tcp_conn.c (lazy connections and the handshake),
 * tcp_tx.c (send path), tcp_rx.c (receive path).
 *
 * Every socket is nonblocking and registered with one epoll set; progress() dispatches its
 * events. A peer's traffic uses one connection both ways, opened by whichever rank sends first;
 * when both open one at once, the lower rank's connection wins (tcp_conn.c). */
#ifndef MP_TCP_H
#define MP_TCP_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "transports/tcp/tcp_wire.h"
#include "transports/tl.h"

enum tcp_conn_kind {
    C_LISTEN,     /* the listening socket */
    C_IN_HELLO,   /* accepted, reading the peer's HELLO */
    C_CONNECTING, /* our connect() in progress */
    C_OUT_HELLO,  /* HELLO sent, reading ACCEPT or REFUSE */
    C_READY,      /* the peer's data connection */
    C_DEAD,       /* closed, freed at the end of this progress pass */
};

struct tcp_conn {
    int fd;
    int kind;
    int peer; /* -1 while unknown */
    uint32_t events;
    size_t hs_got;
    struct mp_tcp_hello hs;
    struct tcp_conn *next; /* list of all connections */
};

enum tcp_peer_state {
    P_IDLE,    /* no connection yet */
    P_OPENING, /* our connection is being set up */
    P_WAITING, /* the peer refused ours: its own connection to us is on the way */
    P_READY,
    P_LOST,
};

/* One queued piece of outgoing bytes: `len` bytes at txbuf offset `off`, or at `ext` (the user's
 * buffer of a streamed packet; `ctx` is handed back through the sent upcall). */
struct tcp_txe {
    const char *ext;
    size_t off;
    size_t len;
    void *ctx;
};

#define TCP_TXQ_MAX 64

struct tcp_txq {
    struct tcp_txe e[TCP_TXQ_MAX];
    unsigned head, count;
    size_t done; /* bytes of the head entry already written */
    char *buf;   /* copies of packets that could not be written at once */
    size_t cap, used_from, used_to;
};

struct tcp_rx {
    unsigned char *buf; /* staging: bytes read ahead, parsed into frames */
    size_t cap, pos, end;
    /* A frame whose payload goes straight to the engine's destination: */
    int placing;
    struct mp_tcp_frame fr;
    unsigned char prefix[MP_TL_PLACE_PREFIX];
    char *dest;
    size_t room, got, total;
    int after_stream; /* the last frame was placed */
};

struct tcp_peer {
    int state;
    struct tcp_conn *conn; /* ours while opening, the data connection once ready */
    struct tcp_txq tx;
    struct tcp_rx rx;
    int bye;              /* the peer said BYE */
    int eof;              /* ... and closed its side */
    int bye_queued, shut; /* finalize: our BYE queued, our side closed */
    int resume;           /* staged frames left over from the last pass */
    int reported;         /* loss handed to the engine */
    char why[160];
};

struct tcp_state {
    struct mp_tcp_job job;
    struct mp_tl_upcalls up;
    int epfd;
    struct tcp_conn *listener;
    struct tcp_conn *conns;
    struct tcp_peer *peers;
    struct sockaddr_in addr; /* where this rank listens */
    char ifname[64];
    size_t rx_cap;      /* staging buffer per connection */
    size_t tx_cap;      /* copy buffer per peer */
    int sndbuf, rcvbuf; /* SO_SNDBUF / SO_RCVBUF for data connections; 0: the kernel's autotuning */
    int pending_in;     /* accepted connections not authenticated yet */
    int lost;           /* some peer is P_LOST and not reported */
    int dead;           /* some connection is C_DEAD and not freed */
    int resume;         /* peers with staged frames left over */
    int *ready;         /* peers with a data connection, in connection order */
    int nready;
    unsigned tick; /* progress passes, for the occasional epoll_wait in direct mode */
    int finalizing;
};

extern struct tcp_state tcp;

/* tcp_addr.c */
int mp_tcp_listen(int single_host);

/* tcp_conn.c */
struct tcp_conn *mp_tcp_conn_new(int fd, int kind, int peer, uint32_t events);
void mp_tcp_conn_events(struct tcp_conn *c, uint32_t events);
void mp_tcp_conn_close(struct tcp_conn *c);
void mp_tcp_open(int peer);
void mp_tcp_on_listen(void);
void mp_tcp_on_handshake(struct tcp_conn *c, uint32_t ev);
void mp_tcp_fail(int peer, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* tcp_tx.c */
int mp_tcp_send(int peer, const void *hdr, const struct iovec *iov, int iovcnt);
int mp_tcp_send_stream(int peer, const void *hdr, const struct iovec *iov, int iovcnt, const void *buf, size_t len,
                       void *ctx);
/* Writes what the peer's queue holds and hands finished streams back to the engine (so only from
 * progress). Returns the number handed back. */
int mp_tcp_flush(int peer);
/* Queues the BYE frame behind everything else for the peer (finalize). */
void mp_tcp_queue_bye(int peer);
void mp_tcp_txq_free(struct tcp_txq *q);

/* tcp_rx.c */
int mp_tcp_rx_init(struct tcp_rx *rx);
int mp_tcp_on_readable(int peer);
void mp_tcp_rx_free(struct tcp_rx *rx);

#endif
