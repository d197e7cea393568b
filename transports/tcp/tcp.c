/* TCP transport: set-up, the progress loop, shut-down. See tcp.h for how the files divide the
 * work and docs/tcp.md for the design. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>

#include "boot/boot.h"
#include "core/log.h"
#include "core/params.h"
#include "transports/tcp/tcp.h"

#define TCP_DEFAULT_EAGER 65536u
#define TCP_CONTROL_MAX 64   /* largest control payload beside an eager message */
#define TCP_READ_AHEAD 65536 /* staging room beyond one whole eager frame */
#define TCP_FINALIZE_S 10

struct tcp_state tcp;

/* The job secret: from mpprun (MSGPASS_JOB_SECRET), or else made by rank 0 and handed to the
 * others through the bootstrap's key-value store, which only the job's own processes reach. */
static int get_secret(int *from_kvs)
{
    const char *env = getenv("MSGPASS_JOB_SECRET");
    *from_kvs = 0;
    if (env) {
        if (mp_tcp_secret_parse(env, tcp.job.secret) == 0) return MPI_SUCCESS;
        mp_log(MP_LOG_WARN, "tcp: MSGPASS_JOB_SECRET must be %d hex digits", 2 * MP_TCP_SECRET_LEN);
        return MPI_ERR_OTHER;
    }
    *from_kvs = 1;
    if (tcp.job.rank != 0) return MPI_SUCCESS;
    if (getrandom(tcp.job.secret, sizeof tcp.job.secret, 0) != (ssize_t)sizeof tcp.job.secret) {
        mp_log(MP_LOG_WARN, "tcp: cannot make a job secret: %s", strerror(errno));
        return MPI_ERR_OTHER;
    }
    char hex[2 * MP_TCP_SECRET_LEN + 1];
    for (int i = 0; i < MP_TCP_SECRET_LEN; i++) snprintf(hex + 2 * i, 3, "%02x", tcp.job.secret[i]);
    return mp_boot_put("tcp-secret", hex);
}

static int publish_address(void)
{
    char key[MP_BOOT_KEY_MAX], val[MP_BOOT_VAL_MAX], ip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &tcp.addr.sin_addr, ip, sizeof ip);
    snprintf(key, sizeof key, "tcp-%d", tcp.job.rank);
    snprintf(val, sizeof val, "%s:%d", ip, ntohs(tcp.addr.sin_port));
    return mp_boot_put(key, val);
}

/* The kernel doubles a requested socket buffer size and caps it at net.core.[rw]mem_max. */
static int sockbuf_size(const char *name)
{
    size_t v = mp_env_size(name, 0);
    return v > INT_MAX / 2 ? INT_MAX / 2 : (int)v;
}

static int tcp_init(const struct mp_tl_peers *peers, const struct mp_tl_upcalls *up)
{
    tcp.job.rank = peers->rank;
    tcp.job.size = peers->size;
    tcp.up = *up;
    mp_tl_tcp.eager_max = mp_env_size("MSGPASS_TCP_EAGER_MAX", TCP_DEFAULT_EAGER);
    mp_tl_tcp.frag_max = mp_tl_tcp.eager_max + TCP_CONTROL_MAX;
    tcp.rx_cap = sizeof(struct mp_tcp_frame) + mp_tl_tcp.frag_max + TCP_READ_AHEAD;
    tcp.tx_cap = 2 * (sizeof(struct mp_tcp_frame) + mp_tl_tcp.frag_max);
    tcp.sndbuf = sockbuf_size("MSGPASS_TCP_SNDBUF");
    tcp.rcvbuf = sockbuf_size("MSGPASS_TCP_RCVBUF");
    tcp.peers = calloc((size_t)peers->size, sizeof *tcp.peers);
    tcp.ready = calloc((size_t)peers->size, sizeof *tcp.ready);
    tcp.epfd = epoll_create1(EPOLL_CLOEXEC);
    int rc = tcp.peers && tcp.ready && tcp.epfd >= 0 ? MPI_SUCCESS : MPI_ERR_NO_MEM;
    int from_kvs = 0;
    if (rc == MPI_SUCCESS) rc = get_secret(&from_kvs);
    if (rc == MPI_SUCCESS) rc = mp_tcp_listen(peers->nhosts == 1);
    if (rc == MPI_SUCCESS) rc = publish_address();
    /* Every rank reaches the fence even after a local failure, so no rank waits forever. */
    int rc_fence = mp_boot_fence();
    if (rc != MPI_SUCCESS) return rc;
    if (rc_fence != MPI_SUCCESS) return rc_fence;
    if (from_kvs && tcp.job.rank != 0) {
        char hex[MP_BOOT_VAL_MAX];
        if (mp_boot_get("tcp-secret", hex, sizeof hex) != MPI_SUCCESS ||
            mp_tcp_secret_parse(hex, tcp.job.secret) != 0) {
            mp_log(MP_LOG_WARN, "tcp: rank 0 published no job secret");
            return MPI_ERR_OTHER;
        }
    }
    MP_INFO("tcp: eager up to %zu bytes, rendezvous streams above; job secret %s", mp_tl_tcp.eager_max,
            from_kvs ? "made by rank 0" : "from MSGPASS_JOB_SECRET");
    return MPI_SUCCESS;
}

static void report_lost(void)
{
    tcp.lost = 0;
    for (int r = 0; r < tcp.job.size; r++) {
        struct tcp_peer *p = &tcp.peers[r];
        if (p->state != P_LOST || p->reported) continue;
        p->reported = 1;
        if (tcp.finalizing)
            mp_log(MP_LOG_WARN, "tcp: while finishing: %s", p->why);
        else
            tcp.up.lost(r, p->why);
    }
}

static void free_dead(void)
{
    tcp.dead = 0;
    struct tcp_conn **link = &tcp.conns;
    while (*link) {
        struct tcp_conn *c = *link;
        if (c->kind == C_DEAD) {
            *link = c->next;
            free(c);
        } else {
            link = &c->next;
        }
    }
}

static int resume_reading(void)
{
    int events = 0;
    for (int r = 0; r < tcp.job.size && tcp.resume; r++)
        if (tcp.peers[r].resume) events += mp_tcp_on_readable(r);
    return events;
}

static int dispatch(int timeout_ms)
{
    struct epoll_event ev[64];
    int n = epoll_wait(tcp.epfd, ev, 64, timeout_ms);
    int events = 0;
    for (int i = 0; i < n; i++) {
        struct tcp_conn *c = ev[i].data.ptr;
        uint32_t e = ev[i].events;
        switch (c->kind) {
        case C_LISTEN: mp_tcp_on_listen(); break;
        case C_READY:
            if (e & EPOLLOUT) events += mp_tcp_flush(c->peer);
            if (c->kind == C_READY && (e & (EPOLLIN | EPOLLERR | EPOLLHUP))) events += mp_tcp_on_readable(c->peer);
            break;
        case C_DEAD: break;
        default: mp_tcp_on_handshake(c, e); events++;
        }
    }
    if (MP_UNLIKELY(tcp.resume)) events += resume_reading();
    if (MP_UNLIKELY(tcp.lost)) report_lost();
    if (MP_UNLIKELY(tcp.dead)) free_dead();
    return events;
}

/* With few connections, reading each socket directly costs one syscall per pass where
 * epoll_wait and then recv cost two; epoll still runs every TCP_EPOLL_EVERY passes for new
 * connections and handshakes. While a large transfer is under way (a queue waits for socket
 * space, a stream is being read into its destination or has just been, and the next frame has
 * not begun to arrive) the passes go through epoll_wait
 * instead: it sees readiness without taking the socket's lock, where a recv or sendmsg that
 * finds nothing to do takes it and so competes with the other core delivering the data
 * (loopback: the sender's core runs the receiving side of TCP). */
#define TCP_DIRECT_MAX 2
#define TCP_EPOLL_EVERY 64

static int bulk_under_way(void)
{
    for (int i = 0; i < tcp.nready; i++) {
        const struct tcp_peer *p = &tcp.peers[tcp.ready[i]];
        if (p->tx.count || p->rx.placing || p->rx.after_stream) return 1;
    }
    return 0;
}

static int tcp_progress(void)
{
    if (tcp.nready > TCP_DIRECT_MAX || (++tcp.tick % TCP_EPOLL_EVERY) == 0 || bulk_under_way()) return dispatch(0);
    int events = 0;
    for (int i = 0; i < tcp.nready; i++) events += mp_tcp_on_readable(tcp.ready[i]);
    if (MP_UNLIKELY(tcp.lost | tcp.dead)) events += dispatch(0);
    return events;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Says BYE on every connection after what is still queued (on connections still being set up
 * too, once they are), then reads until every peer has said BYE and closed its side: closing
 * with unread bytes would reset the connection under a peer that may still be reading our last
 * packets. Returns 1 when everything is closed. */
static int close_step(void)
{
    int busy = 0;
    for (int r = 0; r < tcp.job.size; r++) {
        struct tcp_peer *p = &tcp.peers[r];
        if (p->state == P_OPENING || p->state == P_WAITING) busy = 1;
        if (p->state != P_READY) continue;
        if (!p->bye_queued) {
            mp_tcp_queue_bye(r);
            p->bye_queued = 1;
        }
        if (!p->shut && !p->tx.count) {
            shutdown(p->conn->fd, SHUT_WR);
            p->shut = 1;
        }
        if (!p->shut || !p->eof) busy = 1;
    }
    return !busy;
}

static void close_gracefully(void)
{
    double deadline = now_s() + TCP_FINALIZE_S;
    while (!close_step()) {
        if (now_s() > deadline) {
            mp_log(MP_LOG_WARN, "tcp: some peers did not close their connections within %d s", TCP_FINALIZE_S);
            return;
        }
        dispatch(100);
    }
}

static void tcp_finalize(void)
{
    if (!tcp.peers) return;
    tcp.finalizing = 1;
    close_gracefully();
    for (struct tcp_conn *c = tcp.conns; c; c = c->next) mp_tcp_conn_close(c);
    free_dead();
    for (int r = 0; r < tcp.job.size; r++) {
        mp_tcp_txq_free(&tcp.peers[r].tx);
        mp_tcp_rx_free(&tcp.peers[r].rx);
    }
    free(tcp.peers);
    free(tcp.ready);
    if (tcp.epfd >= 0) close(tcp.epfd);
    memset(&tcp, 0, sizeof tcp);
}

static int tcp_reachable(int peer)
{
    return peer != tcp.job.rank;
}

static int tcp_wait_fd(void)
{
    return tcp.epfd;
}

struct mp_tl_ops mp_tl_tcp = {
    .name = "tcp",
    .init = tcp_init,
    .finalize = tcp_finalize,
    .reachable = tcp_reachable,
    .send = mp_tcp_send,
    .send_stream = mp_tcp_send_stream,
    .progress = tcp_progress,
    .wait_fd = tcp_wait_fd,
};
