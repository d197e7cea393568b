/* Connections: opened lazily by the first send to a peer, authenticated by the handshake in
 * tcp_wire.h, and one per pair of ranks.
 *
 * When two ranks open connections to each other at once, each sees the other's HELLO while its
 * own is pending. The lower rank's connection wins: the lower rank refuses the higher rank's
 * HELLO and keeps waiting for ACCEPT on its own; the higher rank drops its own attempt and
 * accepts. Nothing but the handshake travels on a connection before it is accepted, so the
 * dropped one carries no data and queued packets simply leave on the winner, in order. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "boot/boot.h"
#include "core/log.h"
#include "transports/tcp/tcp.h"

/* Unauthenticated connections held at once; more are closed at once, so a flood of connections
 * cannot exhaust this rank's descriptors. */
#define TCP_PENDING_MAX 128

/* Out of descriptors, a pending connection would keep the listener readable forever and its
 * peer waiting for an answer: a spare descriptor, held while the listener is and given up for a
 * moment, lets it be accepted and closed with a log line, so the peer's call fails instead of
 * hanging. */
static int spare_fd = -1;

struct tcp_conn *mp_tcp_conn_new(int fd, int kind, int peer, uint32_t events)
{
    if (kind == C_LISTEN && spare_fd < 0) spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    struct tcp_conn *c = calloc(1, sizeof *c);
    struct epoll_event ev = {.events = events, .data.ptr = c};
    if (!c || epoll_ctl(tcp.epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
        MP_WARN("tcp: cannot watch a socket: %s", c ? strerror(errno) : "out of memory");
        free(c);
        close(fd);
        return NULL;
    }
    c->fd = fd;
    c->kind = kind;
    c->peer = peer;
    c->events = events;
    c->next = tcp.conns;
    tcp.conns = c;
    if (kind == C_IN_HELLO) tcp.pending_in++;
    return c;
}

void mp_tcp_conn_events(struct tcp_conn *c, uint32_t events)
{
    if (c->events == events || c->kind == C_DEAD) return;
    struct epoll_event ev = {.events = events, .data.ptr = c};
    if (epoll_ctl(tcp.epfd, EPOLL_CTL_MOD, c->fd, &ev) == 0) c->events = events;
}

/* The socket closes now; the structure is freed after the current progress pass, which may still
 * hold events for it. */
void mp_tcp_conn_close(struct tcp_conn *c)
{
    if (c->kind == C_DEAD) return;
    if (c->kind == C_IN_HELLO) tcp.pending_in--;
    if (c->kind == C_LISTEN && spare_fd >= 0) {
        close(spare_fd);
        spare_fd = -1;
    }
    epoll_ctl(tcp.epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    c->fd = -1;
    c->kind = C_DEAD;
    tcp.dead = 1;
}

void mp_tcp_fail(int peer, const char *fmt, ...)
{
    struct tcp_peer *p = &tcp.peers[peer];
    if (p->state == P_LOST) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->why, sizeof p->why, fmt, ap);
    va_end(ap);
    p->state = P_LOST;
    if (p->conn) mp_tcp_conn_close(p->conn);
    p->conn = NULL;
    tcp.lost = 1;
}

/* No Nagle delay for small packets; and a peer host that vanishes without a FIN or reset (power
 * loss, network partition) is noticed within about half a minute, by keepalive probes when the
 * connection is idle and by TCP_USER_TIMEOUT when sent data stays unacknowledged. Socket buffer
 * sizes are the kernel's (autotuned) unless MSGPASS_TCP_SNDBUF / MSGPASS_TCP_RCVBUF fix them. */
static void tune_socket(int fd)
{
    int one = 1, idle = 10, interval = 5, count = 3;
    unsigned user_timeout_ms = 30000;
    if (tcp.sndbuf) setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &tcp.sndbuf, sizeof tcp.sndbuf);
    if (tcp.rcvbuf) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &tcp.rcvbuf, sizeof tcp.rcvbuf);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
    setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout_ms, sizeof user_timeout_ms);
}

/* Handshake records are 48 bytes on a fresh connection: the socket buffer always takes them. */
static int send_record(struct tcp_conn *c, uint16_t type, int to)
{
    struct mp_tcp_hello h;
    mp_tcp_hello_fill(&h, &tcp.job, type, to);
    ssize_t n;
    do n = send(c->fd, &h, sizeof h, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return n == (ssize_t)sizeof h ? 0 : -1;
}

static int peer_address(int peer, struct sockaddr_in *sa)
{
    char key[MP_BOOT_KEY_MAX], val[MP_BOOT_VAL_MAX];
    snprintf(key, sizeof key, "tcp-%d", peer);
    if (mp_boot_get(key, val, sizeof val) != MPI_SUCCESS) return -1;
    char *colon = strrchr(val, ':');
    if (!colon) return -1;
    *colon = '\0';
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)atoi(colon + 1));
    return inet_pton(AF_INET, val, &sa->sin_addr) == 1 ? 0 : -1;
}

static void send_hello(struct tcp_conn *c)
{
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    if (err) {
        mp_tcp_fail(c->peer, "cannot connect to rank %d: %s", c->peer, strerror(err));
        return;
    }
    if (send_record(c, MP_TCP_HELLO, c->peer) != 0) {
        mp_tcp_fail(c->peer, "cannot send the handshake to rank %d: %s", c->peer, strerror(errno));
        return;
    }
    c->kind = C_OUT_HELLO;
    c->hs_got = 0;
    mp_tcp_conn_events(c, EPOLLIN);
}

void mp_tcp_open(int peer)
{
    struct tcp_peer *p = &tcp.peers[peer];
    struct sockaddr_in sa;
    if (peer_address(peer, &sa) != 0) {
        mp_tcp_fail(peer, "rank %d published no usable TCP address", peer);
        return;
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0 && (errno == EMFILE || errno == ENFILE)) {
        struct rlimit rl = {0, 0};
        getrlimit(RLIMIT_NOFILE, &rl);
        mp_tcp_fail(peer,
                    "cannot create a socket for rank %d: %s (ulimit -n is %llu): raise ulimit -n, a rank needs one "
                    "per tcp peer it talks to plus about 10",
                    peer, strerror(errno), (unsigned long long)rl.rlim_cur);
        return;
    }
    if (fd < 0) {
        mp_tcp_fail(peer, "cannot create a socket for rank %d: %s", peer, strerror(errno));
        return;
    }
    tune_socket(fd);
    int rc;
    do rc = connect(fd, (struct sockaddr *)&sa, sizeof sa);
    while (rc != 0 && errno == EINTR);
    if (rc != 0 && errno != EINPROGRESS) {
        int err = errno;
        close(fd);
        mp_tcp_fail(peer, "cannot connect to rank %d at %s:%d: %s", peer, inet_ntoa(sa.sin_addr), ntohs(sa.sin_port),
                    strerror(err));
        return;
    }
    p->conn = mp_tcp_conn_new(fd, C_CONNECTING, peer, EPOLLOUT);
    if (!p->conn) {
        mp_tcp_fail(peer, "cannot watch the connection to rank %d", peer);
        return;
    }
    p->state = P_OPENING;
    MP_DEBUG("tcp: connecting to rank %d at %s:%d", peer, inet_ntoa(sa.sin_addr), ntohs(sa.sin_port));
    if (rc == 0) send_hello(p->conn);
}

static void become_ready(int peer, struct tcp_conn *c)
{
    struct tcp_peer *p = &tcp.peers[peer];
    if (c->kind == C_IN_HELLO) tcp.pending_in--;
    c->kind = C_READY;
    c->peer = peer;
    p->conn = c;
    p->state = P_READY;
    if (mp_tcp_rx_init(&p->rx) != 0) {
        mp_tcp_fail(peer, "out of memory for the connection to rank %d", peer);
        return;
    }
    tcp.ready[tcp.nready++] = peer;
    MP_DEBUG("tcp: connected with rank %d", peer);
    mp_tcp_conn_events(c, EPOLLIN | (p->tx.count ? EPOLLOUT : 0));
    if (p->tx.count) mp_tcp_flush(peer);
}

static void describe(int fd, char *buf, size_t len)
{
    struct sockaddr_in sa;
    socklen_t alen = sizeof sa;
    if (getpeername(fd, (struct sockaddr *)&sa, &alen) == 0 && sa.sin_family == AF_INET)
        snprintf(buf, len, "%s:%d", inet_ntoa(sa.sin_addr), ntohs(sa.sin_port));
    else
        snprintf(buf, len, "an unknown address");
}

static void reject(struct tcp_conn *c, const char *why)
{
    char from[64];
    describe(c->fd, from, sizeof from);
    mp_log(MP_LOG_WARN, "tcp: closed a connection from %s: %s", from, why);
    mp_tcp_conn_close(c);
}

static void on_hello(struct tcp_conn *c)
{
    const char *why;
    int peer = mp_tcp_hello_check(&c->hs, &tcp.job, 1 << MP_TCP_HELLO, -1, &why);
    if (peer < 0) {
        reject(c, why);
        return;
    }
    struct tcp_peer *p = &tcp.peers[peer];
    int accept = p->state == P_IDLE || p->state == P_WAITING || (p->state == P_OPENING && tcp.job.rank > peer);
    if (!accept) {
        MP_DEBUG("tcp: refused rank %d's connection: %s", peer,
                 p->state == P_OPENING ? "ours to it, from the lower rank, wins" : "already connected");
        send_record(c, MP_TCP_REFUSE, peer);
        mp_tcp_conn_close(c);
        return;
    }
    if (p->state == P_OPENING) {
        MP_DEBUG("tcp: rank %d connected to us while we connected to it: its connection wins (lower rank)", peer);
        mp_tcp_conn_close(p->conn);
        p->conn = NULL;
    }
    if (send_record(c, MP_TCP_ACCEPT, peer) != 0) {
        mp_tcp_conn_close(c);
        mp_tcp_fail(peer, "cannot answer rank %d's handshake: %s", peer, strerror(errno));
        return;
    }
    become_ready(peer, c);
}

static void on_answer(struct tcp_conn *c)
{
    const char *why;
    int peer = c->peer;
    if (mp_tcp_hello_check(&c->hs, &tcp.job, 1 << MP_TCP_ACCEPT | 1 << MP_TCP_REFUSE, peer, &why) < 0) {
        mp_tcp_fail(peer, "rank %d's answer to the handshake is invalid: %s", peer, why);
        return;
    }
    if (c->hs.type == MP_TCP_ACCEPT) {
        become_ready(peer, c);
        return;
    }
    mp_tcp_conn_close(c);
    tcp.peers[peer].conn = NULL;
    tcp.peers[peer].state = P_WAITING;
}

void mp_tcp_on_handshake(struct tcp_conn *c, uint32_t ev)
{
    if (c->kind == C_CONNECTING) {
        if (ev & (EPOLLOUT | EPOLLERR | EPOLLHUP)) send_hello(c);
        return;
    }
    while (c->hs_got < sizeof c->hs) {
        ssize_t n = recv(c->fd, (char *)&c->hs + c->hs_got, sizeof c->hs - c->hs_got, 0);
        if (n > 0) {
            c->hs_got += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
        if (c->kind == C_IN_HELLO) {
            if (c->hs_got)
                reject(c, "closed in the middle of the handshake");
            else
                mp_tcp_conn_close(c);
        } else {
            mp_tcp_fail(c->peer, "rank %d closed the connection during the handshake%s%s", c->peer, n ? ": " : "",
                        n ? strerror(errno) : "");
        }
        return;
    }
    if (c->kind == C_IN_HELLO)
        on_hello(c);
    else
        on_answer(c);
}

/* Returns 1 when it took a waiting connection (accept fails with EMFILE also when none waits). */
static int refuse_without_fds(int err)
{
    close(spare_fd);
    int fd = accept4(tcp.listener->fd, NULL, NULL, SOCK_CLOEXEC);
    if (fd >= 0) {
        struct rlimit rl = {0, 0};
        getrlimit(RLIMIT_NOFILE, &rl);
        char from[64];
        describe(fd, from, sizeof from);
        mp_log(MP_LOG_WARN,
               "tcp: closed a connection from %s: this rank is out of file descriptors (%s; ulimit -n is %llu): "
               "raise ulimit -n, a rank needs one per tcp peer it talks to plus about 10",
               from, strerror(err), (unsigned long long)rl.rlim_cur);
        close(fd);
    }
    spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    return fd >= 0;
}

void mp_tcp_on_listen(void)
{
    for (;;) {
        int fd = accept4(tcp.listener->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if ((errno == EMFILE || errno == ENFILE) && spare_fd >= 0) {
                if (refuse_without_fds(errno)) continue;
                return;
            }
            if (errno == EMFILE || errno == ENFILE) {
                /* no spare either: stop accepting rather than spin on a readable listener */
                MP_WARN("tcp: out of file descriptors (%s) and no spare one: this rank accepts no more "
                        "connections; raise ulimit -n",
                        strerror(errno));
                mp_tcp_conn_events(tcp.listener, 0);
            } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
                MP_WARN("tcp: accept failed: %s", strerror(errno));
            }
            return;
        }
        if (tcp.pending_in >= TCP_PENDING_MAX) {
            char from[64];
            describe(fd, from, sizeof from);
            mp_log(MP_LOG_WARN, "tcp: closed a connection from %s: %d handshakes already pending", from,
                   TCP_PENDING_MAX);
            close(fd);
            continue;
        }
        tune_socket(fd);
        mp_tcp_conn_new(fd, C_IN_HELLO, -1, EPOLLIN);
    }
}
