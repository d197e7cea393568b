/* mpprun --help: options and the MSGPASS_* environment variables with their defaults.
 * Add a line to env_vars[] when the library learns a new variable. */
#include <stdio.h>

#include "options.h"

struct env_doc {
    const char *name;
    const char *def;
    const char *what;
};

static const struct env_doc env_vars[] = {
    {"MSGPASS_JOB_SECRET", "set by mpprun",
     "32 hex digits, new for every job; proves membership on every network connection of the job"},
    {"MSGPASS_HOSTNAME", "set by --simulate-nodes", "the node name a rank reports and groups ranks by"},
    {"MSGPASS_PROXY_TIMEOUT", "30", "seconds mpprun waits for every remote host's proxy to connect back"},
    {"MSGPASS_HANG_TIMEOUT", "unset", "as --timeout SECONDS (the option wins): report where every rank waits, end"},
    {"MSGPASS_LOG", "warn", "none|warn|info|debug: how much the library says on stderr"},
    {"MSGPASS_DEBUG", "unset", "anything but 0: same as MSGPASS_LOG=debug"},
    {"MSGPASS_TRANSPORTS", "shm,tcp",
     "allowed transports in order of preference: shm (same host), tcp or ofi (any host); tcp alone: also on one host"},
    {"MSGPASS_SHM_RING_SIZE", "64K",
     "bytes per sender->receiver shm ring, power of two >= 4096 (16K above 16 ranks/host)"},
    {"MSGPASS_SHM_EAGER_MAX", "16K", "largest message sent eagerly over shm (default: a quarter of the ring)"},
    {"MSGPASS_SHM_CMA", "1", "0: never copy straight between processes (process_vm_readv); stream through the ring"},
    {"MSGPASS_SHM_CMA_MIN", "64K", "smallest message copied straight between processes"},
    {"MSGPASS_SHM_CMA_GET_SHARE", "50", "percent of such a message the receiver copies; the sender copies the rest"},
    {"MSGPASS_TCP_EAGER_MAX", "64K", "largest message sent eagerly over tcp (the same on every rank)"},
    {"MSGPASS_TCP_IF", "see docs",
     "interfaces (names or CIDR blocks, comma list) tcp listens on (default lo for a one-host job, else the first "
     "non-loopback one), and mpprun for its proxies (default all but loopback)"},
    {"MSGPASS_TCP_SNDBUF", "0", "SO_SNDBUF of tcp data connections in bytes (0: the kernel's autotuning)"},
    {"MSGPASS_TCP_RCVBUF", "0", "SO_RCVBUF of tcp data connections in bytes (0: the kernel's autotuning)"},
    {"MSGPASS_OFI_PROVIDER", "best present", "libfabric provider of the ofi transport (tcp, shm, verbs, cxi, efa...)"},
    {"MSGPASS_OFI_EAGER_MAX", "16K", "largest message sent eagerly over ofi"},
    {"MSGPASS_OFI_FRAG_MAX", "64K", "largest fragment of a rendezvous message over ofi"},
    {"MSGPASS_OFI_RMA", "1", "0: ofi rendezvous messages as fragments instead of fi_read of the sender's buffer"},
    {"MSGPASS_OFI_MR_CACHE", "64 (tcp, shm), 0",
     "unused memory registrations ofi keeps for buffers sent again (0 for providers that pin pages)"},
    {"MSGPASS_SPIN_POLLS", "20000", "polls a waiting rank spins before yielding (16 when oversubscribed)"},
    {"MSGPASS_YIELD_POLLS", "2000", "polls with sched_yield before sleeping (64 when oversubscribed)"},
    {"MSGPASS_SLEEP_MAX_US", "1000", "longest sleep between polls, microseconds (200 when oversubscribed)"},
    /* collectives */
    {"MSGPASS_COLL_RULES", "built-in", "algorithm rules coll:bytes:ranks:algorithm ... (docs/collectives.md)"},
    {"MSGPASS_COLL_<NAME>", "unset", "force one algorithm, e.g. MSGPASS_COLL_ALLREDUCE=ring"},
};

void mpprun_print_usage_hint(void)
{
    fputs("usage: mpprun -n N [options] PROGRAM [ARGS...]   (mpprun --help for more)\n", stderr);
}

void mpprun_print_help(void)
{
    fputs("usage: mpprun -n N [options] PROGRAM [ARGS...]\n"
          "\n"
          "Runs N copies (ranks) of PROGRAM as one MPI job, on this host or across hosts.\n"
          "\n"
          "options:\n"
          "  -n, --np N             number of ranks\n"
          "  --hosts H[:S],...      hosts and slots per host (default: this host, slots = cores;\n"
          "                         another host without S: 1 slot). Ranks fill host by host up to\n"
          "                         the slots, then round again\n"
          "  --hostfile FILE        one \"host [slots=S]\" per line, # comments\n"
          "  --launch-agent CMD     how to start on another host, called as `CMD HOST COMMAND...`\n"
          "                         (default: ssh); it starts `mpprun --proxy ...` there, which\n"
          "                         must be at the same path, and must pass stdin on\n"
          "  (inside a Slurm allocation, without --hosts/--hostfile: the hosts are the\n"
          "   allocation's nodes, SLURM_JOB_NODELIST with slots from SLURM_TASKS_PER_NODE, and\n"
          "   one `srun --nodes=N --ntasks=N --ntasks-per-node=1` starts the proxies)\n"
          "  --simulate-nodes K     pretend this host is K nodes (ranks in blocks); each rank gets\n"
          "                         MSGPASS_HOSTNAME=<host>-node<k>\n"
          "  --bind-to core|none    CPU binding (default: core when ranks <= cores, else none)\n"
          "  --tag-output           prefix every output line with [rank]\n"
          "  --timeout SECONDS      end the job after SECONDS (exit code 124); first report where\n"
          "                         every rank waits: MPI call, communicator, peer, tag, count,\n"
          "                         for how long, pending requests; ranks waiting in the same\n"
          "                         place are grouped (also: MSGPASS_HANG_TIMEOUT=SECONDS)\n"
          "  --doctor               check this host for the job (-n, --hosts as for a run; PROGRAM\n"
          "                         optional) and run nothing: /dev/shm space, single copy, cpus,\n"
          "                         tcp interfaces, libfabric, Slurm, topology; one line each with\n"
          "                         the fix and the fallback. Exit code 1 when a problem is found.\n"
          "                         A failed job ends with the problems these checks find, if any\n"
          "  --help, --version\n"
          "\n"
          "stdin goes to rank 0; every rank's stdout and stderr are forwarded in whole lines.\n"
          "\n"
          "exit code: 0 when every rank exits 0; else the first failing rank's exit code\n"
          "(MPI_Abort's code; 128+signal for a signal; 1 for a rank that exited without calling\n"
          "MPI_Finalize), named in one line on stderr, then the last MPI call of every rank.\n"
          "124: --timeout expired. 2: bad arguments.\n"
          "127: PROGRAM not found or not executable. 128+signal: mpprun got SIGINT/SIGTERM/SIGHUP.\n"
          "1: a host could not be started or was lost (named in the report line).\n"
          "\n"
          "environment variables read by mpprun and the ranks (default in brackets):\n",
          stdout);
    for (size_t i = 0; i < sizeof env_vars / sizeof env_vars[0]; i++)
        printf("  %-24s [%s] %s\n", env_vars[i].name, env_vars[i].def, env_vars[i].what);
    fputs("\nSizes take K/M/G suffixes. See docs/mpprun.md and docs/environment.md.\n", stdout);
}
