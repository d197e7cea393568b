/* mpprun command-line parsing: options, --hosts and --hostfile syntax. */
#include "options.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MPPRUN_TIMEOUT_MAX 1e8 /* seconds (~3 years): keeps deadline arithmetic finite */

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* Parses a positive decimal int in [1, max]; returns 0 or -1. */
static int parse_count(const char *s, long max, int *out)
{
    if (!s || !isdigit((unsigned char)*s)) return -1;
    errno = 0;
    char *end;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < 1 || v > max) return -1;
    *out = (int)v;
    return 0;
}

static int parse_seconds(const char *s, double *out)
{
    if (!s || !(isdigit((unsigned char)*s) || *s == '.')) return -1;
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    if (errno || *end || !isfinite(v) || v <= 0 || v > MPPRUN_TIMEOUT_MAX) return -1;
    *out = v;
    return 0;
}

static int add_host(struct mpprun_opts *o, const char *name, size_t len, int slots, char *err, size_t errlen)
{
    if (len == 0) return fail(err, errlen, "empty host name");
    for (size_t i = 0; i < len; i++)
        if (isspace((unsigned char)name[i]) || !isprint((unsigned char)name[i]))
            return fail(err, errlen, "host name '%.*s' contains a space or control character", (int)len, name);
    struct mpprun_host *h = realloc(o->hosts, (size_t)(o->nhosts + 1) * sizeof *h);
    if (!h) return fail(err, errlen, "out of memory");
    o->hosts = h;
    char *copy = malloc(len + 1);
    if (!copy) return fail(err, errlen, "out of memory");
    memcpy(copy, name, len);
    copy[len] = '\0';
    h[o->nhosts].name = copy;
    h[o->nhosts].slots = slots;
    o->nhosts++;
    return 0;
}

int mpprun_parse_hosts(const char *spec, struct mpprun_opts *o, char *err, size_t errlen)
{
    char sub[256];
    const char *p = spec;
    if (!*p) return fail(err, errlen, "--hosts: empty host list");
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        const char *colon = memchr(p, ':', len);
        int slots = 0;
        size_t namelen = len;
        if (colon) {
            namelen = (size_t)(colon - p);
            size_t slen = len - namelen - 1;
            if (slen == 0 || slen >= sizeof sub)
                return fail(err, errlen, "--hosts: bad slot count in '%.*s'", (int)len, p);
            memcpy(sub, colon + 1, slen);
            sub[slen] = '\0';
            if (parse_count(sub, MPPRUN_NP_MAX, &slots))
                return fail(err, errlen, "--hosts: bad slot count in '%.*s'", (int)len, p);
        }
        if (add_host(o, p, namelen, slots, sub, sizeof sub)) return fail(err, errlen, "--hosts: %s", sub);
        if (!comma) break;
        p = comma + 1;
    }
    return 0;
}

int mpprun_parse_hostfile_text(const char *text, const char *name, struct mpprun_opts *o, char *err, size_t errlen)
{
    char msg[256];
    int lineno = 0;
    const char *p = text;
    while (*p) {
        lineno++;
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        const char *hash = memchr(p, '#', len);
        if (hash) len = (size_t)(hash - p);
        /* Tokenize: host [slots=S] */
        const char *q = p, *end = p + len;
        while (q < end && isspace((unsigned char)*q)) q++;
        if (q < end) {
            const char *h = q;
            while (q < end && !isspace((unsigned char)*q)) q++;
            size_t hlen = (size_t)(q - h);
            int slots = 0;
            while (q < end && isspace((unsigned char)*q)) q++;
            if (q < end) {
                const char *t = q;
                while (q < end && !isspace((unsigned char)*q)) q++;
                size_t tlen = (size_t)(q - t);
                if (tlen <= 6 || tlen - 6 >= sizeof msg || strncmp(t, "slots=", 6) != 0)
                    return fail(err, errlen, "%s:%d: expected 'host [slots=S]', got '%.*s'", name, lineno, (int)tlen,
                                t);
                memcpy(msg, t + 6, tlen - 6);
                msg[tlen - 6] = '\0';
                if (parse_count(msg, MPPRUN_NP_MAX, &slots))
                    return fail(err, errlen, "%s:%d: bad slot count '%.*s'", name, lineno, (int)tlen, t);
                while (q < end && isspace((unsigned char)*q)) q++;
                if (q < end) return fail(err, errlen, "%s:%d: unexpected text after slots=", name, lineno);
            }
            if (add_host(o, h, hlen, slots, msg, sizeof msg)) return fail(err, errlen, "%s:%d: %s", name, lineno, msg);
        }
        if (!eol) break;
        p = eol + 1;
    }
    return 0;
}

int mpprun_read_hostfile(struct mpprun_opts *o, char *err, size_t errlen)
{
    if (!o->hostfile) return 0;
    FILE *f = fopen(o->hostfile, "r");
    if (!f) return fail(err, errlen, "--hostfile %s: %s", o->hostfile, strerror(errno));
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    int rc = -1;
    if (!buf) {
        fclose(f);
        return fail(err, errlen, "out of memory");
    }
    for (;;) {
        if (len + 1 >= cap) {
            if (cap >= (64u << 20)) {
                fail(err, errlen, "--hostfile %s: file too large", o->hostfile);
                goto out;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                fail(err, errlen, "out of memory");
                goto out;
            }
            buf = nb;
            cap *= 2;
        }
        size_t n = fread(buf + len, 1, cap - 1 - len, f);
        len += n;
        if (n == 0) break;
    }
    if (ferror(f)) {
        fail(err, errlen, "--hostfile %s: read error", o->hostfile);
        goto out;
    }
    buf[len] = '\0';
    if (memchr(buf, '\0', len)) {
        fail(err, errlen, "--hostfile %s: not a text file", o->hostfile);
        goto out;
    }
    rc = mpprun_parse_hostfile_text(buf, o->hostfile, o, err, errlen);
out:
    free(buf);
    fclose(f);
    return rc;
}

int mpprun_host_is_local(const char *host, const char *self)
{
    if (!strcmp(host, "localhost") || !strcmp(host, "127.0.0.1") || !strcmp(host, "::1")) return 1;
    if (!self || !*self) return 0;
    if (!strcmp(host, self)) return 1;
    /* "node1" matches "node1.example.org" and the other way round. */
    size_t hs = strcspn(host, "."), ss = strcspn(self, ".");
    return hs == ss && !strncmp(host, self, hs) && (!host[hs] || !self[ss]);
}

/* Matches "--name" and "--name=value". Sets *inline_val to the text after '=' (or NULL). */
static int long_opt(const char *arg, const char *name, const char **inline_val)
{
    size_t n = strlen(name);
    if (strncmp(arg, name, n) != 0) return 0;
    if (arg[n] == '\0') {
        *inline_val = NULL;
        return 1;
    }
    if (arg[n] == '=') {
        *inline_val = arg + n + 1;
        return 1;
    }
    return 0;
}

int mpprun_parse_args(int argc, char **argv, struct mpprun_opts *o, char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    o->bind = MPPRUN_BIND_DEFAULT;
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
        const char *opt = a;
        if (!strcmp(a, "--")) {
            i++;
            break;
        }
        if (a[0] != '-' || a[1] == '\0') break; /* PROGRAM */

/* Fetches the option's value: inline (--opt=V, -nV) or the next argument. */
#define TAKE_VALUE()                                                                                                   \
    do {                                                                                                               \
        if (!val) {                                                                                                    \
            if (i + 1 >= argc) return fail(err, errlen, "option '%s' needs a value", opt);                             \
            val = argv[++i];                                                                                           \
        }                                                                                                              \
    } while (0)

        int is_np = 0;
        if (!strcmp(a, "-n") || !strcmp(a, "-np")) {
            is_np = 1;
        } else if (long_opt(a, "--np", &val)) {
            is_np = 1;
            opt = "--np";
        } else if (a[1] == 'n' && a[2] != '-' && strncmp(a, "-np", 3) != 0) {
            is_np = 1; /* -n4 */
            opt = "-n";
            val = a + 2;
        }
        if (is_np) {
            TAKE_VALUE();
            if (parse_count(val, MPPRUN_NP_MAX, &o->np))
                return fail(err, errlen, "option '%s': '%s' is not a rank count between 1 and %d", opt, val,
                            MPPRUN_NP_MAX);
        } else if (long_opt(a, "--bind-to", &val)) {
            opt = "--bind-to";
            TAKE_VALUE();
            if (!strcmp(val, "core"))
                o->bind = MPPRUN_BIND_CORE;
            else if (!strcmp(val, "none"))
                o->bind = MPPRUN_BIND_NONE;
            else
                return fail(err, errlen, "option '--bind-to': '%s' is not one of core|none", val);
        } else if (!strcmp(a, "--tag-output")) {
            o->tag_output = 1;
        } else if (long_opt(a, "--timeout", &val)) {
            opt = "--timeout";
            TAKE_VALUE();
            if (parse_seconds(val, &o->timeout))
                return fail(err, errlen, "option '--timeout': '%s' is not a positive number of seconds", val);
        } else if (long_opt(a, "--hosts", &val)) {
            opt = "--hosts";
            TAKE_VALUE();
            if (mpprun_parse_hosts(val, o, err, errlen)) return -1;
        } else if (long_opt(a, "--hostfile", &val)) {
            opt = "--hostfile";
            TAKE_VALUE();
            if (!*val) return fail(err, errlen, "option '--hostfile' needs a file name");
            o->hostfile = val;
        } else if (long_opt(a, "--launch-agent", &val)) {
            opt = "--launch-agent";
            TAKE_VALUE();
            if (!*val) return fail(err, errlen, "option '--launch-agent' needs a command");
            o->launch_agent = val;
        } else if (long_opt(a, "--simulate-nodes", &val)) {
            opt = "--simulate-nodes";
            TAKE_VALUE();
            if (parse_count(val, MPPRUN_NP_MAX, &o->simulate_nodes))
                return fail(err, errlen, "option '--simulate-nodes': '%s' is not a node count between 1 and %d", val,
                            MPPRUN_NP_MAX);
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            o->help = 1;
        } else if (!strcmp(a, "--version") || !strcmp(a, "-V")) {
            o->version = 1;
        } else if (!strcmp(a, "--doctor")) {
            o->doctor = 1;
        } else {
            return fail(err, errlen, "unknown option '%s'", a);
        }
#undef TAKE_VALUE
    }
    if (o->help || o->version) return 0;
    const char *hang = getenv("MSGPASS_HANG_TIMEOUT"); /* --timeout wins */
    if (o->timeout == 0 && hang && *hang && parse_seconds(hang, &o->timeout))
        return fail(err, errlen, "MSGPASS_HANG_TIMEOUT='%s' is not a positive number of seconds", hang);
    if (i >= argc && !o->doctor) return fail(err, errlen, "no PROGRAM given");
    if (o->np == 0 && !o->doctor) return fail(err, errlen, "missing '-n N' (number of ranks)");
    if (o->np && o->simulate_nodes > o->np)
        return fail(err, errlen, "option '--simulate-nodes': %d nodes for %d ranks (at most one node per rank)",
                    o->simulate_nodes, o->np);
    o->prog_argv = argv + i;
    return 0;
}

void mpprun_opts_free(struct mpprun_opts *o)
{
    for (int i = 0; i < o->nhosts; i++) free(o->hosts[i].name);
    free(o->hosts);
    o->hosts = NULL;
    o->nhosts = 0;
}
