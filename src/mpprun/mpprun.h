/* mpprun internals: the job, its ranks and the pieces of the event loop. */
#ifndef MPPRUN_H
#define MPPRUN_H

#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/hang_block.h"
#include "options.h"
#include "secret.h"
#include "wire.h"

#define MPPRUN_OUTBUF 16384   /* per rank and stream: longer lines are forwarded in pieces */
#define MPPRUN_INBUF 65536    /* stdin bytes buffered on the way to rank 0 */
#define MPPRUN_BOOT_LINE 1200 /* longest bootstrap line, '\n' included (docs/bootstrap.md) */
#define MPPRUN_KEY_MAX 127
#define MPPRUN_VAL_MAX 1023
#define MPPRUN_TERM_GRACE 0.3           /* s between SIGTERM and SIGKILL after a rank failed */
#define MPPRUN_SIGNAL_GRACE 1.0         /* s between a forwarded signal and SIGKILL */
#define MPPRUN_ABORT_WAIT 0.25          /* s an abort waits for a death that may have caused it */
#define MPPRUN_PROXY_GRACE 0.9          /* s a proxy has to report its ranks gone after SIGKILL was sent */
#define MPPRUN_PROXY_BACKLOG (1u << 20) /* queued bytes above which a sender stops reading more */
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
    size_t cap; /* MPPRUN_OUTBUF, more for a remote rank's stream (its proxy cannot be paused) */
    char *buf;
    int own_buf; /* buf was allocated for this stream */
};

/* Where a rank is, from its status block (core/hang_block.h). Proxies send it as is (MPF_HANG):
 * every host runs the same mpprun. */
struct mpprun_hang {
    int32_t rank;
    int32_t known;    /* the block was read */
    int32_t blocked;  /* sleeping in a blocking wait of its current call */
    int32_t has_args; /* peer, tag, count and dtype are the call's */
    int32_t started;  /* MPI_Init has returned */
    int32_t peer, tag, count;
    uint32_t npending, nlisted;
    double since; /* s the call has waited */
    char call[MP_HANG_NAME_LEN];
    char comm[MP_HANG_OBJ_LEN];
    char dtype[MP_HANG_OBJ_LEN];
    struct mp_hang_req pending[MP_HANG_PENDING];
};

struct mpprun_rank {
    int rank;
    int host;                   /* index in job->hosts */
    int local_rank, local_size; /* among the ranks of its (possibly simulated) node */
    const char *where;          /* host or simulated node name, for messages */
    const char *node_env;       /* MSGPASS_HOSTNAME for the rank, or NULL */
    pid_t pid;                  /* 0 while a remote rank is not reported started */
    int alive;                  /* not reaped yet */
    int boot_open;              /* a remote rank's bootstrap connection (boot_fd is -1 for those) */
    struct mpprun_stream out, err;
    int boot_fd; /* our end of the bootstrap socket; -1 once closed */
    size_t boot_len;
    char boot_buf[MPPRUN_BOOT_LINE];
    int in_fence;
    int did_put;
    int did_fini;
    int aborted;              /* sent ABORT: its exit is part of that */
    struct mpprun_hang *hang; /* its status block when last read (hang report, its end) */
};

struct mpprun_kvs;
struct mpprun_listen;

enum mpprun_host_state { HOST_LOCAL, HOST_LAUNCHING, HOST_RUNNING, HOST_DONE };

/* One host of the job. The local one runs its ranks itself; every other one through a proxy. */
struct mpprun_hostent {
    char *name;
    int slots;
    int nranks;
    int *ranks; /* world ranks placed here, ascending */
    enum mpprun_host_state state;
    pid_t agent; /* the launch agent's process; 0 once reaped */
    int agent_status;
    int fd;     /* connection to the proxy; -1 before it is authenticated and after */
    int nalive; /* its ranks not reported ended */
    int asked;  /* its MPF_HANG_DONE is awaited */
    struct mpprun_wbuf out;
    struct mpprun_rbuf *in;
};

struct mpprun_job {
    int n;    /* ranks in job->ranks */
    int size; /* ranks in the job (n, except in a proxy) */
    struct mpprun_rank *ranks;
    char jobid[64];
    unsigned char secret[MPPRUN_SECRET_LEN];
    char secret_hex[MPPRUN_SECRET_HEX + 1];

    /* hosts: [0] is this host when it has ranks; remote ones have proxies */
    int nhosts;
    struct mpprun_hostent *hosts;
    int nremote;       /* hosts with proxies */
    int srun;          /* the remote hosts are Slurm nodes of this job: srun starts their proxies */
    char **node_names; /* --simulate-nodes: one per pretend node */
    int nnodes;
    struct mpprun_listen *listen;
    double connect_by; /* every proxy must have connected by then (0: all have) */
    double abandon_at; /* ending: proxies that have not reported by then are cut off */
    int tag_output;
    double timeout;
    double report_at; /* --timeout fired: the report goes out when the proxies answered or then */
    int report_wait;  /* proxies yet to answer */
    enum mpprun_bind bind;
    char **prog_argv; /* PROGRAM ARGS as given */

    /* stdin -> rank 0 */
    int stdin_open; /* still reading mpprun's fd 0 */
    int stdin_pipe; /* write end of rank 0's stdin, -1 when closed */
    int stdin_host; /* rank 0's host when remote (its stdin goes there in frames), else -1 */
    size_t in_len;
    char *in_buf;

    /* key-value store and fence */
    struct mpprun_kvs *kvs;
    int fence_count;

    /* job control */
    int nalive;
    int reaper_fd; /* pipe to the reaper (reaper.c), -1 when there is none */
    pid_t reaper_pid;
    int *by_pid; /* indices of local ranks sorted by pid (mpprun_index_pids) */
    int npids;
    int ending;     /* ranks were told to end */
    double kill_at; /* when ending: SIGKILL whatever is left at this time (0: done) */
    int failed;     /* the first failure is recorded below */
    int tentative;  /* it is an abort, and the job is not ended yet (mpprun_fail_abort) */
    double verdict_at;
    int exit_code;
    char fail_msg[1536]; /* one line, no '\n' */

    /* the stream whose partial line owns mpprun's stdout/stderr, indexed by dest */
    struct mpprun_stream *owner[3];
    int dest_broken[3];
};

double mpprun_now(void);

/* spawn.c */
/* Finds PROGRAM like execvp would. Returns 0 with the path, or -1 with a message. */
int mpprun_resolve_program(const char *prog, char *path, size_t pathlen, char *err, size_t errlen);
/* Starts the ranks of job->ranks placed on `host` (world rank, local rank and size set).
 * Returns 0, or -1 after printing why (ranks already started are killed). */
int mpprun_spawn(struct mpprun_job *job, int host, const char *path, char **argv, enum mpprun_bind bind,
                 const void *orig_sigmask);
void mpprun_make_jobid(char *buf, size_t len);
void mpprun_set_nonblock(int fd);

/* place.c */
/* Builds job->hosts from the options (this host alone without --hosts/--hostfile) and places
 * the ranks: host by host, each up to its slots, then round again. Also --simulate-nodes.
 * Returns 0, or -1 with a message in err. */
int mpprun_place(struct mpprun_job *job, const struct mpprun_opts *o, char *err, size_t errlen);
void mpprun_hosts_free(struct mpprun_job *job);

/* output.c */
void mpprun_stream_init(struct mpprun_stream *s, int fd, int dest, int rank, char *buf);
/* Reads what the pipe has (at EOF: closes it, s->fd = -1) and forwards what it can; returns the
 * number of bytes read. */
size_t mpprun_stream_read(struct mpprun_job *job, struct mpprun_stream *s);
/* A remote rank's output as it arrives from its proxy. Returns 0 or -1 (out of memory). */
int mpprun_stream_push(struct mpprun_job *job, struct mpprun_stream *s, const void *data, size_t len);
void mpprun_stream_end(struct mpprun_job *job, struct mpprun_stream *s);
/* Forwards every complete line that can go now (and what EOF left behind). */
void mpprun_flush_all(struct mpprun_job *job);
/* At the end of the job: reads what is left in every pipe, then forwards everything. */
void mpprun_drain_all(struct mpprun_job *job);
void mpprun_streams_free(struct mpprun_job *job);
/* stdin forwarding */
void mpprun_stdin_read(struct mpprun_job *job);
void mpprun_stdin_write(struct mpprun_job *job);
void mpprun_stdin_close(struct mpprun_job *job);

/* kvs.c */
struct mpprun_kvs *mpprun_kvs_new(void);
void mpprun_kvs_free(struct mpprun_kvs *kvs);
/* Reads and serves what the rank's bootstrap socket has. */
void mpprun_boot_read(struct mpprun_job *job, struct mpprun_rank *r);
/* Serves bootstrap bytes a remote rank wrote, relayed by its proxy. */
void mpprun_boot_feed(struct mpprun_job *job, struct mpprun_rank *r, const unsigned char *data, size_t len);
/* A rank's bootstrap connection closed; `why` (or NULL) when its proxy saw it break the protocol. */
void mpprun_boot_eof(struct mpprun_job *job, struct mpprun_rank *r, const char *why);
void mpprun_boot_close(struct mpprun_rank *r);

/* slurm.c: inside a Slurm allocation (SLURM_JOB_ID and SLURM_JOB_NODELIST set) and without
 * --hosts/--hostfile/--simulate-nodes, fills o->hosts with the allocation's nodes, their slots
 * from SLURM_TASKS_PER_NODE, and sets o->slurm. Returns 1 when it did, 0 when not in Slurm, or
 * -1 with err. */
int mpprun_slurm_hosts(struct mpprun_opts *o, char *err, size_t errlen);

/* remote.c: the hosts with proxies, seen from mpprun */
/* Listens for the proxies and starts one per remote host through the launch agent, or all of
 * them with one srun when job->srun. Returns 0, or -1 after printing why. */
int mpprun_remote_start(struct mpprun_job *job, const char *agent, char **prog_argv, enum mpprun_bind bind);
/* poll() entries: how many at most, then fills them; events go to mpprun_remote_event. */
size_t mpprun_remote_max_fds(const struct mpprun_job *job);
size_t mpprun_remote_fill(struct mpprun_job *job, struct pollfd *pfd, int *who);
void mpprun_remote_event(struct mpprun_job *job, int who, short revents);
/* Deadlines: connecting proxies, abandoning silent ones. Returns the next one (0: none). */
double mpprun_remote_deadline(const struct mpprun_job *job);
void mpprun_remote_timers(struct mpprun_job *job, double now);
void mpprun_remote_signal(struct mpprun_job *job, int sig);
/* A child that is a launch agent: records its end. Returns 1 when pid was one. */
int mpprun_remote_reaped(struct mpprun_job *job, pid_t pid, int status);
/* Bootstrap reply to a remote rank. */
void mpprun_remote_reply(struct mpprun_job *job, struct mpprun_rank *r, const char *text, size_t len);
/* rank 0 is remote: its stdin goes to its proxy */
int mpprun_remote_stdin_ready(const struct mpprun_job *job);
void mpprun_remote_stdin(struct mpprun_job *job, const void *data, size_t len);
/* Still waiting for proxies to hand over their last output and go. */
int mpprun_remote_busy(const struct mpprun_job *job);
/* After the job: closes the connections, waits a little for the agents, then kills them. */
void mpprun_remote_finish(struct mpprun_job *job);

/* Asks every proxy for its ranks' status blocks (MPF_HANG_QUERY). Returns how many were asked. */
int mpprun_remote_query(struct mpprun_job *job);

/* reaper.c */
/* Forks the reaper, which cleans up after this process if it dies without doing so. */
void mpprun_reaper_start(struct mpprun_job *job);
/* Tells the reaper about a rank's pid. */
void mpprun_reaper_add(struct mpprun_job *job, pid_t pid);
/* Everything is cleaned up: the reaper exits (and is waited for). */
void mpprun_reaper_stop(struct mpprun_job *job);
/* Removes /dev/shm/<pid>:* of ours, which libfabric's shm provider leaves when a rank dies. */
void mpprun_cleanup_pid_shm(pid_t pid);

/* hang.c: the hang report and the last MPI calls */
/* Reads rank's status block on this host. Returns 0, or -1 when there is none (yet, or any more). */
int mpprun_hang_read(const char *jobid, int rank, struct mpprun_hang *h);
/* Makes a received one safe to print. */
void mpprun_hang_check(struct mpprun_hang *h);
/* Keeps h as r's latest state. */
void mpprun_hang_store(struct mpprun_rank *r, const struct mpprun_hang *h);
/* Reads and keeps the status block of r, a rank of this host. */
void mpprun_hang_local(struct mpprun_job *job, struct mpprun_rank *r);
/* --timeout expired: gathers where every rank is; the report follows (mpprun_hang_report). */
void mpprun_timeout(struct mpprun_job *job);
/* Prints the report, grouping ranks that wait in the same place, then fails the job (exit 124). */
void mpprun_hang_report(struct mpprun_job *job);
/* After a failed job: the last MPI call of every rank, one line per run of ranks. */
void mpprun_last_calls(const struct mpprun_job *job);

/* proxy.c: `mpprun --proxy HOST ADDRESSES` on a remote host */
int mpprun_proxy_main(int argc, char **argv);

/* job.c */
/* Records the first failure (later ones are ignored) and ends the job. */
void mpprun_fail(struct mpprun_job *job, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* An ABORT from a rank. The job ends MPPRUN_ABORT_WAIT later, unless a rank dies by a signal or
 * exits before that: other ranks' aborts are often their reaction to that death (a peer that
 * closed its connection), so the death is the failure to report. */
void mpprun_fail_abort(struct mpprun_job *job, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Ends the job once a tentative abort has waited long enough. */
void mpprun_verdict(struct mpprun_job *job, double now);
/* Tells every live rank to end with `sig`; SIGKILL after `grace` seconds. */
void mpprun_end_job(struct mpprun_job *job, int sig, double grace);
void mpprun_kill_all(struct mpprun_job *job, int sig);
/* Blocks SIGCHLD, SIGINT, SIGTERM and SIGHUP (the old mask goes to orig, for the children) and
 * returns a signalfd for them (-1 on error); ignores SIGPIPE. */
int mpprun_signals(sigset_t *orig);
/* The next child that exited or was killed (0: none now), its wait status in *status. */
pid_t mpprun_next_exit(int *status);
/* Reaps exited children and judges their exit. */
void mpprun_reap(struct mpprun_job *job);
/* A rank ended with wait status `status`: judges it and updates the job. */
void mpprun_rank_ended(struct mpprun_job *job, struct mpprun_rank *r, int status);
/* "pid P on HOST" (or "on HOST" before a remote rank's pid is known) */
const char *mpprun_rank_where(const struct mpprun_rank *r, char *buf, size_t len);
/* Builds job->by_pid once every local rank is started. Returns 0 or -1 (out of memory). */
int mpprun_index_pids(struct mpprun_job *job);
/* Unlinks /dev/shm/msgpass-<jobid>* */
void mpprun_cleanup_shm(const char *jobid);
/* Unlinks only those of job's ranks (msgpass-<jobid>...-<rank>): what a proxy removes, as hosts
 * that share /dev/shm (network namespaces, a local launch agent) also hold other hosts' files. */
void mpprun_cleanup_ranks_shm(const struct mpprun_job *job);
int mpprun_exit_code(const struct mpprun_job *job);

#endif
