/* Bootstrap, rank side: the line protocol to mpprun (docs/bootstrap.md), or a singleton job with a
 * process-local key-value store when the program was started without mpprun. */
#include "boot/boot.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "boot/boot_backend.h"
#include "mpi.h"

#define BOOT_LINE_MAX 1200 /* '\n' included */

struct kv {
    struct kv *next;
    char *val;
    char key[];
};

static struct {
    int initialized;
    int singleton;
    const struct mp_boot_backend *pm; /* started by srun (PMIx or PMI-2): every operation goes there */
    int fd;                           /* socket to mpprun; -1 when closed or singleton */
    int rank;
    size_t rlen; /* bytes buffered in rbuf */
    char rbuf[BOOT_LINE_MAX];
    struct kv *local; /* the singleton's key-value store */
} boot = {.fd = -1};

static int fail(int errclass, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(int errclass, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("msgpass: bootstrap: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return errclass;
}

/* Integer environment variable in [min, max]. Returns 0, 1 when unset, or -1 after an error. */
static int env_int(const char *name, int min, int max, int *out)
{
    const char *s = getenv(name);
    if (!s) return 1;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!*s || isspace((unsigned char)*s) || *end || errno || v < min || v > max) {
        fail(MPI_ERR_OTHER, "%s='%s' is not an integer between %d and %d (is this program started by mpprun?)", name, s,
             min, max);
        return -1;
    }
    *out = (int)v;
    return 0;
}

static int valid_jobid(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= sizeof(((struct mp_boot_info *)0)->jobid)) return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.') return 0;
    return 1;
}

/* A key or value: 1..max printable ASCII bytes without spaces. */
static int valid_token(const char *s, size_t max)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (s[n] <= ' ' || s[n] >= 127 || n >= max) return 0;
    return n > 0;
}

static int send_all(const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = send(boot.fd, buf, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return fail(MPI_ERR_OTHER, "lost the connection to mpprun: %s", n < 0 ? strerror(errno) : "closed");
        buf += n;
        len -= (size_t)n;
    }
    return MPI_SUCCESS;
}

/* Reads one reply line into line (without '\n', NUL-terminated). */
static int recv_line(char *line, size_t len)
{
    for (;;) {
        char *nl = memchr(boot.rbuf, '\n', boot.rlen);
        if (nl) {
            size_t n = (size_t)(nl - boot.rbuf);
            if (n >= len) return fail(MPI_ERR_INTERN, "reply from mpprun too long (%zu bytes)", n);
            memcpy(line, boot.rbuf, n);
            line[n] = '\0';
            memmove(boot.rbuf, nl + 1, boot.rlen - n - 1);
            boot.rlen -= n + 1;
            return MPI_SUCCESS;
        }
        if (boot.rlen == sizeof boot.rbuf)
            return fail(MPI_ERR_INTERN, "reply from mpprun longer than %d bytes", BOOT_LINE_MAX);
        ssize_t n = read(boot.fd, boot.rbuf + boot.rlen, sizeof boot.rbuf - boot.rlen);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0)
            return fail(MPI_ERR_OTHER, "lost the connection to mpprun (%s); the job is probably ending",
                        n < 0 ? strerror(errno) : "closed");
        boot.rlen += (size_t)n;
    }
}

static void make_singleton_jobid(char *buf, size_t len)
{
    uint32_t rnd = 0;
    if (getrandom(&rnd, sizeof rnd, GRND_NONBLOCK) != (ssize_t)sizeof rnd) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        rnd = (uint32_t)ts.tv_nsec ^ (uint32_t)ts.tv_sec;
    }
    snprintf(buf, len, "s%ldx%08x", (long)getpid(), (unsigned)rnd);
}

int mp_boot_init(struct mp_boot_info *info)
{
    memset(info, 0, sizeof *info);
    info->local_size = 1;
    const char *fds = getenv("MSGPASS_BOOT_FD");
    /* mpprun inside a Slurm job starts its proxies with srun: their ranks inherit Slurm's
     * variables, but mpprun is what bootstraps them. */
    static const struct mp_boot_backend *const managers[] = {&mp_boot_pmix, &mp_boot_pmi2};
    for (size_t i = 0; !fds && i < sizeof managers / sizeof managers[0]; i++)
        if (managers[i]->detect()) {
            int rc = managers[i]->init(info);
            boot.pm = rc == MPI_SUCCESS ? managers[i] : NULL;
            boot.initialized = rc == MPI_SUCCESS;
            return rc;
        }
    const char *slurm_tasks = getenv("SLURM_STEP_NUM_TASKS");
    if (!fds && getenv("SLURM_PROCID") && slurm_tasks && atoi(slurm_tasks) > 1)
        return fail(MPI_ERR_OTHER,
                    "srun started %s ranks without a PMI plugin, so each would run alone; start them with "
                    "`srun --mpi=pmix` or `srun --mpi=pmi2` (or set MpiDefault in slurm.conf), or use mpprun",
                    slurm_tasks);
    if (!fds) {
        boot.singleton = 1;
        boot.rank = 0;
        info->singleton = 1;
        info->size = 1;
        int cpus = 0;
        if (env_int("MSGPASS_CPUS", 0, INT_MAX, &cpus) == 0) info->cpus = cpus;
        make_singleton_jobid(info->jobid, sizeof info->jobid);
        boot.initialized = 1;
        return MPI_SUCCESS;
    }
    int fd, size, rank, local_size = 1, cpus = 0;
    if (env_int("MSGPASS_BOOT_FD", 0, INT_MAX, &fd) != 0) {
        if (!*fds) return fail(MPI_ERR_OTHER, "MSGPASS_BOOT_FD is empty");
        return MPI_ERR_OTHER;
    }
    if (fcntl(fd, F_GETFD) < 0)
        return fail(MPI_ERR_OTHER, "MSGPASS_BOOT_FD=%d is not an open file descriptor (%s)", fd, strerror(errno));
    int rc = env_int("MSGPASS_SIZE", 1, INT_MAX, &size);
    if (rc > 0) return fail(MPI_ERR_OTHER, "MSGPASS_SIZE is not set (MSGPASS_BOOT_FD is)");
    if (rc < 0) return MPI_ERR_OTHER;
    rc = env_int("MSGPASS_RANK", 0, size - 1, &rank);
    if (rc > 0) return fail(MPI_ERR_OTHER, "MSGPASS_RANK is not set (MSGPASS_BOOT_FD is)");
    if (rc < 0) return MPI_ERR_OTHER;
    const char *jobid = getenv("MSGPASS_JOBID");
    if (!jobid) return fail(MPI_ERR_OTHER, "MSGPASS_JOBID is not set (MSGPASS_BOOT_FD is)");
    if (!valid_jobid(jobid))
        return fail(MPI_ERR_OTHER, "MSGPASS_JOBID='%s' is not 1 to %zu characters of [A-Za-z0-9._-]", jobid,
                    sizeof info->jobid - 1);
    if (env_int("MSGPASS_LOCAL_SIZE", 1, INT_MAX, &local_size) < 0) return MPI_ERR_OTHER;
    if (env_int("MSGPASS_CPUS", 0, INT_MAX, &cpus) < 0) return MPI_ERR_OTHER;

    /* Programs this rank starts must not inherit the connection. */
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    boot.fd = fd;
    boot.rank = rank;
    boot.rlen = 0;
    boot.singleton = 0;
    boot.initialized = 1;
    info->rank = rank;
    info->size = size;
    info->local_size = local_size;
    info->cpus = cpus;
    snprintf(info->jobid, sizeof info->jobid, "%s", jobid);
    return MPI_SUCCESS;
}

static struct kv *local_find(const char *key)
{
    for (struct kv *e = boot.local; e; e = e->next)
        if (!strcmp(e->key, key)) return e;
    return NULL;
}

int mp_boot_put(const char *key, const char *value)
{
    if (!boot.initialized) return fail(MPI_ERR_OTHER, "put before mp_boot_init");
    if (!key || !valid_token(key, MP_BOOT_KEY_MAX - 1))
        return fail(MPI_ERR_ARG, "bad key '%s' (1 to %d printable characters, no spaces)", key ? key : "(null)",
                    MP_BOOT_KEY_MAX - 1);
    if (!value || !valid_token(value, MP_BOOT_VAL_MAX - 1))
        return fail(MPI_ERR_ARG, "bad value for key '%s' (1 to %d printable characters, no spaces)", key,
                    MP_BOOT_VAL_MAX - 1);
    if (boot.pm) return boot.pm->put(key, value);
    if (boot.singleton) {
        char *v = strdup(value);
        if (!v) return MPI_ERR_NO_MEM;
        struct kv *e = local_find(key);
        if (e) {
            free(e->val);
            e->val = v;
            return MPI_SUCCESS;
        }
        size_t klen = strlen(key);
        e = malloc(sizeof *e + klen + 1);
        if (!e) {
            free(v);
            return MPI_ERR_NO_MEM;
        }
        memcpy(e->key, key, klen + 1);
        e->val = v;
        e->next = boot.local;
        boot.local = e;
        return MPI_SUCCESS;
    }
    if (boot.fd < 0) return fail(MPI_ERR_OTHER, "put after mp_boot_finalize");
    char line[BOOT_LINE_MAX];
    int n = snprintf(line, sizeof line, "PUT %s %s\n", key, value);
    return send_all(line, (size_t)n);
}

int mp_boot_fence(void)
{
    if (!boot.initialized) return fail(MPI_ERR_OTHER, "fence before mp_boot_init");
    if (boot.singleton) return MPI_SUCCESS;
    if (boot.pm) return boot.pm->fence();
    if (boot.fd < 0) return fail(MPI_ERR_OTHER, "fence after mp_boot_finalize");
    int rc = send_all("FENCE\n", 6);
    if (rc != MPI_SUCCESS) return rc;
    char line[BOOT_LINE_MAX];
    rc = recv_line(line, sizeof line);
    if (rc != MPI_SUCCESS) return rc;
    if (strcmp(line, "FENCE_OK") != 0) return fail(MPI_ERR_INTERN, "unexpected reply to FENCE: '%.60s'", line);
    return MPI_SUCCESS;
}

int mp_boot_get(const char *key, char *value, size_t len)
{
    if (!boot.initialized) return fail(MPI_ERR_OTHER, "get before mp_boot_init");
    if (!key || !valid_token(key, MP_BOOT_KEY_MAX - 1) || !value || len == 0)
        return fail(MPI_ERR_ARG, "bad key or buffer in get");
    if (boot.pm) return boot.pm->get(key, value, len);
    const char *found;
    char line[BOOT_LINE_MAX];
    if (boot.singleton) {
        struct kv *e = local_find(key);
        if (!e) return MPI_ERR_OTHER;
        found = e->val;
    } else {
        if (boot.fd < 0) return fail(MPI_ERR_OTHER, "get after mp_boot_finalize");
        int n = snprintf(line, sizeof line, "GET %s\n", key);
        int rc = send_all(line, (size_t)n);
        if (rc == MPI_SUCCESS) rc = recv_line(line, sizeof line);
        if (rc != MPI_SUCCESS) return rc;
        if (!strcmp(line, "NONE")) return MPI_ERR_OTHER;
        if (strncmp(line, "VAL ", 4) != 0 || !valid_token(line + 4, MP_BOOT_VAL_MAX - 1))
            return fail(MPI_ERR_INTERN, "unexpected reply to GET %s: '%.60s'", key, line);
        found = line + 4;
    }
    size_t vlen = strlen(found);
    if (vlen >= len) return fail(MPI_ERR_TRUNCATE, "value of '%s' is %zu bytes, buffer %zu", key, vlen, len);
    memcpy(value, found, vlen + 1);
    return MPI_SUCCESS;
}

void mp_boot_finalize(void)
{
    if (!boot.initialized) return;
    if (boot.pm) boot.pm->finalize();
    if (boot.fd >= 0) {
        send_all("FINI\n", 5); /* nothing to do if mpprun is gone */
        close(boot.fd);
        boot.fd = -1;
    }
    for (struct kv *e = boot.local, *next; e; e = next) {
        next = e->next;
        free(e->val);
        free(e);
    }
    boot.local = NULL;
    boot.initialized = 0;
}

_Noreturn void mp_boot_abort(int code, const char *msg)
{
    if (!msg) msg = "";
    int status = code & 255;
    if (status == 0) status = 1; /* an abort never reads as success */
    if (boot.initialized && boot.pm) boot.pm->abort(status, msg);
    if (boot.initialized && boot.fd >= 0) {
        char line[BOOT_LINE_MAX];
        int n = snprintf(line, sizeof line, "ABORT %d ", code);
        size_t pos = (size_t)n;
        for (const char *p = msg; *p && pos < sizeof line - 1; p++)
            line[pos++] = isprint((unsigned char)*p) ? *p : ' '; /* one line, whatever msg holds */
        line[pos++] = '\n';
        send_all(line, pos);
    } else {
        fprintf(stderr, "msgpass: job aborted with code %d: %s\n", code, msg);
    }
    fflush(stdout);
    fflush(stderr);
    _exit(status);
}
