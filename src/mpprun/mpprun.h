/* mpprun internals: the job, its ranks and the pieces of the event loop. */
#ifndef MPPRUN_H
#define MPPRUN_H

#include <stddef.h>
#include <sys/types.h>

#include "options.h"

#define MPPRUN_OUTBUF 16384   /* per rank and stream: longer lines are forwarded in pieces */
#define MPPRUN_INBUF 65536    /* stdin bytes buffered on the way to rank 0 */
#define MPPRUN_BOOT_LINE 1200 /* longest bootstrap line, '\n' included (docs/bootstrap.md) */
#define MPPRUN_KEY_MAX 127
#define MPPRUN_VAL_MAX 1023
#define MPPRUN_TERM_GRACE 0.3   /* s between SIGTERM and SIGKILL after a rank failed */
#define MPPRUN_SIGNAL_GRACE 1.0 /* s between a forwarded signal and SIGKILL */
#define MPPRUN_EXIT_TIMEOUT 124
#define MPPRUN_EXIT_USAGE 2
#define MPPRUN_EXIT_NOEXEC 127

/* One rank's stdout or stderr on its way to mpprun's own (dest 1 or 2). */
struct mpprun_stream {
    int fd;   /* read end of the rank's pipe; -1 once at EOF */
    int dest; /* 1 or 2 */
    int rank;
    int midline; /* part of the current line was already forwarded */
    int eof;     /* no more input: flush what is left */
    size_t len;
    char *buf; /* MPPRUN_OUTBUF bytes */
};

struct mpprun_rank {
    int rank;
    pid_t pid;
    int alive; /* not reaped yet */
    struct mpprun_stream out, err;
    int boot_fd; /* our end of the bootstrap socket; -1 once closed */
    size_t boot_len;
    char boot_buf[MPPRUN_BOOT_LINE];
    int in_fence;
    int did_put;
    int did_fini;
};

struct mpprun_kvs;

struct mpprun_job {
    int n;
    struct mpprun_rank *ranks;
    char jobid[64];
    int tag_output;
    double timeout;

    /* stdin -> rank 0 */
    int stdin_open; /* still reading mpprun's fd 0 */
    int stdin_pipe; /* write end of rank 0's stdin, -1 when closed */
    size_t in_len;
    char *in_buf;

    /* key-value store and fence */
    struct mpprun_kvs *kvs;
    int fence_count;

    /* job control */
    int nalive;
    int *by_pid;    /* rank indices sorted by pid (mpprun_index_pids) */
    int ending;     /* ranks were told to end */
    double kill_at; /* when ending: SIGKILL whatever is left at this time (0: done) */
    int failed;     /* the first failure is recorded below */
    int exit_code;
    char fail_msg[1536]; /* one line, no '\n' */

    /* the stream whose partial line owns mpprun's stdout/stderr, indexed by dest */
    struct mpprun_stream *owner[3];
    int dest_broken[3];
};

/* time.c-like helper (job.c) */
double mpprun_now(void);

/* spawn.c */
/* Finds PROGRAM like execvp would. Returns 0 with the path, or -1 with a message. */
int mpprun_resolve_program(const char *prog, char *path, size_t pathlen, char *err, size_t errlen);
/* Starts every rank. Returns 0, or -1 after printing why (ranks already started are killed). */
int mpprun_spawn(struct mpprun_job *job, const char *path, char **argv, enum mpprun_bind bind,
                 const void *orig_sigmask);
void mpprun_make_jobid(char *buf, size_t len);

/* output.c */
void mpprun_stream_init(struct mpprun_stream *s, int fd, int dest, int rank, char *buf);
/* Reads what the pipe has (at EOF: closes it, s->fd = -1) and forwards what it can; returns the
 * number of bytes read. */
size_t mpprun_stream_read(struct mpprun_job *job, struct mpprun_stream *s);
/* Forwards every complete line that can go now (and what EOF left behind). */
void mpprun_flush_all(struct mpprun_job *job);
/* At the end of the job: reads what is left in every pipe, then forwards everything. */
void mpprun_drain_all(struct mpprun_job *job);
/* stdin forwarding */
void mpprun_stdin_read(struct mpprun_job *job);
void mpprun_stdin_write(struct mpprun_job *job);
void mpprun_stdin_close(struct mpprun_job *job);

/* kvs.c */
struct mpprun_kvs *mpprun_kvs_new(void);
void mpprun_kvs_free(struct mpprun_kvs *kvs);
/* Reads and serves what the rank's bootstrap socket has. */
void mpprun_boot_read(struct mpprun_job *job, struct mpprun_rank *r);
void mpprun_boot_close(struct mpprun_rank *r);

/* job.c */
/* Records the first failure (later ones are ignored) and ends the job. */
void mpprun_fail(struct mpprun_job *job, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Tells every live rank to end with `sig`; SIGKILL after `grace` seconds. */
void mpprun_end_job(struct mpprun_job *job, int sig, double grace);
void mpprun_kill_all(struct mpprun_job *job, int sig);
/* Reaps exited children and judges their exit. */
void mpprun_reap(struct mpprun_job *job);
/* Builds job->by_pid once every rank is started. Returns 0 or -1 (out of memory). */
int mpprun_index_pids(struct mpprun_job *job);
/* --timeout expired: reports what each rank is doing, then fails the job. */
void mpprun_timeout(struct mpprun_job *job);
/* Unlinks /dev/shm/msgpass-<jobid>* */
void mpprun_cleanup_shm(const char *jobid);
int mpprun_exit_code(const struct mpprun_job *job);

#endif
