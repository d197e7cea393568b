#include "core/comm.h"

#include <stdlib.h>
#include <string.h>

#include "collectives/coll.h"
#include "collectives/node_groups.h"
#include "core/attr.h"
#include "core/errhandler.h"
#include "core/error.h"
#include "core/group.h"
#include "core/info.h"
#include "core/topo.h"
#include "p2p/p2p.h"

/* Slot i holds handle i; 0 is MPI_COMM_NULL, 1 WORLD, 2 SELF; NULL slots above are free. */
static struct mp_comm **table;
static size_t table_cap;

/* ---- context ids ----
 * Each process keeps a bitmap of the context pairs it does not use. A new communicator takes the
 * lowest pair free at every one of its members: the AND of the members' bitmaps, computed among
 * those members only (never a job-wide step), and freed pairs are reused. Two communicators may
 * share a context when no process belongs to both. Pair 0 is WORLD's, pair 1 SELF's. */
#define CTX_WORDS 128 /* 8192 live communicators per process */
static uint64_t ctx_free[CTX_WORDS];

/* Tags on the parent's collective context for the calls that are not collective over a whole
 * communicator; the collectives' own tags are small. */
#define TAG_CREATE_GROUP (2 << 29)
#define TAG_INTERCOMM (3 << 29)
#define TAG_USER_BITS ((1 << 29) - 1) /* the part of the call's tag that goes into ours */
#define TAG_INTER_AGREE 1

/* Pairs lent to the agreements of nonblocking constructors in flight (MPI_Comm_idup): such an
 * agreement may only take a pair that every member lent it, and no other agreement may take a
 * pair lent, so agreements running at the same time never take the same pair. */
static uint64_t ctx_lent[CTX_WORDS];

static void ctx_reset(void)
{
    memset(ctx_free, 0xff, sizeof ctx_free);
    ctx_free[0] &= ~(uint64_t)3;
    memset(ctx_lent, 0, sizeof ctx_lent);
}

/* What this process offers to a blocking agreement: its free pairs not lent. */
static void ctx_available(uint64_t *mask)
{
    for (int w = 0; w < CTX_WORDS; w++) mask[w] = ctx_free[w] & ~ctx_lent[w];
}

static void ctx_release(uint32_t ctx)
{
    uint32_t pair = ctx / 2;
    ctx_free[pair / 64] |= (uint64_t)1 << (pair % 64);
}

/* Takes the `n` lowest pairs free in `mask` (the AND of every member's bitmap) for this process. */
static int ctx_take(const uint64_t *mask, int n, uint32_t *ctx)
{
    int got = 0;
    for (int w = 0; w < CTX_WORDS && got < n; w++)
        for (uint64_t bits = mask[w]; bits && got < n; bits &= bits - 1)
            ctx[got++] = 2 * (uint32_t)(w * 64 + __builtin_ctzll(bits));
    if (got < n) return MPI_ERR_INTERN;
    for (int i = 0; i < n; i++) ctx_free[ctx[i] / 128] &= ~((uint64_t)1 << (ctx[i] / 2 % 64));
    return MPI_SUCCESS;
}

/* Collective over the intracommunicator c. */
static int agree_intra(struct mp_comm *c, uint64_t *mask)
{
    uint64_t mine[CTX_WORDS];
    ctx_available(mine);
    return mp_allreduce(mine, mask, CTX_WORDS, MPI_UINT64_T, MPI_BAND, c);
}

struct inter_agreement {
    uint64_t mask[CTX_WORDS];
    int value; /* one int the two groups' leaders swap (Intercomm_merge's `high`) */
};

/* Collective over both groups of an intercommunicator: every group agrees within itself, the
 * leaders (local rank 0) swap results, and each spreads the AND through its group. `a->value`
 * goes in holding this group's value and comes out holding the remote group's. */
static int agree_inter(struct mp_comm *inter, struct inter_agreement *a)
{
    int rc = agree_intra(inter->local, a->mask);
    if (rc == MPI_SUCCESS && inter->local->rank == 0) {
        struct inter_agreement remote;
        rc = mp_sendrecv(a, sizeof *a, 0, &remote, sizeof remote, 0, TAG_INTER_AGREE, inter, MP_COLL);
        for (int w = 0; w < CTX_WORDS; w++) a->mask[w] &= remote.mask[w];
        a->value = remote.value;
    }
    if (rc == MPI_SUCCESS) rc = mp_bcast(a, (int)sizeof *a, MPI_BYTE, 0, inter->local);
    return rc;
}

/* Collective over the members of a group of `parent`, `ranks[0..n-1]` in parent ranks, this
 * process being number `me`: the first member gathers and answers, on the parent's collective
 * context with a tag of the call's own. */
static int agree_group(struct mp_comm *parent, const int *ranks, int n, int me, int tag, uint64_t *mask)
{
    ctx_available(mask);
    size_t bytes = sizeof ctx_free;
    int rc = MPI_SUCCESS;
    if (me != 0) {
        rc = mp_send(mask, bytes, ranks[0], tag, parent, MP_COLL);
        return rc == MPI_SUCCESS ? mp_recv(mask, bytes, ranks[0], tag, parent, MP_COLL, NULL) : rc;
    }
    uint64_t in[CTX_WORDS];
    for (int i = 1; i < n && rc == MPI_SUCCESS; i++) {
        rc = mp_recv(in, bytes, ranks[i], tag, parent, MP_COLL, NULL);
        for (int w = 0; w < CTX_WORDS; w++) mask[w] &= in[w];
    }
    for (int i = 1; i < n && rc == MPI_SUCCESS; i++) rc = mp_send(mask, bytes, ranks[i], tag, parent, MP_COLL);
    return rc;
}

/* ---- the table ---- */

struct mp_comm *mp_comm_get(MPI_Comm comm)
{
    if (comm <= 0 || (size_t)comm >= table_cap) return NULL;
    return table[comm];
}

/* Puts `c` into slot `h`, or into the lowest free user slot when h is MPI_COMM_NULL. */
static int install(struct mp_comm *c, MPI_Comm h)
{
    if (h == MPI_COMM_NULL) {
        h = MPI_COMM_SELF + 1;
        while ((size_t)h < table_cap && table[h]) h++;
    }
    if ((size_t)h >= table_cap) {
        size_t cap = table_cap ? 2 * table_cap : 16;
        while (cap <= (size_t)h) cap *= 2;
        struct mp_comm **grown = realloc(table, cap * sizeof *grown);
        if (!grown) return MPI_ERR_NO_MEM;
        memset(grown + table_cap, 0, (cap - table_cap) * sizeof *grown);
        table = grown;
        table_cap = cap;
    }
    c->handle = h;
    table[h] = c;
    return MPI_SUCCESS;
}

/* Installs at `h` (MPI_COMM_NULL: any free slot) unless `hidden`. */
static struct mp_comm *create_at(MPI_Comm h, int hidden, uint32_t ctx, int rank, int size, int *world_of)
{
    struct mp_comm *c = calloc(1, sizeof *c);
    if (!c) goto fail;
    c->ctx = ctx;
    c->rank = rank;
    c->size = size;
    c->world_of = world_of;
    c->errhandler = MPI_ERRORS_ARE_FATAL;
    c->info = MPI_INFO_NULL;
    if (!(c->nodes = mp_node_groups_new(c))) goto fail;
    if (mp_p2p_comm_attach(c) != MPI_SUCCESS) goto fail;
    if (!hidden && install(c, h) != MPI_SUCCESS) {
        mp_p2p_comm_detach(c);
        goto fail;
    }
    return c;
fail:
    if (c) mp_node_groups_free(c->nodes);
    free(c);
    free(world_of);
    ctx_release(ctx);
    return NULL;
}

struct mp_comm *mp_comm_new(uint32_t ctx, int rank, int size, int *world_of, int hidden)
{
    return create_at(MPI_COMM_NULL, hidden, ctx, rank, size, world_of);
}

int mp_comm_init(void)
{
    ctx_reset();
    int *self_of = malloc(sizeof *self_of);
    if (!self_of) return MPI_ERR_NO_MEM;
    *self_of = mp_g.world_rank;
    struct mp_comm *world = create_at(MPI_COMM_WORLD, 0, 0, mp_g.world_rank, mp_g.world_size, NULL);
    if (!world) {
        free(self_of);
        return MPI_ERR_NO_MEM;
    }
    struct mp_comm *self = create_at(MPI_COMM_SELF, 0, 2, 0, 1, self_of);
    if (!self) return MPI_ERR_NO_MEM;
    strcpy(world->name, "MPI_COMM_WORLD");
    strcpy(self->name, "MPI_COMM_SELF");
    return MPI_SUCCESS;
}

static void destroy(struct mp_comm *c)
{
    if (c->handle != MPI_COMM_NULL) table[c->handle] = NULL;
    if (c->local) destroy(c->local);
    mp_p2p_comm_detach(c);
    ctx_release(c->ctx);
    mp_errhandler_release(c->errhandler);
    mp_info_free(&c->info);
    mp_topo_free(c->topo);
    mp_node_groups_free(c->nodes);
    free(c->world_of);
    free(c);
}

void mp_comm_finalize(void)
{
    /* MPI_Finalize frees MPI_COMM_SELF first, so libraries can hang clean-up on its attributes. */
    mp_attr_delete_all(MP_ATTR_COMM, MPI_COMM_SELF);
    for (size_t h = 0; h < table_cap; h++)
        if (table[h]) destroy(table[h]);
    free(table);
    table = NULL;
    table_cap = 0;
    mp_attr_finalize();
    mp_group_finalize();
    mp_info_finalize();
    mp_errhandler_finalize();
    mp_error_finalize();
}

int mp_comm_free(MPI_Comm *comm)
{
    struct mp_comm *c = mp_comm_get(*comm);
    if (!c || *comm == MPI_COMM_WORLD || *comm == MPI_COMM_SELF) return MPI_ERR_COMM;
    int rc = mp_attr_delete_all(MP_ATTR_COMM, c->handle);
    if (rc != MPI_SUCCESS) return rc;
    destroy(c);
    *comm = MPI_COMM_NULL;
    return MPI_SUCCESS;
}

/* Compares the rank lists of x and y (the groups point-to-point addresses). */
static int compare_lists(const struct mp_comm *x, const struct mp_comm *y, int *result)
{
    int *wx = malloc((size_t)x->size * sizeof *wx), *wy = malloc((size_t)y->size * sizeof *wy);
    int ok = wx && wy;
    if (ok) {
        for (int i = 0; i < x->size; i++) wx[i] = mp_comm_world_rank(x, i);
        for (int i = 0; i < y->size; i++) wy[i] = mp_comm_world_rank(y, i);
        *result = mp_group_compare(x->size, wx, y->size, wy);
    }
    free(wx);
    free(wy);
    return ok ? MPI_SUCCESS : MPI_ERR_NO_MEM;
}

int mp_comm_compare(const struct mp_comm *a, const struct mp_comm *b, int *result)
{
    if (a == b) {
        *result = MPI_IDENT;
        return MPI_SUCCESS;
    }
    if (mp_comm_is_inter(a) != mp_comm_is_inter(b)) {
        *result = MPI_UNEQUAL;
        return MPI_SUCCESS;
    }
    int cmp;
    int rc = compare_lists(a, b, &cmp);
    /* For intercommunicators the local groups count too: the weaker comparison wins. */
    if (rc == MPI_SUCCESS && mp_comm_is_inter(a)) {
        int local;
        rc = compare_lists(a->local, b->local, &local);
        if (local > cmp) cmp = local;
    }
    *result = cmp == MPI_IDENT ? MPI_CONGRUENT : cmp;
    return rc;
}

/* ---- constructors ---- */

static int *copy_ranks(const int *world_of, int n)
{
    int *w = malloc((size_t)(n ? n : 1) * sizeof *w);
    if (w)
        for (int i = 0; i < n; i++) w[i] = world_of ? world_of[i] : i;
    return w;
}

/* What a new communicator takes over from its parent in every constructor. */
static struct mp_comm *inherit(struct mp_comm *n, const struct mp_comm *parent)
{
    n->errhandler = parent->errhandler;
    mp_errhandler_retain(n->errhandler);
    return n;
}

static struct mp_comm *new_intra(uint32_t ctx, int rank, int size, const int *world_of, int hidden)
{
    int *w = copy_ranks(world_of, size);
    if (w) return mp_comm_new(ctx, rank, size, w, hidden);
    ctx_release(ctx);
    return NULL;
}

/* An intercommunicator over the remote group `remote[0..remote_n-1]` (taken over; NULL when it
 * could not be allocated) with a hidden intracommunicator over the local one. On failure the
 * contexts are released. */
static struct mp_comm *new_inter(const uint32_t ctx[2], int rank, int local_n, const int *local, int remote_n,
                                 int *remote)
{
    struct mp_comm *lc = remote ? new_intra(ctx[1], rank, local_n, local, 1) : NULL;
    if (!lc) {
        if (!remote) ctx_release(ctx[1]);
        ctx_release(ctx[0]);
        free(remote);
        return NULL;
    }
    struct mp_comm *ic = mp_comm_new(ctx[0], rank, remote_n, remote, 0);
    if (!ic) {
        destroy(lc);
        return NULL;
    }
    ic->local = lc;
    return ic;
}

/* What a duplicate takes over from `c` besides the group: error handler, info, topology,
 * attributes (their copy callbacks run here). */
static int dup_finish(struct mp_comm *c, struct mp_comm *n, MPI_Comm *newcomm)
{
    if (!n) return MPI_ERR_NO_MEM;
    inherit(n, c);
    int rc = mp_info_dup(c->info, &n->info);
    if (rc == MPI_SUCCESS && c->topo && !(n->topo = mp_topo_dup(c->topo))) rc = MPI_ERR_NO_MEM;
    if (rc == MPI_SUCCESS) rc = mp_attr_copy_all(MP_ATTR_COMM, c->handle, n->handle);
    if (rc != MPI_SUCCESS) {
        destroy(n);
        return rc;
    }
    *newcomm = n->handle;
    return MPI_SUCCESS;
}

int mp_comm_dup(struct mp_comm *c, MPI_Comm *newcomm)
{
    uint32_t ctx[2];
    struct mp_comm *n;
    if (mp_comm_is_inter(c)) {
        struct inter_agreement a = {.value = 0};
        int rc = agree_inter(c, &a);
        if (rc == MPI_SUCCESS) rc = ctx_take(a.mask, 2, ctx);
        if (rc != MPI_SUCCESS) return rc;
        n = new_inter(ctx, c->rank, c->local->size, c->local->world_of, c->size, copy_ranks(c->world_of, c->size));
    } else {
        uint64_t mask[CTX_WORDS];
        int rc = agree_intra(c, mask);
        if (rc == MPI_SUCCESS) rc = ctx_take(mask, 1, ctx);
        if (rc != MPI_SUCCESS) return rc;
        n = new_intra(ctx[0], c->rank, c->size, c->world_of, 0);
    }
    return dup_finish(c, n, newcomm);
}

/* ---- MPI_Comm_idup: the agreement as a nonblocking allreduce, finished by progress ----
 * Round k lends the lowest 64 << k pairs this process has available and agrees on them; when no
 * pair was lent by every member (members whose other constructors took different pairs), the
 * pairs go back and the next round lends more, on the same schedule and tag. */
#define IDUP_ROUNDS 8 /* 64 << 7 = every pair */

struct idup {
    struct mp_comm *parent;
    MPI_Comm *newcomm;
    int round;
    uint64_t mine[CTX_WORDS], agreed[CTX_WORDS];
};

static void idup_lend(struct idup *d)
{
    size_t left = (size_t)64 << d->round;
    for (int w = 0; w < CTX_WORDS; w++) {
        uint64_t bits = ctx_free[w] & ~ctx_lent[w], take = 0;
        for (; bits && left; bits &= bits - 1, left--) take |= bits & -bits;
        d->mine[w] = take;
        ctx_lent[w] |= take;
    }
}

static void idup_return(struct idup *d)
{
    for (int w = 0; w < CTX_WORDS; w++) ctx_lent[w] &= ~d->mine[w];
}

static int idup_agreed(struct mp_sched *s, void *arg)
{
    struct idup *d = arg;
    idup_return(d);
    int rc = s->error, any = 0;
    for (int w = 0; w < CTX_WORDS; w++) any |= d->agreed[w] != 0;
    if (rc == MPI_SUCCESS && !any && d->round + 1 < IDUP_ROUNDS) {
        d->round++;
        idup_lend(d);
        mp_coll_band_again(s, d->mine, d->agreed, CTX_WORDS, idup_agreed, d);
        return MPI_SUCCESS;
    }
    uint32_t ctx;
    if (rc == MPI_SUCCESS) rc = ctx_take(d->agreed, 1, &ctx);
    if (rc == MPI_SUCCESS) {
        struct mp_comm *c = d->parent, *n = new_intra(ctx, c->rank, c->size, c->world_of, 0);
        rc = dup_finish(c, n, d->newcomm);
    }
    if (rc != MPI_SUCCESS) *d->newcomm = MPI_COMM_NULL;
    free(d);
    return rc;
}

int mp_comm_idup(struct mp_comm *c, MPI_Comm *newcomm, struct mp_request **req)
{
    struct idup *d = malloc(sizeof *d);
    if (!d) return MPI_ERR_NO_MEM;
    *d = (struct idup){.parent = c, .newcomm = newcomm};
    idup_lend(d);
    int rc = mp_coll_iband(d->mine, d->agreed, CTX_WORDS, c, idup_agreed, d, req);
    if (rc != MPI_SUCCESS) {
        idup_return(d);
        free(d);
    }
    return rc;
}

struct split_entry {
    int color, key, rank;
};

static int by_key_then_rank(const void *a, const void *b)
{
    const struct split_entry *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return (x->rank > y->rank) - (x->rank < y->rank);
}

int mp_comm_split(struct mp_comm *c, int color, int key, MPI_Comm *newcomm)
{
    *newcomm = MPI_COMM_NULL;
    /* Every member takes part in the agreement, MPI_UNDEFINED ones included; all colors may
     * share the context since no process is in two of them. */
    uint64_t mask[CTX_WORDS];
    int rc = agree_intra(c, mask);
    if (rc != MPI_SUCCESS) return rc;
    struct split_entry *all = malloc((size_t)c->size * sizeof *all);
    if (!all) return MPI_ERR_NO_MEM;
    struct split_entry me = {color, key, c->rank};
    rc = mp_allgather_bytes(&me, all, sizeof me, c);
    if (rc != MPI_SUCCESS || color == MPI_UNDEFINED) {
        free(all);
        return rc;
    }
    int n = 0;
    for (int i = 0; i < c->size; i++)
        if (all[i].color == color) all[n++] = all[i];
    qsort(all, (size_t)n, sizeof *all, by_key_then_rank);

    int *world_of = malloc((size_t)n * sizeof *world_of);
    uint32_t ctx;
    if (!world_of || (rc = ctx_take(mask, 1, &ctx)) != MPI_SUCCESS) {
        free(all);
        free(world_of);
        return world_of ? rc : MPI_ERR_NO_MEM;
    }
    int myrank = 0;
    for (int i = 0; i < n; i++) {
        world_of[i] = mp_comm_world_rank(c, all[i].rank);
        if (all[i].rank == c->rank) myrank = i;
    }
    free(all);
    struct mp_comm *nc = mp_comm_new(ctx, myrank, n, world_of, 0);
    if (!nc) return MPI_ERR_NO_MEM;
    *newcomm = inherit(nc, c)->handle;
    return MPI_SUCCESS;
}

/* Ranks on one host get the color of the lowest of them: the host names are compared, the same
 * names the bootstrap's host map is built from. */
int mp_comm_split_shared(struct mp_comm *c, int key, MPI_Comm *newcomm)
{
    char(*names)[MPI_MAX_PROCESSOR_NAME] = malloc((size_t)c->size * MPI_MAX_PROCESSOR_NAME);
    if (!names) return MPI_ERR_NO_MEM;
    int rc = mp_allgather_bytes(mp_g.hostname, names, MPI_MAX_PROCESSOR_NAME, c);
    int color = c->rank;
    for (int r = 0; r < c->rank; r++)
        if (!strncmp(names[r], mp_g.hostname, MPI_MAX_PROCESSOR_NAME)) {
            color = r;
            break;
        }
    free(names);
    return rc == MPI_SUCCESS ? mp_comm_split(c, color, key, newcomm) : rc;
}

int mp_comm_create(struct mp_comm *c, int n, const int *world_of, int myrank, MPI_Comm *newcomm)
{
    *newcomm = MPI_COMM_NULL;
    uint64_t mask[CTX_WORDS];
    uint32_t ctx;
    int rc = agree_intra(c, mask);
    if (rc != MPI_SUCCESS || myrank == MPI_UNDEFINED) return rc;
    if ((rc = ctx_take(mask, 1, &ctx)) != MPI_SUCCESS) return rc;
    struct mp_comm *nc = new_intra(ctx, myrank, n, world_of, 0);
    if (!nc) return MPI_ERR_NO_MEM;
    *newcomm = inherit(nc, c)->handle;
    return MPI_SUCCESS;
}

/* The rank in c of each of the world ranks w[0..n-1]; -1 for one that is not in c. */
static int *ranks_in(const struct mp_comm *c, const int *w, int n)
{
    int *r = malloc((size_t)(n ? n : 1) * sizeof *r);
    if (!r) return NULL;
    for (int i = 0; i < n; i++) {
        r[i] = -1;
        for (int q = 0; q < c->size && r[i] < 0; q++)
            if (mp_comm_world_rank(c, q) == w[i]) r[i] = q;
    }
    return r;
}

int mp_comm_create_group(struct mp_comm *c, int n, const int *world_of, int myrank, int tag, MPI_Comm *newcomm)
{
    *newcomm = MPI_COMM_NULL;
    int *pr = ranks_in(c, world_of, n);
    if (!pr) return MPI_ERR_NO_MEM;
    uint64_t mask[CTX_WORDS];
    uint32_t ctx;
    int rc = agree_group(c, pr, n, myrank, TAG_CREATE_GROUP | (tag & TAG_USER_BITS), mask);
    free(pr);
    if (rc == MPI_SUCCESS) rc = ctx_take(mask, 1, &ctx);
    if (rc != MPI_SUCCESS) return rc;
    struct mp_comm *nc = new_intra(ctx, myrank, n, world_of, 0);
    if (!nc) return MPI_ERR_NO_MEM;
    *newcomm = inherit(nc, c)->handle;
    return MPI_SUCCESS;
}

/* What the leaders swap, then spread through their groups, in Intercomm_create. */
struct inter_hello {
    uint64_t mask[CTX_WORDS];
    int size; /* of the group */
};

int mp_intercomm_create(struct mp_comm *local, int local_leader, struct mp_comm *peer, int remote_leader, int tag,
                        MPI_Comm *newcomm)
{
    *newcomm = MPI_COMM_NULL;
    struct inter_hello mine = {.size = local->size}, theirs;
    int itag = TAG_INTERCOMM | (tag & TAG_USER_BITS);
    int *local_w = copy_ranks(local->world_of, local->size);
    int *remote_w = NULL;
    int rc = local_w ? agree_intra(local, mine.mask) : MPI_ERR_NO_MEM;
    if (rc == MPI_SUCCESS && local->rank == local_leader) {
        rc = mp_sendrecv(&mine, sizeof mine, remote_leader, &theirs, sizeof theirs, remote_leader, itag, peer, MP_COLL);
        for (int w = 0; w < CTX_WORDS; w++) theirs.mask[w] &= mine.mask[w];
    }
    if (rc == MPI_SUCCESS) rc = mp_bcast(&theirs, (int)sizeof theirs, MPI_BYTE, local_leader, local);
    if (rc == MPI_SUCCESS && !(remote_w = malloc((size_t)theirs.size * sizeof *remote_w))) rc = MPI_ERR_NO_MEM;
    if (rc == MPI_SUCCESS && local->rank == local_leader)
        rc = mp_sendrecv(local_w, (size_t)local->size * sizeof *local_w, remote_leader, remote_w,
                         (size_t)theirs.size * sizeof *remote_w, remote_leader, itag, peer, MP_COLL);
    if (rc == MPI_SUCCESS) rc = mp_bcast(remote_w, theirs.size, MPI_INT, local_leader, local);
    uint32_t ctx[2];
    if (rc == MPI_SUCCESS) rc = ctx_take(theirs.mask, 2, ctx);
    struct mp_comm *ic = NULL;
    if (rc == MPI_SUCCESS) {
        ic = new_inter(ctx, local->rank, local->size, local_w, theirs.size, remote_w);
        remote_w = NULL;
        if (!ic) rc = MPI_ERR_NO_MEM;
    }
    free(local_w);
    free(remote_w);
    if (rc != MPI_SUCCESS) return rc;
    *newcomm = inherit(ic, local)->handle;
    return MPI_SUCCESS;
}

int mp_intercomm_merge(struct mp_comm *inter, int high, MPI_Comm *newcomm)
{
    struct inter_agreement a = {.value = !!high};
    uint32_t ctx;
    int rc = agree_inter(inter, &a);
    if (rc == MPI_SUCCESS) rc = ctx_take(a.mask, 1, &ctx);
    if (rc != MPI_SUCCESS) return rc;
    /* The low group comes first; on a tie, the group whose leader has the lower world rank. */
    struct mp_comm *lc = inter->local;
    int first = !!high != a.value ? !high : mp_comm_world_rank(lc, 0) < mp_comm_world_rank(inter, 0);
    int n = lc->size + inter->size;
    int *w = malloc((size_t)n * sizeof *w);
    if (!w) {
        ctx_release(ctx);
        return MPI_ERR_NO_MEM;
    }
    int at_local = first ? 0 : inter->size, at_remote = first ? lc->size : 0;
    for (int i = 0; i < lc->size; i++) w[at_local + i] = mp_comm_world_rank(lc, i);
    for (int i = 0; i < inter->size; i++) w[at_remote + i] = mp_comm_world_rank(inter, i);
    struct mp_comm *nc = mp_comm_new(ctx, at_local + lc->rank, n, w, 0);
    if (!nc) return MPI_ERR_NO_MEM;
    *newcomm = inherit(nc, inter)->handle;
    return MPI_SUCCESS;
}
