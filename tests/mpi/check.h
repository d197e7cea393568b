/* Shared helpers for the multi-rank MPI tests (plain MPI C11: builds against any MPI).
 *
 * Usage: include this header FIRST, call MPI_Init (or MPI_Init_thread), then chk_begin("name");
 * name each case with chk_case("fmt", ...); check with CHECK(cond, "fmt", ...) and the helpers;
 * finish with `return chk_end();` (collects the counts on rank 0, prints "N passed, 0 failed",
 * finalizes). The first failed check prints one diagnostic naming program, rank, case and the
 * first wrong value on stderr, then calls MPI_Abort(MPI_COMM_WORLD, 1): a wrong message can
 * cascade into hangs, so the tests never continue after a failure.
 *
 * A watchdog (alarm) names the case a rank is stuck in; MPTEST_ALARM=seconds (default 100,
 * 0 = off) sets it. */
#ifndef MPTEST_CHECK_H
#define MPTEST_CHECK_H

#if !defined(_POSIX_C_SOURCE) && !defined(_GNU_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include <mpi.h>

#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#if defined(__GNUC__)
#define CHK_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define CHK_UNUSED __attribute__((unused))
#else
#define CHK_PRINTF(a, b)
#define CHK_UNUSED
#endif

static int chk_rank = 0, chk_size = 1;
static long long chk_passed = 0;
static const char *chk_prog = "test";
static char chk_casebuf[200] = "startup";
static MPI_Comm chk_comm = MPI_COMM_NULL; /* private duplicate of COMM_WORLD for chk_end */

#define CHK_TAG_COUNTS 32767 /* tag used by chk_end to collect the counts */

static CHK_UNUSED CHK_PRINTF(1, 2) void chk_case(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(chk_casebuf, sizeof chk_casebuf, fmt, ap);
    va_end(ap);
}

static CHK_UNUSED CHK_PRINTF(3, 4) void chk_fail(const char *file, int line, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "[%s rank %d/%d] FAIL case '%s' (%s:%d): %s\n", chk_prog, chk_rank, chk_size, chk_casebuf, file,
            line, msg);
    fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, 1);
    exit(1);
}

#define CHECK(cond, ...)                                                                                               \
    do {                                                                                                               \
        if (cond)                                                                                                      \
            chk_passed++;                                                                                              \
        else                                                                                                           \
            chk_fail(__FILE__, __LINE__, __VA_ARGS__);                                                                 \
    } while (0)

#define CHECK_INT(got, want, what)                                                                                     \
    do {                                                                                                               \
        long long g_ = (long long)(got), w_ = (long long)(want);                                                       \
        CHECK(g_ == w_, "%s: got %lld, expected %lld", (what), g_, w_);                                                \
    } while (0)

/* An MPI call that must succeed (not counted as a check). */
#define MPI_OK(call)                                                                                                   \
    do {                                                                                                               \
        int rc_ = (call);                                                                                              \
        if (rc_ != MPI_SUCCESS) chk_fail(__FILE__, __LINE__, "%s returned %d", #call, rc_);                            \
    } while (0)

static void chk_alarm_handler(int sig)
{
    (void)sig;
    char msg[400];
    int n = snprintf(msg, sizeof msg, "[%s rank %d/%d] TIMEOUT (watchdog) in case '%s'\n", chk_prog, chk_rank, chk_size,
                     chk_casebuf);
    if (n > 0 && write(2, msg, (size_t)n) < 0) n = 0;
    _exit(3);
}

static CHK_UNUSED void chk_begin(const char *prog)
{
    chk_prog = prog;
    MPI_Comm_rank(MPI_COMM_WORLD, &chk_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &chk_size);
    /* the summary travels on its own communicator so wildcard receives never see it */
    if (MPI_Comm_dup(MPI_COMM_WORLD, &chk_comm) != MPI_SUCCESS)
        chk_fail(__FILE__, __LINE__, "MPI_Comm_dup(MPI_COMM_WORLD) failed");
    const char *e = getenv("MPTEST_ALARM");
    int secs = e ? atoi(e) : 100;
    if (secs > 0) {
        signal(SIGALRM, chk_alarm_handler);
        alarm((unsigned)secs);
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
}

/* Collect the check counts on rank 0 (point-to-point only), print the summary, finalize. */
static CHK_UNUSED int chk_end(void)
{
    chk_case("summary");
    long long total = chk_passed;
    if (chk_rank == 0) {
        for (int r = 1; r < chk_size; r++) {
            long long n = 0;
            MPI_Status st;
            MPI_OK(MPI_Recv(&n, 1, MPI_LONG_LONG, r, CHK_TAG_COUNTS, chk_comm, &st));
            total += n;
        }
        printf("%s: %d ranks: %lld passed, 0 failed\n", chk_prog, chk_size, total);
        fflush(stdout);
    } else {
        MPI_OK(MPI_Send(&chk_passed, 1, MPI_LONG_LONG, 0, CHK_TAG_COUNTS, chk_comm));
    }
    alarm(0);
    MPI_Comm_free(&chk_comm);
    MPI_Finalize();
    return 0;
}

static CHK_UNUSED void chk_sleep_ms(int ms)
{
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
}

/* ---- data patterns: content depends on a seed and the byte index ---- */
static CHK_UNUSED uint32_t chk_seed(uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    uint32_t h = 2166136261u;
    uint32_t v[4] = {a, b, c, d};
    for (int i = 0; i < 4; i++) {
        h ^= v[i];
        h *= 16777619u;
        h ^= h >> 15;
    }
    return h;
}

static inline unsigned char chk_pat(uint32_t seed, size_t i)
{
    uint32_t x = (uint32_t)i * 2654435761u + seed;
    return (unsigned char)((x >> 24) ^ (uint32_t)(i >> 12));
}

static CHK_UNUSED void chk_fill(void *buf, size_t n, uint32_t seed)
{
    unsigned char *p = (unsigned char *)buf;
    for (size_t i = 0; i < n; i++) p[i] = chk_pat(seed, i);
}

/* One check: the first n bytes of buf hold the pattern for seed. */
static CHK_UNUSED void chk_buf_(const char *file, int line, const void *buf, size_t n, uint32_t seed, const char *what)
{
    const unsigned char *p = (const unsigned char *)buf;
    for (size_t i = 0; i < n; i++) {
        if (p[i] != chk_pat(seed, i))
            chk_fail(file, line, "%s: data of %zu bytes wrong at byte %zu: got 0x%02x, expected 0x%02x", what, n, i,
                     p[i], chk_pat(seed, i));
    }
    chk_passed++;
}
#define CHECK_BUF(buf, n, seed, what) chk_buf_(__FILE__, __LINE__, (buf), (size_t)(n), (seed), (what))

/* One check: every byte of buf[0..n) equals v (e.g. untouched guard bytes). */
static CHK_UNUSED void chk_bytes_(const char *file, int line, const void *buf, size_t n, unsigned char v,
                                  const char *what)
{
    const unsigned char *p = (const unsigned char *)buf;
    for (size_t i = 0; i < n; i++)
        if (p[i] != v) chk_fail(file, line, "%s: byte %zu is 0x%02x, expected 0x%02x", what, i, p[i], v);
    chk_passed++;
}
#define CHECK_BYTES(buf, n, v, what) chk_bytes_(__FILE__, __LINE__, (buf), (size_t)(n), (unsigned char)(v), (what))

/* Checks source, tag and MPI_Get_count(dt) of a status (4 checks). */
static CHK_UNUSED void chk_status_(const char *file, int line, const MPI_Status *st, int src, int tag, MPI_Datatype dt,
                                   int count, const char *what)
{
    int c = -12345;
    if (st->MPI_SOURCE != src) chk_fail(file, line, "%s: status.MPI_SOURCE %d, expected %d", what, st->MPI_SOURCE, src);
    if (st->MPI_TAG != tag) chk_fail(file, line, "%s: status.MPI_TAG %d, expected %d", what, st->MPI_TAG, tag);
    int rc = MPI_Get_count(st, dt, &c);
    if (rc != MPI_SUCCESS) chk_fail(file, line, "%s: MPI_Get_count returned %d", what, rc);
    if (c != count) chk_fail(file, line, "%s: MPI_Get_count %d, expected %d", what, c, count);
    chk_passed += 4;
}
#define CHECK_STATUS(st, src, tag, dt, count, what)                                                                    \
    chk_status_(__FILE__, __LINE__, (st), (src), (tag), (dt), (count), (what))

/* An "empty" status (MPI_PROC_NULL receive, null or inactive request): source MPI_ANY_SOURCE or
 * MPI_PROC_NULL as given, tag MPI_ANY_TAG, count 0. */
#define CHECK_EMPTY_STATUS(st, src, what) CHECK_STATUS((st), (src), MPI_ANY_TAG, MPI_BYTE, 0, (what))

static CHK_UNUSED void *chk_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "[%s rank %d] out of memory (%zu bytes)\n", chk_prog, chk_rank, n);
        MPI_Abort(MPI_COMM_WORLD, 1);
        exit(1);
    }
    return p;
}

#endif
