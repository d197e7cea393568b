/* Shared option parsing, run metadata and output for the OSU-style benchmarks (plain MPI C11).
 *
 * Options (OSU-compatible where OSU has them):
 *   -m [MIN:]MAX     message sizes, powers of two from MIN (0 allowed) to MAX
 *   -i ITERS         timed iterations per size (also for large sizes when given)
 *   -x WARMUP        untimed warm-up iterations per size (also for large sizes when given)
 *   -W WINDOW        window size (bandwidth only)
 *   -c               validate the received data (timings then include the fill/check)
 *   --format F       text (OSU layout, default) | json | csv
 *   -h, --help
 * Sizes above LARGE_MESSAGE_SIZE use the "large" iteration defaults, as in OSU.
 *
 * Run metadata (text header, json fields, csv columns): the library (first line of
 * MPI_Get_library_version), MPI version, host, ranks, each rank's binding (its CPU affinity mask,
 * e.g. "cpus 0") and the transport settings: every environment variable named MSGPASS_*
 * (libmsgpass), OMPI_MCA_* (Open MPI) or MPIR_CVAR_* (MPICH) in rank 0's environment, less the
 * ones the launchers set for their own bookkeeping. An empty list means the library's defaults. */
#ifndef MP_BENCH_COMMON_H
#define MP_BENCH_COMMON_H

#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* sched_getaffinity */
#endif
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sched.h>
#endif

extern char **environ;

#define LARGE_MESSAGE_SIZE 8192
#define MP_BENCH_VERSION "1.1"
#define BENCH_BIND_LEN 64 /* one rank's binding text, e.g. "cpus 0-3,8" */

enum bench_format { FMT_TEXT, FMT_JSON, FMT_CSV };

struct bench_opts {
    long min_size, max_size;
    int iters, iters_large, skip, skip_large, window;
    int validate;
    enum bench_format format;
};

struct bench_meta {
    char library[MPI_MAX_LIBRARY_VERSION_STRING + 1]; /* first line of MPI_Get_library_version */
    char host[MPI_MAX_PROCESSOR_NAME + 1];
    int version, subversion, ranks;
    char *binding; /* rank 0 only: ranks * BENCH_BIND_LEN, rank r's text at r * BENCH_BIND_LEN */
};

/* What a benchmark is: program name, OSU-style title, the measured column (text), its key
 * (json/csv); windowed: takes -W; even_ranks: any even number of ranks (pairs i, i + n/2)
 * instead of exactly two. rows counts the output rows. */
struct bench_out {
    const char *bench, *title, *column, *key;
    int windowed, even_ranks;
    int rows;
};

static void bench_usage(const char *prog, const struct bench_opts *d, const struct bench_out *b)
{
    printf("Usage: %s [options]   (run with %s)\n"
           "  -m [MIN:]MAX     message sizes in bytes (default %ld:%ld)\n"
           "  -i ITERS         timed iterations per size (default %d, %d above %d bytes)\n"
           "  -x WARMUP        warm-up iterations per size (default %d, %d above %d bytes)\n"
           "%s"
           "  -c               validate received data\n"
           "  --format FORMAT  text | json | csv (default text)\n"
           "  -h, --help       this help\n",
           prog, b->even_ranks ? "an even number of ranks; rank i pairs with i + n/2" : "exactly 2 ranks", d->min_size,
           d->max_size, d->iters, d->iters_large, LARGE_MESSAGE_SIZE, d->skip, d->skip_large, LARGE_MESSAGE_SIZE,
           b->windowed ? "  -W WINDOW        messages in flight per iteration (default 64)\n" : "");
}

static int bench_parse_long(const char *s, long *v)
{
    char *end;
    if (!s || !*s) return -1;
    *v = strtol(s, &end, 10);
    return (*end || *v < 0) ? -1 : 0;
}

/* Returns 0 to run, 1 when help was printed, -1 on a bad option (message printed on rank 0). */
static int bench_parse(int argc, char **argv, struct bench_opts *o, const struct bench_out *b, int rank)
{
    struct bench_opts d = *o;
    for (int a = 1; a < argc; a++) {
        const char *arg = argv[a];
        const char *val = a + 1 < argc ? argv[a + 1] : NULL;
        long v;
        if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            if (rank == 0) bench_usage(argv[0], &d, b);
            return 1;
        } else if (!strcmp(arg, "-c") || !strcmp(arg, "--validation")) {
            o->validate = 1;
        } else if (!strcmp(arg, "-m") || !strcmp(arg, "--message-size")) {
            const char *colon = val ? strchr(val, ':') : NULL;
            long lo = o->min_size, hi = o->max_size;
            if (!val) goto bad;
            if (colon) {
                char tmp[64];
                size_t n = (size_t)(colon - val);
                if (n >= sizeof tmp) goto bad;
                memcpy(tmp, val, n);
                tmp[n] = 0;
                if (n && bench_parse_long(tmp, &lo)) goto bad;
                if (colon[1] && bench_parse_long(colon + 1, &hi)) goto bad;
            } else if (bench_parse_long(val, &hi)) {
                goto bad;
            }
            if (lo > hi || hi > 1L << 30) goto bad;
            o->min_size = lo, o->max_size = hi;
            a++;
        } else if (!strcmp(arg, "-i") || !strcmp(arg, "--iterations")) {
            if (bench_parse_long(val, &v) || v < 1 || v > 1000000000) goto bad;
            o->iters = o->iters_large = (int)v;
            a++;
        } else if (!strcmp(arg, "-x") || !strcmp(arg, "--warmup")) {
            if (bench_parse_long(val, &v) || v > 1000000000) goto bad;
            o->skip = o->skip_large = (int)v;
            a++;
        } else if (b->windowed && (!strcmp(arg, "-W") || !strcmp(arg, "--window-size"))) {
            if (bench_parse_long(val, &v) || v < 1 || v > 65536) goto bad;
            o->window = (int)v;
            a++;
        } else if (!strcmp(arg, "--format") || !strcmp(arg, "-f") || !strncmp(arg, "--format=", 9)) {
            const char *f = arg[8] == '=' ? arg + 9 : val;
            if (!f) goto bad;
            if (!strcmp(f, "text"))
                o->format = FMT_TEXT;
            else if (!strcmp(f, "json"))
                o->format = FMT_JSON;
            else if (!strcmp(f, "csv"))
                o->format = FMT_CSV;
            else
                goto bad;
            if (arg[8] != '=') a++;
        } else {
            goto bad;
        }
        continue;
    bad:
        if (rank == 0) {
            fprintf(stderr, "%s: bad option or value: %s%s%s\n", argv[0], arg, val ? " " : "", val ? val : "");
            bench_usage(argv[0], &d, b);
        }
        return -1;
    }
    return 0;
}

/* This process's CPU affinity as "cpus 0", "cpus 0-1", "cpus 0,2-3" (or "unknown"). */
static void bench_binding_self(char *out, size_t cap)
{
    snprintf(out, cap, "unknown");
#ifdef __linux__
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0) return;
    size_t n = (size_t)snprintf(out, cap, "cpus ");
    int first = 1;
    for (int c = 0; c < CPU_SETSIZE && n < cap; c++) {
        if (!CPU_ISSET(c, &set)) continue;
        int e = c;
        while (e + 1 < CPU_SETSIZE && CPU_ISSET(e + 1, &set)) e++;
        int w = e > c ? snprintf(out + n, cap - n, "%s%d-%d", first ? "" : ",", c, e)
                      : snprintf(out + n, cap - n, "%s%d", first ? "" : ",", c);
        if (w < 0 || (size_t)w >= cap - n) { /* too long: mark the cut */
            if (cap > 4) memcpy(out + cap - 4, "...", 4);
            return;
        }
        n += (size_t)w;
        first = 0;
        c = e;
    }
#endif
}

/* Transport settings worth recording: libmsgpass's MSGPASS_*, Open MPI's OMPI_MCA_*, MPICH's
 * MPIR_CVAR_*; not the variables mpprun, mpirun or hydra set in every rank for themselves. */
static int bench_setting_wanted(const char *e)
{
    static const char *const prefixes[] = {"MSGPASS_", "OMPI_MCA_", "MPIR_CVAR_"};
    static const char *const launcher[] = {"MSGPASS_BOOT_FD=",
                                           "MSGPASS_RANK=",
                                           "MSGPASS_SIZE=",
                                           "MSGPASS_JOBID=",
                                           "MSGPASS_LOCAL_RANK=",
                                           "MSGPASS_LOCAL_SIZE=",
                                           "MSGPASS_CPUS=",
                                           "MSGPASS_JOB_SECRET=",
                                           "MSGPASS_HOSTNAME=",
                                           "OMPI_MCA_orte_",
                                           "OMPI_MCA_ess",
                                           "OMPI_MCA_pmix",
                                           "OMPI_MCA_initial_wdir=",
                                           "OMPI_MCA_shmem_RUNTIME_QUERY_hint=",
                                           "OMPI_MCA_mpi_oversubscribe=",
                                           "MPIR_CVAR_CH3_INTERFACE_HOSTNAME="};
    int want = 0;
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++)
        if (!strncmp(e, prefixes[i], strlen(prefixes[i]))) want = 1;
    for (size_t i = 0; want && i < sizeof launcher / sizeof *launcher; i++)
        if (!strncmp(e, launcher[i], strlen(launcher[i]))) want = 0;
    return want && strchr(e, '=') != NULL;
}

/* The next wanted setting ("NAME=value") after environ[*pos], or NULL. */
static const char *bench_setting_next(size_t *pos)
{
    for (; environ && environ[*pos]; ++*pos)
        if (bench_setting_wanted(environ[*pos])) return environ[(*pos)++];
    return NULL;
}

/* Collective: every rank calls it (the bindings are gathered to rank 0). */
static void bench_meta_get(struct bench_meta *m, int rank)
{
    char lib[MPI_MAX_LIBRARY_VERSION_STRING + 1];
    int len = 0;
    memset(lib, 0, sizeof lib);
    MPI_Get_library_version(lib, &len);
    size_t n = strcspn(lib, "\r\n");
    /* tidy: tabs to spaces, trailing blanks off */
    for (size_t i = 0; i < n; i++)
        if (lib[i] == '\t') lib[i] = ' ';
    while (n > 0 && lib[n - 1] == ' ') n--;
    memcpy(m->library, lib, n);
    m->library[n] = 0;
    len = 0;
    MPI_Get_processor_name(m->host, &len);
    m->host[len < 0 ? 0 : len] = 0;
    MPI_Get_version(&m->version, &m->subversion);
    MPI_Comm_size(MPI_COMM_WORLD, &m->ranks);

    char mine[BENCH_BIND_LEN];
    memset(mine, 0, sizeof mine);
    bench_binding_self(mine, sizeof mine);
    m->binding = NULL;
    if (rank == 0) {
        m->binding = calloc((size_t)m->ranks, BENCH_BIND_LEN);
        if (!m->binding) {
            fprintf(stderr, "out of memory\n");
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
    }
    /* a gather by point-to-point: the benchmarks use only what every MPI subset has */
    if (rank == 0) {
        memcpy(m->binding, mine, BENCH_BIND_LEN);
        for (int r = 1; r < m->ranks; r++)
            MPI_Recv(m->binding + (size_t)r * BENCH_BIND_LEN, BENCH_BIND_LEN, MPI_CHAR, r, 999, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE);
    } else {
        MPI_Send(mine, BENCH_BIND_LEN, MPI_CHAR, 0, 999, MPI_COMM_WORLD);
    }
}

static const char *bench_binding_of(const struct bench_meta *m, int r)
{
    return m->binding + (size_t)r * BENCH_BIND_LEN;
}

static int bench_binding_uniform(const struct bench_meta *m)
{
    for (int r = 1; r < m->ranks; r++)
        if (strcmp(bench_binding_of(m, r), bench_binding_of(m, 0))) return 0;
    return 1;
}

static void bench_json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static void bench_json_string_n(const char *s, size_t n)
{
    char buf[256];
    if (n >= sizeof buf) n = sizeof buf - 1;
    memcpy(buf, s, n);
    buf[n] = 0;
    bench_json_string(buf);
}

static void bench_csv_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"') putchar('"');
        putchar(*s);
    }
    putchar('"');
}

/* csv: the bindings as one field, "rank0;rank1;...", and the settings as "A=1;B=2". */
static void bench_csv_meta(const struct bench_meta *m)
{
    putchar('"');
    for (int r = 0; r < m->ranks; r++) {
        for (const char *s = bench_binding_of(m, r); *s; s++) {
            if (*s == '"') putchar('"');
            putchar(*s);
        }
        if (r + 1 < m->ranks) putchar(';');
    }
    printf("\",\"");
    size_t pos = 0;
    int k = 0;
    for (const char *e; (e = bench_setting_next(&pos)) != NULL; k++) {
        if (k) putchar(';');
        for (; *e; e++) {
            if (*e == '"') putchar('"');
            putchar(*e);
        }
    }
    putchar('"');
}

static void bench_header(struct bench_out *b, const struct bench_opts *o, const struct bench_meta *m)
{
    size_t pos = 0;
    int k = 0;
    b->rows = 0;
    if (o->format == FMT_TEXT) {
        printf("# %s v%s (%s)\n", b->title, MP_BENCH_VERSION, b->bench);
        printf("# Library: %s\n", m->library);
        printf("# MPI %d.%d, %d ranks, host %s%s\n", m->version, m->subversion, m->ranks, m->host,
               o->validate ? ", data validation on" : "");
        if (bench_binding_uniform(m)) {
            printf("# Binding: %s (every rank)\n", bench_binding_of(m, 0));
        } else {
            printf("# Binding:");
            for (int r = 0; r < m->ranks; r++) printf("%s rank %d: %s", r ? "," : "", r, bench_binding_of(m, r));
            printf("\n");
        }
        printf("# Settings:");
        for (const char *e; (e = bench_setting_next(&pos)) != NULL; k++) printf(" %s", e);
        printf("%s\n", k ? "" : " none set (library defaults)");
        if (o->window > 0) printf("# Window size: %d\n", o->window);
        if (o->validate)
            printf("%-10s%18s%12s\n", "# Size", b->column, "Validation");
        else
            printf("%-10s%18s\n", "# Size", b->column);
    } else if (o->format == FMT_JSON) {
        printf("{\n  \"benchmark\": \"%s\",\n  \"library\": ", b->bench);
        bench_json_string(m->library);
        printf(",\n  \"mpi_version\": \"%d.%d\",\n  \"host\": ", m->version, m->subversion);
        bench_json_string(m->host);
        printf(",\n  \"ranks\": %d,\n  \"binding\": [", m->ranks);
        for (int r = 0; r < m->ranks; r++) {
            if (r) printf(", ");
            bench_json_string(bench_binding_of(m, r));
        }
        printf("],\n  \"settings\": {");
        for (const char *e; (e = bench_setting_next(&pos)) != NULL; k++) {
            const char *eq = strchr(e, '=');
            printf("%s", k ? ", " : "");
            bench_json_string_n(e, (size_t)(eq - e));
            printf(": ");
            bench_json_string(eq + 1);
        }
        printf("},\n");
        if (o->window > 0) printf("  \"window\": %d,\n", o->window);
        printf("  \"validation\": %s,\n  \"results\": [", o->validate ? "true" : "false");
    } else {
        printf("benchmark,library,mpi_version,host,ranks,binding,settings,size,iterations,%s%s\n", b->key,
               o->validate ? ",validation" : "");
    }
    fflush(stdout);
}

static void bench_row(struct bench_out *b, const struct bench_opts *o, const struct bench_meta *m, long size, int iters,
                      double value, int valid)
{
    if (o->format == FMT_TEXT) {
        if (o->validate)
            printf("%-10ld%18.2f%12s\n", size, value, valid ? "Pass" : "Fail");
        else
            printf("%-10ld%18.2f\n", size, value);
    } else if (o->format == FMT_JSON) {
        printf("%s\n    {\"size\": %ld, \"iterations\": %d, \"%s\": %.4f", b->rows ? "," : "", size, iters, b->key,
               value);
        if (o->validate) printf(", \"valid\": %s", valid ? "true" : "false");
        printf("}");
    } else {
        printf("%s,", b->bench);
        bench_csv_string(m->library);
        printf(",%d.%d,", m->version, m->subversion);
        bench_csv_string(m->host);
        printf(",%d,", m->ranks);
        bench_csv_meta(m);
        printf(",%ld,%d,%.4f", size, iters, value);
        if (o->validate) printf(",%s", valid ? "pass" : "fail");
        printf("\n");
    }
    b->rows++;
    fflush(stdout);
}

/* Rank 0, after the last row. */
static void bench_footer(struct bench_out *b, const struct bench_opts *o)
{
    (void)b;
    if (o->format == FMT_JSON) printf("\n  ]\n}\n");
    fflush(stdout);
}

/* Page-aligned buffer of at least n bytes, touched. */
static void *bench_alloc(size_t n)
{
    size_t a = 4096, sz = (n + a - 1) / a * a;
    void *p = aligned_alloc(a, sz ? sz : a);
    if (!p) {
        fprintf(stderr, "out of memory (%zu bytes)\n", n);
        MPI_Abort(MPI_COMM_WORLD, 1);
        exit(1);
    }
    memset(p, 'a', sz ? sz : a);
    return p;
}

/* Validation pattern: depends on the size, the iteration and the sender. */
static inline unsigned char bench_pat(long size, int iter, int who, size_t i)
{
    return (unsigned char)((i * 31u + (size_t)size * 7u + (size_t)iter * 13u + (size_t)who * 101u) >> 1);
}
static void bench_fill(unsigned char *p, long size, int iter, int who)
{
    for (long i = 0; i < size; i++) p[i] = bench_pat(size, iter, who, (size_t)i);
}
static int bench_check(const unsigned char *p, long size, int iter, int who)
{
    for (long i = 0; i < size; i++)
        if (p[i] != bench_pat(size, iter, who, (size_t)i)) return 1;
    return 0;
}

/* Sizes of a sweep: MIN, then doubling (0, 1, 2, 4, ...) up to MAX. */
static inline long bench_next_size(long sz)
{
    return sz ? sz * 2 : 1;
}

/* Per-size iteration and warm-up counts (the "large" ones above LARGE_MESSAGE_SIZE, as in OSU). */
static inline int bench_iters(const struct bench_opts *o, long sz)
{
    return sz > LARGE_MESSAGE_SIZE ? o->iters_large : o->iters;
}
static inline int bench_skip(const struct bench_opts *o, long sz)
{
    return sz > LARGE_MESSAGE_SIZE ? o->skip_large : o->skip;
}

/* Collective: sums the validation errors of all ranks; *failed |= any. */
static inline int bench_errors_all(int errors, int *failed)
{
    int all = 0;
    MPI_Allreduce(&errors, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    *failed |= all != 0;
    return all;
}

/* The common start of the benchmarks: MPI_Init, options, the rank-count check (exactly two, or
 * an even number for out->even_ranks), metadata and (on rank 0) the header. Returns -1 when the
 * benchmark should run; otherwise MPI is already finalized and the value is the program's exit
 * status. */
static int bench_start(int argc, char **argv, struct bench_opts *o, struct bench_meta *m, struct bench_out *out,
                       int *rank)
{
    int size;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (!out->windowed) o->window = 0;
    int p = bench_parse(argc, argv, o, out, *rank);
    if (p != 0) {
        MPI_Finalize();
        return p > 0 ? 0 : 1;
    }
    if (out->even_ranks ? (size < 2 || size % 2) : size != 2) {
        if (*rank == 0)
            fprintf(stderr, "%s: this test requires %s (got %d)\n", argv[0],
                    out->even_ranks ? "an even number of ranks, at least two" : "exactly two ranks", size);
        MPI_Finalize();
        return 1;
    }
    bench_meta_get(m, *rank);
    if (*rank == 0) bench_header(out, o, m);
    return -1;
}

/* The common end: on rank 0 the footer and the validation verdict; frees the metadata and
 * finalizes MPI. Returns the program's exit status. */
static int bench_end(struct bench_out *out, const struct bench_opts *o, struct bench_meta *m, int rank, int failed,
                     const char *prog)
{
    if (rank == 0) {
        bench_footer(out, o);
        if (failed) fprintf(stderr, "%s: data validation FAILED\n", prog);
    }
    free(m->binding);
    m->binding = NULL;
    MPI_Finalize();
    return failed ? 1 : 0;
}

#endif
