/* Frames between mpprun and its proxies (after the handshake in secret.h), and the byte queues
 * that carry them over nonblocking descriptors.
 *
 * Frame: len[u32 LE] type[u8] flag[u8] 0[u16] rank[u32 LE] payload[len], len <= MPPRUN_FRAME_MAX.
 * Every field is checked before use; an unknown type, a bad length or a rank that is not the
 * sender's ends that connection (see docs/mpprun.md, "Multi-host jobs"). */
#ifndef MPPRUN_WIRE_H
#define MPPRUN_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define MPPRUN_FRAME_HDR 12
#define MPPRUN_FRAME_MAX 65536

enum mpprun_frame_type {
    /* proxy -> mpprun */
    MPF_STARTED = 1, /* rank: started, payload pid[u32] */
    MPF_OUT,         /* rank: output bytes, flag 1 stdout / 2 stderr */
    MPF_OUT_EOF,     /* rank: that stream ended, flag 1/2 */
    MPF_BOOT,        /* rank: bootstrap bytes the rank wrote (docs/bootstrap.md) */
    MPF_BOOT_EOF,    /* rank: bootstrap socket closed; payload: why, when it broke the protocol */
    MPF_EXIT,        /* rank: ended, payload pid[u32] wait-status[u32] */
    MPF_ERROR,       /* the proxy cannot go on: flag exit code, payload message */
    MPF_HANG,        /* rank: its status, payload struct mpprun_hang (mpprun.h) */
    MPF_HANG_DONE,   /* every live rank's MPF_HANG answering MPF_HANG_QUERY went out */
    /* mpprun -> proxy: the job description, then START */
    MPF_JOB = 32, /* payload size[u32] bind[u32] */
    MPF_JOBID,    /* text */
    MPF_LABEL,    /* text: the host's name in --hosts */
    MPF_WDIR,     /* text */
    MPF_ARG,      /* text: PROGRAM, then each argument */
    MPF_ENV,      /* text: NAME=VALUE, NAME starting with MSGPASS_ */
    MPF_RANKS,    /* ranks placed on the host, u32 each, ascending */
    MPF_START,
    /* mpprun -> proxy while running */
    MPF_REPLY,      /* rank: bootstrap reply bytes */
    MPF_STDIN,      /* bytes for rank 0's stdin */
    MPF_STDIN_EOF,  /* rank 0's stdin ends */
    MPF_SIGNAL,     /* flag: signal for every rank of the host */
    MPF_HANG_QUERY, /* send MPF_HANG for every live rank, then MPF_HANG_DONE */
};

struct mpprun_frame {
    int type, flag;
    uint32_t rank;
    size_t len;
    const unsigned char *data;
};

/* A byte queue for a nonblocking descriptor. */
struct mpprun_wbuf {
    unsigned char *buf;
    size_t head, len, cap; /* pending bytes: buf[head .. head+len) */
};

/* Appends bytes; -1 when out of memory. */
int mpprun_wbuf_put(struct mpprun_wbuf *w, const void *data, size_t len);
/* Appends one frame (payload p1 then p2); -1 when out of memory or too long. */
int mpprun_wbuf_frame(struct mpprun_wbuf *w, int type, int flag, uint32_t rank, const void *p1, size_t l1,
                      const void *p2, size_t l2);
int mpprun_wbuf_text(struct mpprun_wbuf *w, int type, const char *text);
/* Writes what the descriptor takes now. 0, or -1 when it is broken. */
int mpprun_wbuf_flush(struct mpprun_wbuf *w, int fd);
void mpprun_wbuf_free(struct mpprun_wbuf *w);

/* Receive side: one frame at most is buffered beyond what was consumed. */
struct mpprun_rbuf {
    size_t start, len;
    unsigned char buf[MPPRUN_FRAME_HDR + MPPRUN_FRAME_MAX];
};

/* Reads what the descriptor has. 1 when bytes came, 0 when none now, -1 at EOF or error. */
int mpprun_rbuf_fill(struct mpprun_rbuf *r, int fd);
/* 1 with the next whole frame (valid until the next call), 0 when it has not all arrived,
 * -1 with *why when the header is malformed. */
int mpprun_rbuf_next(struct mpprun_rbuf *r, struct mpprun_frame *f, const char **why);

uint32_t mpprun_get32(const unsigned char *p);
void mpprun_put32(unsigned char *p, uint32_t v);
/* A text payload: no NUL bytes; copied NUL-terminated into out (size outlen). Returns 0 or -1. */
int mpprun_frame_text(const struct mpprun_frame *f, char *out, size_t outlen);

#endif
