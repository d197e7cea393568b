/* Receive path. Bytes are read ahead into a staging buffer and cut into frames there; a packet
 * that is there whole goes to the engine in place. A longer one (a rendezvous stream) is read
 * straight into the destination the engine names for it, past the staging buffer. A frame
 * header is checked before anything it announces is read: a length the staging buffer cannot
 * hold, for a packet the engine will not place, ends the connection as a protocol error. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "core/log.h"
#include "transports/tcp/tcp.h"

/* Frames handed to the engine per connection per progress pass, so one busy peer cannot starve
 * the others. */
#define TCP_RX_BATCH 64

int mp_tcp_rx_init(struct tcp_rx *rx)
{
    if (rx->buf) return 0;
    memset(rx, 0, sizeof *rx);
    rx->buf = malloc(tcp.rx_cap);
    rx->cap = tcp.rx_cap;
    return rx->buf ? 0 : -1;
}

void mp_tcp_rx_free(struct tcp_rx *rx)
{
    free(rx->buf);
    memset(rx, 0, sizeof *rx);
}

/* One recv(): > 0 bytes read, 0 nothing now, -1 the connection ended (peer failed or closed). */
static ssize_t read_some(int peer, void *dst, size_t len)
{
    struct tcp_peer *p = &tcp.peers[peer];
    ssize_t n;
    do n = recv(p->conn->fd, dst, len, MSG_DONTWAIT);
    while (n < 0 && errno == EINTR);
    if (n > 0) return n;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
    if (n == 0 && p->bye) {
        /* The socket stays open for our own BYE: closing it now would look like a crash. */
        p->eof = 1;
        mp_tcp_conn_events(p->conn, p->tx.count ? EPOLLOUT : 0);
    } else if (n == 0) {
        mp_tcp_fail(peer, "rank %d closed its connection unexpectedly (did it exit or crash?)", peer);
    } else {
        mp_tcp_fail(peer, "receiving from rank %d failed: %s", peer, strerror(errno));
    }
    return -1;
}

/* Moves the placed frame's bytes to its destination (the part beyond the room is discarded).
 * Returns 1 when the frame is complete, 0 when more must arrive, -1 when the connection ended. */
static int continue_placing(int peer, struct tcp_rx *rx)
{
    while (rx->got < rx->total) {
        size_t want = rx->total - rx->got;
        if (rx->pos < rx->end) {
            size_t n = rx->end - rx->pos < want ? rx->end - rx->pos : want;
            if (rx->got < rx->room) {
                size_t c = rx->room - rx->got < n ? rx->room - rx->got : n;
                memcpy(rx->dest + rx->got, rx->buf + rx->pos, c);
            }
            rx->pos += n;
            rx->got += n;
            continue;
        }
        rx->pos = rx->end = 0;
        size_t ask = rx->got < rx->room ? rx->room - rx->got : want < rx->cap ? want : rx->cap;
        void *to = rx->got < rx->room ? (void *)(rx->dest + rx->got) : (void *)rx->buf;
        ssize_t n = read_some(peer, to, ask);
        if (n <= 0) return (int)n;
        rx->got += (size_t)n;
        /* A short read emptied the socket: asking again now would only return EAGAIN. */
        if ((size_t)n < ask && rx->got < rx->total) return 0;
    }
    rx->placing = 0;
    return 1;
}

/* Returns the number of packets handed to the engine. */
int mp_tcp_on_readable(int peer)
{
    struct tcp_peer *p = &tcp.peers[peer];
    struct tcp_rx *rx = &p->rx;
    int events = 0;
    int drained = 0; /* the last read came short: the socket is empty, no need to ask again now */
    if (p->resume) {
        p->resume = 0;
        tcp.resume--;
    }
    while (p->state == P_READY && !p->eof) {
        if (events == TCP_RX_BATCH) {
            p->resume = 1;
            tcp.resume++;
            break;
        }
        if (rx->placing) {
            int rc = continue_placing(peer, rx);
            if (rc <= 0) break;
            tcp.up.placed(peer, rx->fr.hdr, rx->prefix, (size_t)rx->fr.len);
            rx->after_stream = 1;
            events++;
            continue;
        }
        size_t have = rx->end - rx->pos;
        if (have >= sizeof(struct mp_tcp_frame)) {
            struct mp_tcp_frame fr;
            memcpy(&fr, rx->buf + rx->pos, sizeof fr);
            if (fr.len == MP_TCP_BYE) {
                p->bye = 1;
                rx->pos += sizeof fr;
                continue;
            }
            size_t whole = sizeof fr + (size_t)fr.len;
            if (fr.len <= rx->cap - sizeof fr && have >= whole) {
                tcp.up.recv(peer, fr.hdr, rx->buf + rx->pos + sizeof fr, (size_t)fr.len);
                rx->pos += whole;
                events++;
                continue;
            }
            if (fr.len >= MP_TL_PLACE_PREFIX && have >= sizeof fr + MP_TL_PLACE_PREFIX) {
                void *dest;
                size_t room;
                const unsigned char *prefix = rx->buf + rx->pos + sizeof fr;
                if (tcp.up.place(peer, fr.hdr, prefix, (size_t)fr.len, &dest, &room)) {
                    rx->fr = fr;
                    memcpy(rx->prefix, prefix, MP_TL_PLACE_PREFIX);
                    rx->dest = dest;
                    rx->total = (size_t)fr.len - MP_TL_PLACE_PREFIX;
                    rx->room = room < rx->total ? room : rx->total;
                    rx->got = 0;
                    rx->placing = 1;
                    rx->pos += sizeof fr + MP_TL_PLACE_PREFIX;
                    continue;
                }
            }
            if (fr.len > rx->cap - sizeof fr) {
                mp_tcp_fail(peer,
                            "rank %d sent a %llu-byte packet, more than the %zu bytes allowed (do all ranks use "
                            "the same MSGPASS_TCP_EAGER_MAX?)",
                            peer, (unsigned long long)fr.len, rx->cap - sizeof fr);
                break;
            }
        }
        /* Read more: first make room after the partial frame. */
        if (drained) break;
        if (rx->pos == rx->end) {
            rx->pos = rx->end = 0;
        } else if (rx->pos && rx->cap - rx->end < rx->cap / 2) {
            memmove(rx->buf, rx->buf + rx->pos, rx->end - rx->pos);
            rx->end -= rx->pos;
            rx->pos = 0;
        }
        /* Right after a stream another one often follows: read only its header and prefix into
         * staging, so its data lands in the destination without an extra copy. */
        size_t want = rx->cap - rx->end;
        if (rx->after_stream && want > sizeof(struct mp_tcp_frame) + MP_TL_PLACE_PREFIX)
            want = sizeof(struct mp_tcp_frame) + MP_TL_PLACE_PREFIX;
        ssize_t n = read_some(peer, rx->buf + rx->end, want);
        if (n <= 0) break;
        rx->after_stream = 0;
        drained = (size_t)n < want;
        rx->end += (size_t)n;
    }
    return events;
}
