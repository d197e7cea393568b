#include "collectives/select.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "collectives/node_groups.h"
#include "core/log.h"
#include "core/params.h"

/* The built-in table; first matching rule wins. Syntax (also of MSGPASS_COLL_RULES): rules
 * separated by spaces, commas or semicolons, each collective:bytes:ranks:algorithm, where bytes
 * and ranks are `*`, `N`, `N-` or `N-M` (inclusive; sizes take K, M, G suffixes). */
static const char default_rules[] = "barrier:*:*:dissemination "
                                    "bcast:0-12K:*:binomial bcast:*:1-3:binomial bcast:*:*:scatter_allgather "
                                    "reduce:0-64K:*:binomial reduce:*:1-2:binomial reduce:*:*:reduce_scatter_gather "
                                    "allreduce:0-8K:*:recursive_doubling allreduce:*:1-2:recursive_doubling "
                                    "allreduce:8K-512K:*:rabenseifner allreduce:*:*:ring allreduce:*:*:rabenseifner "
                                    "allgather:0-8K:*:bruck allgather:*:*:ring "
                                    "allgatherv:0-8K:*:bruck allgatherv:*:*:ring "
                                    "alltoall:0-256:9-:bruck alltoall:0-32K:*:linear alltoall:*:*:pairwise "
                                    "alltoallv:*:1-8:linear alltoallv:*:*:pairwise "
                                    "alltoallw:*:1-8:linear alltoallw:*:*:pairwise "
                                    "gather:0-8K:*:binomial gather:*:*:linear gatherv:*:*:linear "
                                    "scatter:0-8K:*:binomial scatter:*:*:linear scatterv:*:*:linear "
                                    "reduce_scatter:*:*:pairwise reduce_scatter_block:*:*:pairwise "
                                    "scan:*:*:recursive_doubling exscan:*:*:recursive_doubling";

/* Put before the table when a host of the job is oversubscribed (more ranks than cpus; every rank
 * must choose alike, so one such host decides for all): a waiting rank
 * then sleeps, so every round costs a wake-up and fewer rounds beat fewer bytes. Measured at 8
 * ranks on 2 cores: binomial bcast about twice as fast as scatter_allgather from 16K to 1M, and
 * reduce_bcast the best allreduce above 8K. */
/* Put first: a hier rule matches only a communicator spanning several nodes with several ranks
 * on some node (select below). Limits from alternating A/B runs at 8 ranks on 2 pretend nodes of
 * one 2-core host (docs/collectives.md): above them hier lost or did not win reliably. */
static const char hier_rules[] = "barrier:*:*:hier bcast:0-32K:*:hier allreduce:0-8K:*:hier "
                                 "allgather:*:*:hier allgatherv:*:*:hier";

static const char oversubscribed_rules[] = "bcast:*:*:binomial allreduce:8K-:*:reduce_bcast";

#define END                                                                                                            \
    {                                                                                                                  \
        NULL, NULL, 0, 0                                                                                               \
    }
static const struct mp_coll_alg barrier_algs[] = {{"dissemination", mp_barrier_dissemination, 0, 0},
                                                  {"recursive_doubling", mp_barrier_recursive_doubling, 0, 0},
                                                  {"hier", mp_barrier_hier, 0, 1},
                                                  END};
static const struct mp_coll_alg bcast_algs[] = {{"binomial", mp_bcast_binomial, 0, 0},
                                                {"scatter_allgather", mp_bcast_scatter_allgather, 0, 0},
                                                {"hier", mp_bcast_hier, 0, 1},
                                                END};
static const struct mp_coll_alg reduce_algs[] = {{"binomial", mp_reduce_binomial, 0, 0},
                                                 {"reduce_scatter_gather", mp_reduce_scatter_gather, 0, 0},
                                                 {"hier", mp_reduce_hier, 0, 1},
                                                 END};
static const struct mp_coll_alg allreduce_algs[] = {{"recursive_doubling", mp_allreduce_recursive_doubling, 0, 0},
                                                    {"rabenseifner", mp_allreduce_rabenseifner, 0, 0},
                                                    {"ring", mp_allreduce_ring, 1, 0},
                                                    {"reduce_bcast", mp_allreduce_reduce_bcast, 0, 0},
                                                    {"hier", mp_allreduce_hier, 0, 1},
                                                    END};
static const struct mp_coll_alg allgather_algs[] = {{"ring", mp_allgather_ring, 0, 0},
                                                    {"recursive_doubling", mp_allgather_recursive_doubling, 0, 0},
                                                    {"bruck", mp_allgather_bruck, 0, 0},
                                                    {"hier", mp_allgather_hier, 0, 1},
                                                    END};
static const struct mp_coll_alg alltoall_algs[] = {{"pairwise", mp_alltoall_pairwise, 0, 0},
                                                   {"linear", mp_alltoall_linear, 0, 0},
                                                   {"bruck", mp_alltoall_bruck, 0, 0},
                                                   END};
static const struct mp_coll_alg alltoallv_algs[] = {
    {"pairwise", mp_alltoall_pairwise, 0, 0}, {"linear", mp_alltoall_linear, 0, 0}, END};
static const struct mp_coll_alg gather_algs[] = {
    {"linear", mp_gather_linear, 0, 0}, {"binomial", mp_gather_binomial, 0, 0}, END};
static const struct mp_coll_alg gatherv_algs[] = {{"linear", mp_gather_linear, 0, 0}, END};
static const struct mp_coll_alg scatter_algs[] = {
    {"linear", mp_scatter_linear, 0, 0}, {"binomial", mp_scatter_binomial, 0, 0}, END};
static const struct mp_coll_alg scatterv_algs[] = {{"linear", mp_scatter_linear, 0, 0}, END};
static const struct mp_coll_alg reduce_scatter_algs[] = {
    {"pairwise", mp_reduce_scatter_pairwise, 0, 0}, {"reduce_scatterv", mp_reduce_scatter_reduce_scatterv, 0, 0}, END};
static const struct mp_coll_alg scan_algs[] = {
    {"recursive_doubling", mp_scan_recursive_doubling, 0, 0}, {"linear", mp_scan_linear, 0, 0}, END};
static const struct mp_coll_alg exscan_algs[] = {
    {"recursive_doubling", mp_exscan_recursive_doubling, 0, 0}, {"linear", mp_exscan_linear, 0, 0}, END};

/* Per collective: its name in rules (upper-cased in MSGPASS_COLL_<NAME>) and its algorithms, the
 * first of which works for every op and size and is the last resort. */
static const struct {
    const char *name;
    const struct mp_coll_alg *algs;
} kinds[MP_COLL_NKINDS] = {
    [MP_COLL_BARRIER] = {"barrier", barrier_algs},
    [MP_COLL_BCAST] = {"bcast", bcast_algs},
    [MP_COLL_REDUCE] = {"reduce", reduce_algs},
    [MP_COLL_ALLREDUCE] = {"allreduce", allreduce_algs},
    [MP_COLL_ALLGATHER] = {"allgather", allgather_algs},
    [MP_COLL_ALLGATHERV] = {"allgatherv", allgather_algs},
    [MP_COLL_ALLTOALL] = {"alltoall", alltoall_algs},
    [MP_COLL_ALLTOALLV] = {"alltoallv", alltoallv_algs},
    [MP_COLL_ALLTOALLW] = {"alltoallw", alltoallv_algs},
    [MP_COLL_GATHER] = {"gather", gather_algs},
    [MP_COLL_GATHERV] = {"gatherv", gatherv_algs},
    [MP_COLL_SCATTER] = {"scatter", scatter_algs},
    [MP_COLL_SCATTERV] = {"scatterv", scatterv_algs},
    [MP_COLL_REDUCE_SCATTER] = {"reduce_scatter", reduce_scatter_algs},
    [MP_COLL_REDUCE_SCATTER_BLOCK] = {"reduce_scatter_block", reduce_scatter_algs},
    [MP_COLL_SCAN] = {"scan", scan_algs},
    [MP_COLL_EXSCAN] = {"exscan", exscan_algs},
};

struct rule {
    int kind;
    size_t bytes_lo, bytes_hi;
    size_t ranks_lo, ranks_hi;
    const struct mp_coll_alg *alg;
};

static struct rule *rules;
static int nrules;
static const struct mp_coll_alg *forced[MP_COLL_NKINDS];
static int ready;

static const struct mp_coll_alg *find_alg(int kind, const char *name, size_t len)
{
    for (const struct mp_coll_alg *a = kinds[kind].algs; a->name; a++)
        if (strlen(a->name) == len && !strncmp(a->name, name, len)) return a;
    return NULL;
}

/* `*`, `N`, `N-` or `N-M`; returns 0 on success. */
static int parse_range(const char *text, size_t len, size_t *lo, size_t *hi)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf) return -1;
    memcpy(buf, text, len);
    buf[len] = 0;
    if (!strcmp(buf, "*")) {
        *lo = 0;
        *hi = SIZE_MAX;
        return 0;
    }
    char *dash = strchr(buf, '-');
    if (!dash) {
        if (mp_parse_size(buf, lo)) return -1;
        *hi = *lo;
        return 0;
    }
    *dash = 0;
    if (mp_parse_size(buf, lo)) return -1;
    if (!dash[1]) {
        *hi = SIZE_MAX;
        return 0;
    }
    return mp_parse_size(dash + 1, hi) || *hi < *lo ? -1 : 0;
}

static int parse_rule(const char *tok, size_t len, struct rule *r)
{
    const char *f[4];
    size_t flen[4];
    int n = 0;
    const char *p = tok, *end = tok + len;
    while (n < 4) {
        const char *colon = memchr(p, ':', (size_t)(end - p));
        f[n] = p;
        flen[n] = (size_t)((colon ? colon : end) - p);
        n++;
        if (!colon) break;
        p = colon + 1;
    }
    if (n != 4 || memchr(f[3], ':', flen[3])) return -1;
    r->kind = -1;
    for (int k = 0; k < MP_COLL_NKINDS; k++)
        if (strlen(kinds[k].name) == flen[0] && !strncmp(kinds[k].name, f[0], flen[0])) r->kind = k;
    if (r->kind < 0) return -1;
    if (parse_range(f[1], flen[1], &r->bytes_lo, &r->bytes_hi)) return -1;
    if (parse_range(f[2], flen[2], &r->ranks_lo, &r->ranks_hi)) return -1;
    r->alg = find_alg(r->kind, f[3], flen[3]);
    return r->alg ? 0 : -1;
}

static int is_sep(char ch)
{
    return isspace((unsigned char)ch) || ch == ',' || ch == ';';
}

static void parse_rules(const char *text, const char *origin)
{
    for (const char *p = text; *p;) {
        while (*p && is_sep(*p)) p++;
        const char *tok = p;
        while (*p && !is_sep(*p)) p++;
        if (p == tok) break;
        struct rule r;
        if (parse_rule(tok, (size_t)(p - tok), &r) != 0) {
            MP_WARN("%s: ignoring rule '%.*s' (expected collective:bytes:ranks:algorithm with a known collective and "
                    "algorithm; see docs/collectives.md)",
                    origin, (int)(p - tok), tok);
            continue;
        }
        struct rule *t = realloc(rules, (size_t)(nrules + 1) * sizeof *t);
        if (!t) return;
        rules = t;
        rules[nrules++] = r;
    }
}

static void init(void)
{
    ready = 1;
    const char *user = getenv("MSGPASS_COLL_RULES");
    if (user && *user) {
        parse_rules(user, "MSGPASS_COLL_RULES");
    } else {
        parse_rules(hier_rules, "built-in rules");
        if (mp_g.job_oversubscribed) parse_rules(oversubscribed_rules, "built-in rules");
        parse_rules(default_rules, "built-in rules");
    }
    MP_DEBUG("collective rules: %s%s", user && *user ? "MSGPASS_COLL_RULES" : "built-in",
             !(user && *user) && mp_g.job_oversubscribed ? ", with the oversubscribed-host rules first" : "");
    for (int k = 0; k < MP_COLL_NKINDS; k++) {
        char var[64] = "MSGPASS_COLL_";
        size_t n = strlen(var);
        for (const char *c = kinds[k].name; *c && n < sizeof var - 1; c++) var[n++] = (char)toupper((unsigned char)*c);
        var[n] = 0;
        const char *v = getenv(var);
        if (!v || !*v) continue;
        forced[k] = find_alg(k, v, strlen(v));
        if (!forced[k]) MP_WARN("%s=%s is not an algorithm of %s; using the rules", var, v, kinds[k].name);
    }
}

/* Why a hierarchical algorithm does not fit communicator `c`, or NULL when it does. */
static const char *hier_unfit(const struct mp_comm *c, int commutative)
{
    const struct mp_node_groups *g = c->nodes;
    if (g->nnodes == 1) return "one node";
    if (g->max_node_size == 1) return "one rank per node";
    if (!commutative && !g->contiguous) return "a non-commutative op on nodes interleaved in rank order";
    return NULL;
}

/* The first rule for this collective that matches; `c` NULL leaves out hierarchical algorithms
 * (a phase of one). *skipped tells why a hierarchical rule that matched otherwise was passed. */
static const struct mp_coll_alg *match(enum mp_coll_kind kind, size_t bytes, size_t ranks, int commutative,
                                       const struct mp_comm *c, const char **skipped)
{
    for (int i = 0; i < nrules; i++) {
        const struct rule *r = &rules[i];
        if (r->kind != (int)kind || bytes < r->bytes_lo || bytes > r->bytes_hi || ranks < r->ranks_lo ||
            ranks > r->ranks_hi || (r->alg->commutative_only && !commutative))
            continue;
        if (!r->alg->hier) return r->alg;
        const char *why = c ? hier_unfit(c, commutative) : "a phase of a hierarchical algorithm";
        if (!why) return r->alg;
        if (skipped && !*skipped) *skipped = why;
    }
    return NULL;
}

const struct mp_coll_alg *mp_coll_select(enum mp_coll_kind kind, size_t bytes, const struct mp_comm *c, int commutative)
{
    if (MP_UNLIKELY(!ready)) init();
    const struct mp_coll_alg *alg = forced[kind];
    const char *why = "forced", *skipped = NULL;
    if (alg && alg->commutative_only && !commutative) {
        MP_DEBUG("%s algorithm %s needs a commutative op; using the rules", kinds[kind].name, alg->name);
        alg = NULL;
    } else if (alg && alg->hier && !commutative && !c->nodes->contiguous) {
        /* A forced hierarchical algorithm runs even where it does not pay (one node), so tests
         * reach it everywhere, but never where it would break rank order. */
        MP_DEBUG("%s algorithm %s would reduce a non-commutative op out of rank order (nodes interleaved); using "
                 "the rules",
                 kinds[kind].name, alg->name);
        alg = NULL;
    }
    if (!alg) {
        why = "rule";
        alg = match(kind, bytes, (size_t)c->size, commutative, c, &skipped);
    }
    if (!alg) {
        why = "no rule matched; the default";
        alg = &kinds[kind].algs[0];
    }
    const struct mp_node_groups *g = c->nodes;
    MP_DEBUG("%s on %s (%d ranks, %zu bytes, %d node%s of up to %d ranks%s): %s (%s%s%s)", kinds[kind].name,
             c->name[0] ? c->name : "a communicator", c->size, bytes, g->nnodes, g->nnodes == 1 ? "" : "s",
             g->max_node_size, g->contiguous ? "" : ", interleaved", alg->name, why,
             skipped ? "; hier passed over: " : "", skipped ? skipped : "");
    return alg;
}

const struct mp_coll_alg *mp_coll_select_flat(enum mp_coll_kind kind, size_t bytes, int size, int commutative)
{
    if (MP_UNLIKELY(!ready)) init();
    const struct mp_coll_alg *alg = match(kind, bytes, (size_t)size, commutative, NULL, NULL);
    return alg ? alg : &kinds[kind].algs[0];
}
