/* Shared option parsing and output for the OSU-style benchmarks (plain MPI C11).
 *
 * Options (OSU-compatible where OSU has them):
 *   -m [MIN:]MAX     message sizes, powers of two from MIN (0 allowed) to MAX
 *   -i ITERS         timed iterations per size (also for large sizes when given)
 *   -x WARMUP        untimed warm-up iterations per size (also for large sizes when given)
 *   -W WINDOW        window size (bandwidth only)
 *   -c               validate the received data (timings then include the fill/check)
 *   --format F       text (OSU layout, default) | json | csv
 *   -h, --help
 * Sizes above LARGE_MESSAGE_SIZE use the "large" iteration defaults, as in OSU. */
#ifndef MP_BENCH_COMMON_H
#define MP_BENCH_COMMON_H

#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LARGE_MESSAGE_SIZE 8192
#define MP_BENCH_VERSION "1.0"

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
};

static void bench_usage(const char *prog, const struct bench_opts *d, int is_bw)
{
    printf("Usage: %s [options]   (run with exactly 2 ranks)\n"
           "  -m [MIN:]MAX     message sizes in bytes (default %ld:%ld)\n"
           "  -i ITERS         timed iterations per size (default %d, %d above %d bytes)\n"
           "  -x WARMUP        warm-up iterations per size (default %d, %d above %d bytes)\n"
           "%s"
           "  -c               validate received data\n"
           "  --format FORMAT  text | json | csv (default text)\n"
           "  -h, --help       this help\n",
           prog, d->min_size, d->max_size, d->iters, d->iters_large, LARGE_MESSAGE_SIZE, d->skip, d->skip_large,
           LARGE_MESSAGE_SIZE, is_bw ? "  -W WINDOW        messages in flight per iteration (default 64)\n" : "");
}

static int bench_parse_long(const char *s, long *v)
{
    char *end;
    if (!s || !*s) return -1;
    *v = strtol(s, &end, 10);
    return (*end || *v < 0) ? -1 : 0;
}

/* Returns 0 to run, 1 when help was printed, -1 on a bad option (message printed on rank 0). */
static int bench_parse(int argc, char **argv, struct bench_opts *o, int is_bw, int rank)
{
    struct bench_opts d = *o;
    for (int a = 1; a < argc; a++) {
        const char *arg = argv[a];
        const char *val = a + 1 < argc ? argv[a + 1] : NULL;
        long v;
        if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            if (rank == 0) bench_usage(argv[0], &d, is_bw);
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
        } else if (is_bw && (!strcmp(arg, "-W") || !strcmp(arg, "--window-size"))) {
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
            bench_usage(argv[0], &d, is_bw);
        }
        return -1;
    }
    return 0;
}

static void bench_meta_get(struct bench_meta *m)
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

static void bench_csv_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"') putchar('"');
        putchar(*s);
    }
    putchar('"');
}

/* bench: program name; title: OSU-style title; column/unit/key: the measured quantity. */
struct bench_out {
    const char *bench, *title, *column, *key;
    int rows;
};

static void bench_header(struct bench_out *b, const struct bench_opts *o, const struct bench_meta *m)
{
    b->rows = 0;
    if (o->format == FMT_TEXT) {
        printf("# %s v%s (%s)\n", b->title, MP_BENCH_VERSION, b->bench);
        printf("# Library: %s\n", m->library);
        printf("# MPI %d.%d, %d ranks, host %s%s\n", m->version, m->subversion, m->ranks, m->host,
               o->validate ? ", data validation on" : "");
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
        printf(",\n  \"ranks\": %d,\n", m->ranks);
        if (o->window > 0) printf("  \"window\": %d,\n", o->window);
        printf("  \"validation\": %s,\n  \"results\": [", o->validate ? "true" : "false");
    } else {
        printf("benchmark,library,mpi_version,host,ranks,size,iterations,%s%s\n", b->key,
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
        printf(",%d,%ld,%d,%.4f", m->ranks, size, iters, value);
        if (o->validate) printf(",%s", valid ? "pass" : "fail");
        printf("\n");
    }
    b->rows++;
    fflush(stdout);
}

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

/* The common start of the two-rank benchmarks: MPI_Init, options, the exactly-two-ranks check,
 * metadata and (on rank 0) the header. Returns -1 when the benchmark should run; otherwise MPI
 * is already finalized and the value is the program's exit status. */
static int bench_start(int argc, char **argv, struct bench_opts *o, int is_bw, struct bench_meta *m,
                       struct bench_out *out, int *rank)
{
    int size;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int p = bench_parse(argc, argv, o, is_bw, *rank);
    if (p != 0) {
        MPI_Finalize();
        return p > 0 ? 0 : 1;
    }
    if (size != 2) {
        if (*rank == 0) fprintf(stderr, "%s: this test requires exactly two ranks (got %d)\n", argv[0], size);
        MPI_Finalize();
        return 1;
    }
    bench_meta_get(m);
    if (*rank == 0) bench_header(out, o, m);
    return -1;
}

#endif
