/* mpprun command line: parsing and validation (pure functions, unit-tested). */
#ifndef MPPRUN_OPTIONS_H
#define MPPRUN_OPTIONS_H

#include <stddef.h>

enum mpprun_bind { MPPRUN_BIND_DEFAULT, MPPRUN_BIND_CORE, MPPRUN_BIND_NONE };

struct mpprun_host {
    char *name;
    int slots; /* 0 when not given */
};

struct mpprun_opts {
    int np; /* 0 when -n was not given */
    enum mpprun_bind bind;
    int tag_output;
    double timeout; /* seconds; 0 = none */
    int help;
    int version;
    int doctor; /* --doctor: check this host for the job, run nothing (PROGRAM optional) */
    const char *hostfile;
    const char *launch_agent;
    int simulate_nodes;        /* 0: off */
    struct mpprun_host *hosts; /* from --hosts and --hostfile, or the Slurm allocation */
    int slurm;                 /* hosts are the Slurm allocation's nodes */
    int nhosts;
    char **prog_argv; /* PROGRAM ARGS..., points into argv; NULL-terminated */
};

/* Largest rank count mpprun accepts. */
#define MPPRUN_NP_MAX 65536

/* Parses argv (argv[0] is mpprun itself). Returns 0, or -1 with a one-line message naming the
 * offending argument in err (a usage error: exit code 2). Does not read --hostfile; see
 * mpprun_read_hostfile. */
int mpprun_parse_args(int argc, char **argv, struct mpprun_opts *o, char *err, size_t errlen);

/* Parses a --hosts value "H[:S],H[:S],..." and appends to o->hosts. Returns 0 or -1 with err. */
int mpprun_parse_hosts(const char *spec, struct mpprun_opts *o, char *err, size_t errlen);

/* Parses the text of a hostfile ("host [slots=S]" per line, '#' comments) and appends to
 * o->hosts. `name` is used in error messages. Returns 0 or -1 with err. */
int mpprun_parse_hostfile_text(const char *text, const char *name, struct mpprun_opts *o, char *err, size_t errlen);

/* Reads o->hostfile (if any) and appends its hosts. Returns 0 or -1 with err. */
int mpprun_read_hostfile(struct mpprun_opts *o, char *err, size_t errlen);

/* Returns 1 when `host` names this host: localhost, 127.0.0.1, ::1, or gethostname() (also its
 * part before the first dot). `self` is gethostname()'s result. */
int mpprun_host_is_local(const char *host, const char *self);

void mpprun_opts_free(struct mpprun_opts *o);

/* Usage and version text. */
void mpprun_print_help(void);
void mpprun_print_usage_hint(void);
#define MPPRUN_VERSION_TEXT "mpprun (libmsgpass) 0.1.0"

#endif
