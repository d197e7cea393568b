/* The point-to-point engine, as used by the MPI layer and by the collectives. */
#ifndef MP_P2P_H
#define MP_P2P_H

#include "core/comm.h"
#include "core/request.h"

/* Buffered sends never reach the engine as such: they are copied and sent in standard mode. */
enum mp_send_mode { MP_SEND_STD = 0, MP_SEND_SYNC = 1, MP_SEND_READY = 2, MP_SEND_BUFFERED = 3 };

/* Traffic class: user point-to-point or the communicator's hidden collective context. */
enum mp_class { MP_PT2PT = 0, MP_COLL = 1 };

/* Chooses a transport per peer; `host_of` maps world ranks to host indices. */
int mp_p2p_init(const int *host_of);
void mp_p2p_finalize(void);

/* Nonblocking send/receive of `bytes` contiguous bytes. `peer` is a rank of `comm` or
 * MPI_PROC_NULL (and MPI_ANY_SOURCE for receives); `tag` >= 0 (or MPI_ANY_TAG for receives).
 * On success *req is an active request to complete with mp_wait/mp_test. */
int mp_isend(const void *buf, size_t bytes, int peer, int tag, struct mp_comm *comm, enum mp_class cls,
             enum mp_send_mode mode, struct mp_request **req);
int mp_irecv(void *buf, size_t bytes, int peer, int tag, struct mp_comm *comm, enum mp_class cls,
             struct mp_request **req);

/* The same for `count` elements of a non-contiguous datatype at buf: the message is their packed
 * stream (count * size bytes), gathered from and scattered into the buffer chunk by chunk. */
int mp_isend_typed(const void *buf, size_t count, struct mp_dtype *dt, int peer, int tag, struct mp_comm *comm,
                   enum mp_class cls, enum mp_send_mode mode, struct mp_request **req);
int mp_irecv_typed(void *buf, size_t count, struct mp_dtype *dt, int peer, int tag, struct mp_comm *comm,
                   enum mp_class cls, struct mp_request **req);

/* Makes a request (not yet started) move `count` elements of `dt` at its buffer: holds a
 * reference to dt until the request is released. */
void mp_req_set_layout(struct mp_request *r, struct mp_dtype *dt, size_t count);

/* The blocking-send shortcut: a standard-mode message of eager size to a real rank (not
 * MPI_PROC_NULL) goes out at once, without a request, when nothing waits in that peer's outbox.
 * Returns 1 when sent; 0 means nothing happened and the caller takes the request path. */
int mp_send_now(const void *buf, size_t bytes, int peer, int tag, struct mp_comm *comm, enum mp_class cls);

/* (Re)starts a request whose fields (buf, bytes, peer, world_peer, tag, comm, cls, mode) are set:
 * persistent requests go through these on every MPI_Start. */
void mp_send_start(struct mp_request *r);
void mp_recv_start(struct mp_request *r);

/* Blocks (spinning, then yielding, then sleeping) until `req` completes; fills *status when not
 * NULL, releases the request unless it is persistent, and returns the request's error class. */
int mp_wait(struct mp_request *req, MPI_Status *status);

/* The two halves of mp_wait: progress until `r` completes; then report and release it. */
void mp_wait_done(struct mp_request *r);
int mp_req_finish(struct mp_request *r, MPI_Status *status);

/* MPI_Isendrecv(_replace): one request that completes when both its halves have, with the
 * receive's status. With `bounce`, a malloc'd buffer of `rbytes`, the receive lands there and is
 * copied to `rbuf` (which may be `sbuf`) on completion; the request then frees it. */
int mp_isendrecv(const void *sbuf, size_t sbytes, struct mp_dtype *slayout, size_t scount, int dest, int stag,
                 void *rbuf, size_t rbytes, struct mp_dtype *rlayout, size_t rcount, int source, int rtag, void *bounce,
                 struct mp_comm *comm, struct mp_request **req);

/* Request `r`, which nobody will wait for (MPI_Request_free'd, or half of an MPI_Isendrecv),
 * has completed: reports to its parent, if any, and releases it. */
void mp_req_detached_done(struct mp_request *r);

/* An inactive persistent point-to-point request (MPI_Send_init and friends). */
struct mp_request *mp_prequest_create(void *buf, size_t bytes, int peer, int tag, struct mp_comm *comm,
                                      enum mp_send_mode mode, int is_send);

/* MPI_Cancel: withdraws active request `r` if it has not been matched yet — a posted receive, a
 * send still in the outbox, or (by asking the receiver) a rendezvous or synchronous send whose
 * message waits unmatched there. A cancelled request completes with `cancelled` set; any other
 * completes normally. */
void mp_cancel(struct mp_request *r);

/* Blocking convenience calls for the collectives. */
int mp_send(const void *buf, size_t bytes, int peer, int tag, struct mp_comm *comm, enum mp_class cls);
int mp_recv(void *buf, size_t bytes, int peer, int tag, struct mp_comm *comm, enum mp_class cls, MPI_Status *status);
int mp_sendrecv(const void *sendbuf, size_t sendbytes, int dest, void *recvbuf, size_t recvbytes, int source, int tag,
                struct mp_comm *comm, enum mp_class cls);

/* Matched-message lookup without receiving (MPI_Iprobe). */
int mp_iprobe(int peer, int tag, struct mp_comm *comm, int *flag, MPI_Status *status);
int mp_probe(int peer, int tag, struct mp_comm *comm, MPI_Status *status);

/* Matched probes (MPI_Improbe, MPI_Mprobe): like mp_iprobe / mp_probe, but a message found is
 * taken out of matching and returned in *msg, for mp_imrecv only. `peer` is a rank of `comm` or
 * MPI_ANY_SOURCE. */
struct mp_unexp;
int mp_improbe(int peer, int tag, struct mp_comm *comm, int *flag, struct mp_unexp **msg, MPI_Status *status);
int mp_mprobe(int peer, int tag, struct mp_comm *comm, struct mp_unexp **msg, MPI_Status *status);
/* Starts a receive of message `msg` (from a matched probe, released by this) into `buf`. */
int mp_imrecv(void *buf, size_t bytes, struct mp_dtype *layout, size_t count, struct mp_unexp *msg,
              struct mp_request **req);
/* Starts receive `r` (fields set as for mp_recv_start) on message `e`, already out of matching. */
void mp_recv_matched(struct mp_request *r, struct mp_unexp *e);

/* Creates / releases the matching queues of a communicator's two contexts (mq, mq_coll). */
int mp_p2p_comm_attach(struct mp_comm *comm);
void mp_p2p_comm_detach(struct mp_comm *comm);

/* Runs every transport's progress once, then the progress hook; returns the number of events
 * handled. */
int mp_progress(void);
/* Registers the one function every progress pass also runs (the nonblocking collectives'). */
void mp_progress_set_hook(int (*hook)(void));
/* A descriptor that polls readable when a transport has work for progress, or -1 (idle.c);
 * *all: whether it signals all traffic (no peer but this rank itself is reached by polling). */
int mp_p2p_wait_fd(int *all);

#endif
