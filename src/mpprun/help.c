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
    {"MSGPASS_LOG", "warn", "log level: none|warn|info|debug"},
    {"MSGPASS_DEBUG", "0", "anything but 0: same as MSGPASS_LOG=debug"},
    {"MSGPASS_TRANSPORTS", "shm,tcp", "allowed transports in order of preference (shm, tcp, ofi)"},
    {"MSGPASS_SHM_EAGER_MAX", "16K", "largest message the shm transport sends eagerly (bytes, K/M/G)"},
    {"MSGPASS_SHM_RING_SIZE", "4K", "bytes per sender->receiver shm ring (K/M/G)"},
};

void mpprun_print_usage_hint(void)
{
    fputs("usage: mpprun -n N [options] PROGRAM [ARGS...]   (mpprun --help for more)\n", stderr);
}

void mpprun_print_help(void)
{
    fputs("usage: mpprun -n N [options] PROGRAM [ARGS...]\n"
          "\n"
          "Runs N copies (ranks) of PROGRAM as one MPI job on this host.\n"
          "\n"
          "options:\n"
          "  -n, --np N             number of ranks\n"
          "  --hosts H[:S],...      hosts and slots per host (default: this host, slots = cores);\n"
          "                         only this host is supported for now\n"
          "  --hostfile FILE        one \"host [slots=S]\" per line, # comments\n"
          "  --launch-agent CMD     how to start on another host, called as `CMD HOST COMMAND...`\n"
          "                         (default: ssh)\n"
          "  --bind-to core|none    CPU binding (default: core when ranks <= cores, else none)\n"
          "  --tag-output           prefix every output line with [rank]\n"
          "  --timeout SECONDS      end the job after SECONDS (exit code 124); first report what\n"
          "                         every rank is waiting in\n"
          "  --help, --version\n"
          "\n"
          "stdin goes to rank 0; every rank's stdout and stderr are forwarded in whole lines.\n"
          "\n"
          "exit code: 0 when every rank exits 0; else the first failing rank's exit code\n"
          "(MPI_Abort's code; 128+signal for a signal; 1 for a rank that exited without calling\n"
          "MPI_Finalize), named in one line on stderr. 124: --timeout expired. 2: bad arguments.\n"
          "127: PROGRAM not found or not executable. 128+signal: mpprun got SIGINT/SIGTERM/SIGHUP.\n"
          "\n"
          "environment variables read by the ranks (default in brackets):\n",
          stdout);
    for (size_t i = 0; i < sizeof env_vars / sizeof env_vars[0]; i++)
        printf("  %-24s [%s] %s\n", env_vars[i].name, env_vars[i].def, env_vars[i].what);
    fputs("\nSee docs/mpprun.md and docs/environment.md.\n", stdout);
}
