/* coll_dtype: every collective (blocking and nonblocking) with derived datatypes that have gaps:
 * vector, indexed (blocks out of order), struct, resized with a negative lower bound, subarray,
 * next to MPI_INT and a contiguous type. Each rank picks its own send and receive types, so root
 * and non-roots (and the two sides of every pair) describe the same data with different types of
 * the same signature (all MPI_INT). Every receive buffer is compared whole against an image built
 * serially: data where the type puts it, guard values in every gap and around the buffer.
 * MPI_IN_PLACE, zero counts, v-variants with uneven counts, Alltoallw with one type per peer,
 * every reduction with user ops on derived types (a commutative sum, a non-commutative
 * composition), a type freed while its nonblocking collective runs, and the error class of a
 * predefined op on a struct of mixed types.
 *
 * `coll_dtype ext` adds what the standard leaves to the implementation and libmsgpass (like MPICH)
 * provides: predefined ops on derived types made of one predefined type (SUM on every type above,
 * on a vector of doubles, MAXLOC on a vector of MPI_DOUBLE_INT, Reduce_local), which Open MPI
 * refuses with MPI_ERR_OP; and the cases that Open MPI 4.1 gets wrong, which the plain run (the
 * one in suite.txt, also run against Open MPI) leaves out: see `ompi_ok`. */
#include "check.h"

#define GUARD 0x77777777
#define MARGIN 4 /* guard ints before and after every buffer; the resized type reaches 2 below */

struct tdesc {
    const char *name;
    MPI_Datatype type;
    int n;      /* ints per element */
    int off[6]; /* where they sit, in ints from the element's start, in typemap order */
    int ext;    /* extent in ints */
};

enum { NT = 7 };
static struct tdesc T[NT];
static int nb;  /* nonblocking forms */
static int ext; /* the `ext` mode */
static int it;  /* round: shifts every rank's choice of types */

static void make_types(void)
{
    MPI_Datatype t;
    T[0] = (struct tdesc){"MPI_INT", MPI_INT, 1, {0}, 1};
    MPI_OK(MPI_Type_contiguous(6, MPI_INT, &t));
    T[1] = (struct tdesc){"contiguous", t, 6, {0, 1, 2, 3, 4, 5}, 6};
    MPI_OK(MPI_Type_vector(3, 2, 4, MPI_INT, &t));
    T[2] = (struct tdesc){"vector", t, 6, {0, 1, 4, 5, 8, 9}, 10};
    int bl[3] = {1, 3, 2}, dp[3] = {5, 0, 10};
    MPI_OK(MPI_Type_indexed(3, bl, dp, MPI_INT, &t));
    T[3] = (struct tdesc){"indexed", t, 6, {5, 0, 1, 2, 10, 11}, 12};
    int sbl[2] = {2, 1};
    MPI_Aint sdp[2] = {2 * sizeof(int), 0};
    MPI_Datatype sty[2] = {MPI_INT, MPI_INT};
    MPI_OK(MPI_Type_create_struct(2, sbl, sdp, sty, &t));
    T[4] = (struct tdesc){"struct", t, 3, {2, 3, 0}, 4};
    int hbl[2] = {1, 1};
    MPI_Aint hdp[2] = {-2 * (MPI_Aint)sizeof(int), sizeof(int)};
    MPI_Datatype h;
    MPI_OK(MPI_Type_create_hindexed(2, hbl, hdp, MPI_INT, &h));
    MPI_OK(MPI_Type_create_resized(h, -2 * (MPI_Aint)sizeof(int), 5 * sizeof(int), &t));
    MPI_OK(MPI_Type_free(&h));
    T[5] = (struct tdesc){"resized", t, 2, {-2, 1}, 5};
    int sizes[2] = {4, 5}, sub[2] = {2, 3}, start[2] = {1, 1};
    MPI_OK(MPI_Type_create_subarray(2, sizes, sub, start, MPI_ORDER_C, MPI_INT, &t));
    T[6] = (struct tdesc){"subarray", t, 6, {6, 7, 8, 11, 12, 13}, 20};
    for (int i = 1; i < NT; i++) {
        MPI_OK(MPI_Type_commit(&T[i].type));
        MPI_Aint lb, ext;
        MPI_OK(MPI_Type_get_extent(T[i].type, &lb, &ext));
        chk_case("extent of %s", T[i].name);
        CHECK_INT(ext, T[i].ext * (MPI_Aint)sizeof(int), "extent");
    }
}

static void free_types(void)
{
    for (int i = 1; i < NT; i++) MPI_OK(MPI_Type_free(&T[i].type));
}

/* Open MPI 4.1.4 gets these wrong, so the plain run does without them:
 * - Allgatherv chooses its algorithm from the send type's size times the receive counts: ranks
 *   whose send and receive types differ in size choose differently and hang;
 * - Alltoallw on one rank multiplies the byte displacements by the type's extent;
 * - nonblocking reductions on a type whose data does not start at its origin (true lower bound
 *   not 0: subarray, resized) corrupt the heap;
 * - nonblocking in-place Alltoallv/Alltoallw with derived types deliver wrong data. */
static int ompi_ok(void)
{
    return !ext;
}

static const struct tdesc *pick(int k)
{
    return &T[((k % NT) + NT) % NT];
}

/* ---- buffers: `ints` ints of data area with MARGIN guard ints each side ---- */

static int *region(size_t ints)
{
    int *base = chk_malloc((ints + 2 * MARGIN) * sizeof(int));
    for (size_t i = 0; i < ints + 2 * MARGIN; i++) base[i] = GUARD;
    return base + MARGIN;
}

static void region_free(int *p)
{
    if (p) free(p - MARGIN);
}

/* Where int k of the stream of elements of d sits, in ints from the buffer. */
static long pos(const struct tdesc *d, size_t k)
{
    return (long)(k / (size_t)d->n) * d->ext + d->off[k % (size_t)d->n];
}

/* Puts the stream vals[0..nints) into elements of d starting at p. */
static void put(const struct tdesc *d, int *p, size_t nints, const int *vals)
{
    for (size_t k = 0; k < nints; k++) p[pos(d, k)] = vals[k];
}

static void get(const struct tdesc *d, const int *p, size_t nints, int *vals)
{
    for (size_t k = 0; k < nints; k++) vals[k] = p[pos(d, k)];
}

static void compare(const int *got, const int *want, size_t ints, const char *what)
{
    for (size_t i = 0; i < ints + 2 * MARGIN; i++) {
        int g = got[(long)i - MARGIN], w = want[(long)i - MARGIN];
        CHECK(g == w, "%s: int %ld of the buffer is %d (0x%x), expected %d (0x%x)%s", what, (long)i - MARGIN, g,
              (unsigned)g, w, (unsigned)w, w == GUARD ? " (a gap or outside: must stay untouched)" : "");
    }
}

/* The data that rank `src` sends to `dst` (-1: the same to everyone), int k. */
static int val(int src, int dst, size_t k)
{
    return (int)(((unsigned)src * 1000003u + (unsigned)(dst + 1) * 7919u + (unsigned)k * 13u + (unsigned)it) &
                 0x3fffffffu);
}

static int *stream(int src, int dst, size_t nints)
{
    int *v = chk_malloc((nints + 1) * sizeof(int));
    for (size_t k = 0; k < nints; k++) v[k] = val(src, dst, k);
    return v;
}

static void put_vals(const struct tdesc *d, int *p, int src, int dst, size_t nints)
{
    int *v = stream(src, dst, nints);
    put(d, p, nints, v);
    free(v);
}

static void wait_nb(MPI_Request *r)
{
    if (nb) MPI_OK(MPI_Wait(r, MPI_STATUS_IGNORE));
}

static int cnt(const struct tdesc *d, size_t nints)
{
    return (int)(nints / (size_t)d->n);
}

/* ---- rooted and all-to-all moves; block sizes B in ints, multiples of 6 ---- */

static void t_bcast(MPI_Comm comm, size_t B, int root)
{
    int me;
    MPI_Comm_rank(comm, &me);
    const struct tdesc *d = pick(me + it);
    chk_case("%sbcast %zu ints root %d, %s", nb ? "I" : "", B, root, d->name);
    size_t ints = (size_t)cnt(d, B) * (size_t)d->ext;
    int *buf = region(ints), *want = region(ints);
    put_vals(d, want, root, -1, B);
    if (me == root) put_vals(d, buf, root, -1, B);
    MPI_Request r;
    if (nb)
        MPI_OK(MPI_Ibcast(buf, cnt(d, B), d->type, root, comm, &r));
    else
        MPI_OK(MPI_Bcast(buf, cnt(d, B), d->type, root, comm));
    wait_nb(&r);
    compare(buf, want, ints, "bcast buffer");
    region_free(buf);
    region_free(want);
}

static void t_gather(MPI_Comm comm, size_t B, int root, int in_place)
{
    int me, np;
    MPI_Comm_rank(comm, &me);
    MPI_Comm_size(comm, &np);
    const struct tdesc *sd = pick(me + it), *rd = pick(me + it + 3);
    chk_case("%sgather %zu ints root %d%s, %s -> %s", nb ? "I" : "", B, root, in_place ? " in place" : "", sd->name,
             rd->name);
    size_t bel = (size_t)cnt(rd, B), rints = me == root ? (size_t)np * bel * (size_t)rd->ext : 0;
    size_t sints = (size_t)cnt(sd, B) * (size_t)sd->ext;
    int *sbuf = region(sints), *rbuf = region(rints), *want = region(rints);
    put_vals(sd, sbuf, me, root, B);
    for (int i = 0; me == root && i < np; i++) put_vals(rd, want + (size_t)i * bel * (size_t)rd->ext, i, root, B);
    const int ip = in_place && me == root;
    if (ip) put_vals(rd, rbuf + (size_t)me * bel * (size_t)rd->ext, me, root, B);
    MPI_Request r;
    if (nb)
        MPI_OK(MPI_Igather(ip ? MPI_IN_PLACE : sbuf, cnt(sd, B), sd->type, rbuf, cnt(rd, B), rd->type, root, comm, &r));
    else
        MPI_OK(MPI_Gather(ip ? MPI_IN_PLACE : sbuf, cnt(sd, B), sd->type, rbuf, cnt(rd, B), rd->type, root, comm));
    wait_nb(&r);
    if (me == root) compare(rbuf, want, rints, "gather recvbuf");
    region_free(sbuf);
    region_free(rbuf);
    region_free(want);
}

static void t_scatter(MPI_Comm comm, size_t B, int root, int in_place)
{
    int me, np;
    MPI_Comm_rank(comm, &me);
    MPI_Comm_size(comm, &np);
    const struct tdesc *sd = pick(me + it + 2), *rd = pick(me + it + 5);
    chk_case("%sscatter %zu ints root %d%s, %s -> %s", nb ? "I" : "", B, root, in_place ? " in place" : "", sd->name,
             rd->name);
    size_t bel = (size_t)cnt(sd, B), sints = me == root ? (size_t)np * bel * (size_t)sd->ext : 0;
    size_t rints = (size_t)cnt(rd, B) * (size_t)rd->ext;
    int *sbuf = region(sints), *rbuf = region(rints), *want = region(rints), *swant = region(sints);
    for (int i = 0; me == root && i < np; i++) {
        put_vals(sd, sbuf + (size_t)i * bel * (size_t)sd->ext, root, i, B);
        put_vals(sd, swant + (size_t)i * bel * (size_t)sd->ext, root, i, B);
    }
    put_vals(rd, want, root, me, B);
    const int ip = in_place && me == root;
    MPI_Request r;
    if (nb)
        MPI_OK(
            MPI_Iscatter(sbuf, cnt(sd, B), sd->type, ip ? MPI_IN_PLACE : rbuf, cnt(rd, B), rd->type, root, comm, &r));
    else
        MPI_OK(MPI_Scatter(sbuf, cnt(sd, B), sd->type, ip ? MPI_IN_PLACE : rbuf, cnt(rd, B), rd->type, root, comm));
    wait_nb(&r);
    if (!ip) compare(rbuf, want, rints, "scatter recvbuf");
    if (me == root) compare(sbuf, swant, sints, "scatter sendbuf (read only)");
    region_free(sbuf);
    region_free(rbuf);
    region_free(want);
    region_free(swant);
}

static void t_allgather(MPI_Comm comm, size_t B, int in_place)
{
    int me, np;
    MPI_Comm_rank(comm, &me);
    MPI_Comm_size(comm, &np);
    const struct tdesc *sd = pick(me + it + 1), *rd = pick(2 * me + it);
    chk_case("%sallgather %zu ints%s, %s -> %s", nb ? "I" : "", B, in_place ? " in place" : "", sd->name, rd->name);
    size_t bel = (size_t)cnt(rd, B), rints = (size_t)np * bel * (size_t)rd->ext;
    size_t sints = (size_t)cnt(sd, B) * (size_t)sd->ext;
    int *sbuf = region(sints), *rbuf = region(rints), *want = region(rints);
    put_vals(sd, sbuf, me, -1, B);
    for (int i = 0; i < np; i++) put_vals(rd, want + (size_t)i * bel * (size_t)rd->ext, i, -1, B);
    if (in_place) put_vals(rd, rbuf + (size_t)me * bel * (size_t)rd->ext, me, -1, B);
    MPI_Request r;
    const void *s = in_place ? MPI_IN_PLACE : sbuf;
    if (nb)
        MPI_OK(MPI_Iallgather(s, cnt(sd, B), sd->type, rbuf, cnt(rd, B), rd->type, comm, &r));
    else
        MPI_OK(MPI_Allgather(s, cnt(sd, B), sd->type, rbuf, cnt(rd, B), rd->type, comm));
    wait_nb(&r);
    compare(rbuf, want, rints, "allgather recvbuf");
    region_free(sbuf);
    region_free(rbuf);
    region_free(want);
}

static void t_alltoall(MPI_Comm comm, size_t B, int in_place)
{
    int me, np;
    MPI_Comm_rank(comm, &me);
    MPI_Comm_size(comm, &np);
    const struct tdesc *sd = pick(me + it + 4), *rd = pick(me + 2 * it + 1);
    chk_case("%salltoall %zu ints%s, %s -> %s", nb ? "I" : "", B, in_place ? " in place" : "", sd->name, rd->name);
    size_t sbel = (size_t)cnt(sd, B), rbel = (size_t)cnt(rd, B);
    size_t sints = (size_t)np * sbel * (size_t)sd->ext, rints = (size_t)np * rbel * (size_t)rd->ext;
    int *sbuf = region(sints), *rbuf = region(rints), *want = region(rints);
    for (int j = 0; j < np; j++) {
        put_vals(sd, sbuf + (size_t)j * sbel * (size_t)sd->ext, me, j, B);
        if (in_place) put_vals(rd, rbuf + (size_t)j * rbel * (size_t)rd->ext, me, j, B);
        put_vals(rd, want + (size_t)j * rbel * (size_t)rd->ext, j, me, B);
    }
    MPI_Request r;
    const void *s = in_place ? MPI_IN_PLACE : sbuf;
    if (nb)
        MPI_OK(MPI_Ialltoall(s, cnt(sd, B), sd->type, rbuf, cnt(rd, B), rd->type, comm, &r));
    else
        MPI_OK(MPI_Alltoall(s, cnt(sd, B), sd->type, rbuf, cnt(rd, B), rd->type, comm));
    wait_nb(&r);
    compare(rbuf, want, rints, "alltoall recvbuf");
    region_free(sbuf);
    region_free(rbuf);
    region_free(want);
}

/* ---- v-variants: uneven block sizes (some zero), blocks in reverse rank order with gaps ---- */

static size_t vints(int i, size_t B)
{
    return (size_t)((i + it) % 3) * B / 2 / 6 * 6 + (i % 4 == 1 ? 0 : B);
}

/* Element displacements (of d) of blocks of vints(i) ints: reverse order, one element apart;
 * returns the elements spanned. */
static size_t vlayout(const struct tdesc *d, int np, size_t B, int *counts, int *displs)
{
    size_t at = 1;
    for (int i = np - 1; i >= 0; i--) {
        counts[i] = cnt(d, vints(i, B));
        displs[i] = (int)at;
        at += (size_t)counts[i] + 1;
    }
    return at;
}

static void t_gatherv(MPI_Comm comm, size_t B, int root, int in_place, int all)
{
    int me, np;
    MPI_Comm_rank(comm, &me);
    MPI_Comm_size(comm, &np);
    const struct tdesc *sd = pick(me + it + 2), *rd = pick(me + it + 6);
    if (all && ompi_ok()) {
        /* Each rank's send and receive types of the same size (6 ints). */
        static const int six[] = {1, 2, 3, 6};
        sd = &T[six[(me + it) % 4]];
        rd = &T[six[(me + it + 1) % 4]];
    }
    chk_case("%s%sgatherv %zu ints root %d%s, %s -> %s", nb ? "I" : "", all ? "all" : "", B, root,
             in_place ? " in place" : "", sd->name, rd->name);
    int *counts = chk_malloc((size_t)np * sizeof(int)), *displs = chk_malloc((size_t)np * sizeof(int));
    const int receives = all || me == root;
    size_t rints = receives ? vlayout(rd, np, B, counts, displs) * (size_t)rd->ext : 0;
    size_t mine = vints(me, B), sints = (size_t)cnt(sd, mine) * (size_t)sd->ext;
    int *sbuf = region(sints), *rbuf = region(rints), *want = region(rints);
    put_vals(sd, sbuf, me, -1, mine);
    for (int i = 0; receives && i < np; i++)
        put_vals(rd, want + (size_t)displs[i] * (size_t)rd->ext, i, -1, vints(i, B));
    const int ip = in_place && receives;
    if (ip) put_vals(rd, rbuf + (size_t)displs[me] * (size_t)rd->ext, me, -1, mine);
    const void *s = ip ? MPI_IN_PLACE : sbuf;
    MPI_Request r;
    if (all && nb)
        MPI_OK(MPI_Iallgatherv(s, cnt(sd, mine), sd->type, rbuf, counts, displs, rd->type, comm, &r));
    else if (all)
        MPI_OK(MPI_Allgatherv(s, cnt(sd, mine), sd->type, rbuf, counts, displs, rd->type, comm));
    else if (nb)
        MPI_OK(MPI_Igatherv(s, cnt(sd, mine), sd->type, rbuf, counts, displs, rd->type, root, comm, &r));
    else
        MPI_OK(MPI_Gatherv(s, cnt(sd, mine), sd->type, rbuf, counts, displs, rd->type, root, comm));
    wait_nb(&r);
    if (receives) compare(rbuf, want, rints, "gatherv recvbuf");
    free(counts);
    free(displs);
    region_free(sbuf);
    region_free(rbuf);
    region_free(want);
}

static void t_scatterv(MPI_Comm comm, size_t B, int root, int in_place)
{
    int me, np;
    MPI_Comm_rank(comm, &me);
    MPI_Comm_size(comm, &np);
    const struct tdesc *sd = pick(me + it + 5), *rd = pick(me + it + 1);
    chk_case("%sscatterv %zu ints root %d%s, %s -> %s", nb ? "I" : "", B, root, in_place ? " in place" : "", sd->name,
             rd->name);
    int *counts = chk_malloc((size_t)np * sizeof(int)), *displs = chk_malloc((size_t)np * sizeof(int));
    size_t sints = me == root ? vlayout(sd, np, B, counts, displs) * (size_t)sd->ext : 0;
    size_t mine = vints(me, B), rints = (size_t)cnt(rd, mine) * (size_t)rd->ext;
    int *sbuf = region(sints), *rbuf = region(rints), *want = region(rints);
    for (int i = 0; me == root && i < np; i++)
        put_vals(sd, sbuf + (size_t)displs[i] * (size_t)sd->ext, root, i, vints(i, B));
    put_vals(rd, want, root, me, mine);
    const int ip = in_place && me == root;
    MPI_Request r;
    if (nb)
        MPI_OK(MPI_Iscatterv(sbuf, counts, displs, sd->type, ip ? MPI_IN_PLACE : rbuf, cnt(rd, mine), rd->type, root,
                             comm, &r));
    else
        MPI_OK(MPI_Scatterv(sbuf, counts, displs, sd->type, ip ? MPI_IN_PLACE : rbuf, cnt(rd, mine), rd->type, root,
                            comm));
    wait_nb(&r);
    if (!ip) compare(rbuf, want, rints, "scatterv recvbuf");
    free(counts);
    free(displs);
    region_free(sbuf);
    region_free(rbuf);
    region_free(want);
}

/* Ints from i to j in the v all-to-alls; symmetric, as MPI_IN_PLACE needs. */
static size_t pair_ints(int i, int j, size_t B)
{
    return (size_t)((i + j + it) % 3) * B;
}

/* Alltoallv (w = 0: one send and one receive type) or Alltoallw (a type per peer and side). */
static void t_alltoallvw(MPI_Comm comm, size_t B, int in_place, int w)
{
    int me, np;
    MPI_Comm_rank(comm, &me);
    MPI_Comm_size(comm, &np);
    size_t n = (size_t)np;
    int *sc = chk_malloc(4 * n * sizeof(int)), *sdp = sc + n, *rc = sc + 2 * n, *rdp = sc + 3 * n;
    MPI_Datatype *st = chk_malloc(2 * n * sizeof(MPI_Datatype)), *rt = st + n;
    const struct tdesc **sd = chk_malloc(2 * n * sizeof *sd), **rd = sd + n;
    for (int j = 0; j < np; j++) {
        sd[j] = pick(w ? me + j + it : me + it + 3);
        rd[j] = pick(w ? 2 * me + j + it + 1 : me + it);
        st[j] = sd[j]->type;
        rt[j] = rd[j]->type;
    }
    chk_case("%salltoall%c %zu ints%s, %s -> %s...", nb ? "I" : "", w ? 'w' : 'v', B, in_place ? " in place" : "",
             sd[0]->name, rd[0]->name);
    /* Blocks in reverse peer order, 3 ints apart (the resized type reaches 2 ints below its start);
     * displacements in elements of the one type (v) or in bytes (w). */
    size_t s_at = 0, r_at = 0;
    const int at_zero = w && np == 1 && ompi_ok();
    size_t *s_start = chk_malloc(2 * n * sizeof(size_t)), *r_start = s_start + n;
    for (int j = np - 1; j >= 0; j--) {
        size_t so = pair_ints(me, j, B), ri = pair_ints(j, me, B);
        sc[j] = cnt(sd[j], so);
        rc[j] = cnt(rd[j], ri);
        s_at += 3 + (size_t)sd[j]->ext - 1;
        s_at -= s_at % (size_t)sd[j]->ext; /* whole elements of the one type for v */
        r_at += 3 + (size_t)rd[j]->ext - 1;
        r_at -= r_at % (size_t)rd[j]->ext;
        if (at_zero) s_at = r_at = 0;
        s_start[j] = s_at;
        r_start[j] = r_at;
        sdp[j] = w ? (int)(s_at * sizeof(int)) : (int)(s_at / (size_t)sd[j]->ext);
        rdp[j] = w ? (int)(r_at * sizeof(int)) : (int)(r_at / (size_t)rd[j]->ext);
        s_at += (size_t)sc[j] * (size_t)sd[j]->ext;
        r_at += (size_t)rc[j] * (size_t)rd[j]->ext;
    }
    int *sbuf = region(s_at), *rbuf = region(r_at), *want = region(r_at);
    for (int j = 0; j < np; j++) {
        put_vals(sd[j], sbuf + s_start[j], me, j, pair_ints(me, j, B));
        if (in_place) put_vals(rd[j], rbuf + r_start[j], me, j, pair_ints(me, j, B));
        put_vals(rd[j], want + r_start[j], j, me, pair_ints(j, me, B));
    }
    MPI_Request r;
    const void *s = in_place ? MPI_IN_PLACE : sbuf;
    if (w && nb)
        MPI_OK(MPI_Ialltoallw(s, sc, sdp, st, rbuf, rc, rdp, rt, comm, &r));
    else if (w)
        MPI_OK(MPI_Alltoallw(s, sc, sdp, st, rbuf, rc, rdp, rt, comm));
    else if (nb)
        MPI_OK(MPI_Ialltoallv(s, sc, sdp, st[0], rbuf, rc, rdp, rt[0], comm, &r));
    else
        MPI_OK(MPI_Alltoallv(s, sc, sdp, st[0], rbuf, rc, rdp, rt[0], comm));
    wait_nb(&r);
    compare(rbuf, want, r_at, w ? "alltoallw recvbuf" : "alltoallv recvbuf");
    free(sc);
    free(st);
    free(sd);
    free(s_start);
    region_free(sbuf);
    region_free(rbuf);
    region_free(want);
}

/* ---- reductions: every rank the same type (d), ints summed ---- */

static int rval(int src, size_t k)
{
    return (int)((unsigned)(src * 131 + it) + (unsigned)k * 7u) % 1000 - 300;
}

enum { R_REDUCE, R_ALLREDUCE, R_SCAN, R_EXSCAN, R_RSB, R_RS };

static void t_reduction(MPI_Comm comm, MPI_Op op, int kind, size_t B, int root, int in_place)
{
    static const char *names[] = {"reduce", "allreduce", "scan", "exscan", "reduce_scatter_block", "reduce_scatter"};
    int me, np;
    MPI_Comm_rank(comm, &me);
    MPI_Comm_size(comm, &np);
    const struct tdesc *d = pick(it);
    if (nb && (d == &T[5] || d == &T[6]) && ompi_ok()) d = &T[2];
    chk_case("%s%s %s %zu ints%s, %s", nb ? "I" : "", names[kind], op == MPI_SUM ? "SUM" : "user sum", B,
             in_place ? " in place" : "", d->name);
    /* Reduce_scatter(_block): B ints per rank (fewer for some ranks in the v form). */
    int *rcounts = chk_malloc((size_t)np * sizeof(int));
    size_t total = B, first = 0, mine = B;
    if (kind == R_RSB || kind == R_RS) {
        total = 0;
        for (int i = 0; i < np; i++) {
            size_t bi = kind == R_RS ? vints(i, B) : B;
            rcounts[i] = cnt(d, bi);
            if (i < me) first += bi;
            if (i == me) mine = bi;
            total += bi;
        }
    }
    size_t ints_in = (size_t)cnt(d, total) * (size_t)d->ext, ints_out = (size_t)cnt(d, mine) * (size_t)d->ext;
    const int receives = kind != R_REDUCE || me == root;
    const int ip = in_place && receives;
    int *vals = chk_malloc((total + 1) * sizeof(int)), *sum = chk_malloc((total + 1) * sizeof(int));
    for (size_t k = 0; k < total; k++) vals[k] = rval(me, k);
    /* The serial reference: ranks 0..last of the reduction. */
    int last = kind == R_SCAN ? me : kind == R_EXSCAN ? me - 1 : np - 1;
    for (size_t k = 0; k < total; k++) {
        sum[k] = 0;
        for (int i = 0; i <= last; i++) sum[k] += rval(i, k);
    }
    int *sbuf = region(ints_in), *rbuf = region(ip ? ints_in : ints_out), *want = region(ip ? ints_in : ints_out);
    put(d, sbuf, total, vals);
    if (ip) {
        put(d, rbuf, total, vals);
        put(d, want, total, vals); /* beyond this rank's block the input stays as it was */
    }
    put(d, want, mine, sum + (kind == R_RS || kind == R_RSB ? first : 0));
    const void *s = ip ? MPI_IN_PLACE : sbuf;
    void *rb = receives ? rbuf : NULL;
    MPI_Request r;
    switch (kind) {
    case R_REDUCE:
        MPI_OK(nb ? MPI_Ireduce(s, rb, cnt(d, B), d->type, op, root, comm, &r)
                  : MPI_Reduce(s, rb, cnt(d, B), d->type, op, root, comm));
        break;
    case R_ALLREDUCE:
        MPI_OK(nb ? MPI_Iallreduce(s, rb, cnt(d, B), d->type, op, comm, &r)
                  : MPI_Allreduce(s, rb, cnt(d, B), d->type, op, comm));
        break;
    case R_SCAN:
        MPI_OK(nb ? MPI_Iscan(s, rb, cnt(d, B), d->type, op, comm, &r) : MPI_Scan(s, rb, cnt(d, B), d->type, op, comm));
        break;
    case R_EXSCAN:
        MPI_OK(nb ? MPI_Iexscan(s, rb, cnt(d, B), d->type, op, comm, &r)
                  : MPI_Exscan(s, rb, cnt(d, B), d->type, op, comm));
        break;
    case R_RSB:
        MPI_OK(nb ? MPI_Ireduce_scatter_block(s, rb, cnt(d, B), d->type, op, comm, &r)
                  : MPI_Reduce_scatter_block(s, rb, cnt(d, B), d->type, op, comm));
        break;
    default:
        MPI_OK(nb ? MPI_Ireduce_scatter(s, rb, rcounts, d->type, op, comm, &r)
                  : MPI_Reduce_scatter(s, rb, rcounts, d->type, op, comm));
    }
    wait_nb(&r);
    /* Exscan leaves rank 0's buffer undefined: its content is not checked there. */
    if (receives && !(kind == R_EXSCAN && me == 0)) {
        if (ip && (kind == R_RS || kind == R_RSB)) {
            /* Only the first block of an in-place reduce-scatter is defined afterwards. */
            int *got = chk_malloc((mine + 1) * sizeof(int));
            get(d, rbuf, mine, got);
            for (size_t k = 0; k < mine; k++) CHECK_INT(got[k], sum[first + k], "reduce_scatter result");
            free(got);
        } else {
            compare(rbuf, want, ip ? ints_in : ints_out, "reduction recvbuf");
        }
    }
    free(rcounts);
    free(vals);
    free(sum);
    region_free(sbuf);
    region_free(rbuf);
    region_free(want);
}

/* ---- a non-commutative user op on derived types ----
 * Consecutive ints of the stream are affine maps x -> m x + c as pairs (m, c); the op composes
 * them, lower rank first: associative, not commutative. The function finds the layout of the
 * type it is given in T. */

static const struct tdesc *find(MPI_Datatype type)
{
    for (int i = 0; i < NT; i++)
        if (T[i].type == type) return &T[i];
    chk_fail(__FILE__, __LINE__, "user op called with an unknown datatype");
    return NULL;
}

static void compose(void *in, void *inout, int *len, MPI_Datatype *type)
{
    const struct tdesc *d = find(*type);
    const int *a = in;
    int *b = inout;
    for (size_t k = 0; k < (size_t)*len * (size_t)d->n; k += 2) {
        long pm = pos(d, k), pc = pos(d, k + 1);
        unsigned m = (unsigned)a[pm] * (unsigned)b[pm], c = (unsigned)b[pm] * (unsigned)a[pc] + (unsigned)b[pc];
        b[pm] = (int)m;
        b[pc] = (int)c;
    }
}

/* Commutative: the ints summed, for the standard's way to reduce derived types. */
static void isum(void *in, void *inout, int *len, MPI_Datatype *type)
{
    const struct tdesc *d = find(*type);
    const int *a = in;
    int *b = inout;
    for (size_t k = 0; k < (size_t)*len * (size_t)d->n; k++) b[pos(d, k)] += a[pos(d, k)];
}

static void affine(int src, size_t k, int *m, int *c)
{
    *m = (int)((size_t)src + k) % 5 + 1;
    *c = src * 10 + (int)(k % 10);
}

static void t_user_op(MPI_Comm comm, MPI_Op op, const struct tdesc *d, int kind, size_t B, int root)
{
    int me, np;
    MPI_Comm_rank(comm, &me);
    MPI_Comm_size(comm, &np);
    if (nb && (d == &T[5] || d == &T[6]) && ompi_ok()) d = &T[2];
    chk_case("%s%s with a user op, %zu ints, %s", nb ? "I" : "",
             kind == R_REDUCE      ? "reduce"
             : kind == R_ALLREDUCE ? "allreduce"
                                   : "scan",
             B, d->name);
    size_t ints = (size_t)cnt(d, B) * (size_t)d->ext;
    int *vals = chk_malloc((B + 1) * sizeof(int)), *res = chk_malloc((B + 1) * sizeof(int));
    int last = kind == R_SCAN ? me : np - 1;
    for (size_t k = 0; k < B; k += 2) {
        affine(me, k, &vals[k], &vals[k + 1]);
        unsigned m = 1, c = 0;
        for (int i = 0; i <= last; i++) {
            int mi, ci;
            affine(i, k, &mi, &ci);
            c = (unsigned)mi * c + (unsigned)ci;
            m = m * (unsigned)mi;
        }
        res[k] = (int)m;
        res[k + 1] = (int)c;
    }
    int *sbuf = region(ints), *rbuf = region(ints), *want = region(ints);
    put(d, sbuf, B, vals);
    put(d, want, B, res);
    MPI_Request r;
    if (kind == R_REDUCE)
        MPI_OK(nb ? MPI_Ireduce(sbuf, rbuf, cnt(d, B), d->type, op, root, comm, &r)
                  : MPI_Reduce(sbuf, rbuf, cnt(d, B), d->type, op, root, comm));
    else if (kind == R_ALLREDUCE)
        MPI_OK(nb ? MPI_Iallreduce(sbuf, rbuf, cnt(d, B), d->type, op, comm, &r)
                  : MPI_Allreduce(sbuf, rbuf, cnt(d, B), d->type, op, comm));
    else
        MPI_OK(nb ? MPI_Iscan(sbuf, rbuf, cnt(d, B), d->type, op, comm, &r)
                  : MPI_Scan(sbuf, rbuf, cnt(d, B), d->type, op, comm));
    wait_nb(&r);
    if (kind != R_REDUCE || me == root) compare(rbuf, want, ints, "user op result");
    free(vals);
    free(res);
    region_free(sbuf);
    region_free(rbuf);
    region_free(want);
}

/* ---- predefined ops on other base types ---- */

/* SUM on a vector of doubles (4 blocks of 1, stride 3), in place at the root of a Reduce too. */
static void t_double_vector(MPI_Comm comm)
{
    int me, np;
    MPI_Comm_rank(comm, &me);
    MPI_Comm_size(comm, &np);
    MPI_Datatype v;
    MPI_OK(MPI_Type_vector(4, 1, 3, MPI_DOUBLE, &v));
    MPI_OK(MPI_Type_commit(&v));
    enum { COUNT = 5, STRIDE = 10 }; /* extent: 10 doubles */
    const size_t len = COUNT * STRIDE;
    double *s = chk_malloc(len * sizeof(double)), *r = chk_malloc(len * sizeof(double));
    for (int in_place = 0; in_place < 2; in_place++) {
        chk_case("%sallreduce SUM on a vector of doubles%s", nb ? "I" : "", in_place ? " in place" : "");
        for (size_t i = 0; i < len; i++) {
            s[i] = (double)(me + 1) * (double)i;
            r[i] = in_place ? s[i] : -1.5;
        }
        MPI_Request q;
        if (nb)
            MPI_OK(MPI_Iallreduce(in_place ? MPI_IN_PLACE : s, r, COUNT, v, MPI_SUM, comm, &q));
        else
            MPI_OK(MPI_Allreduce(in_place ? MPI_IN_PLACE : s, r, COUNT, v, MPI_SUM, comm));
        wait_nb(&q);
        double f = (double)np * (np + 1) / 2;
        for (size_t i = 0; i < len; i++) {
            int data = i % STRIDE % 3 == 0 && i % STRIDE < 10;
            double want = data ? f * (double)i : in_place ? s[i] : -1.5;
            CHECK(r[i] == want, "double %zu is %g, expected %g%s", i, r[i], want, data ? "" : " (a gap)");
        }
    }
    MPI_OK(MPI_Type_free(&v));
    free(s);
    free(r);
}

/* MAXLOC on a vector of MPI_DOUBLE_INT (every other pair): the pair type is padded in memory. */
static void t_maxloc_vector(MPI_Comm comm)
{
    int me, np;
    MPI_Comm_rank(comm, &me);
    MPI_Comm_size(comm, &np);
    struct di {
        double v;
        int i;
    };
    MPI_Datatype v;
    MPI_OK(MPI_Type_vector(2, 1, 2, MPI_DOUBLE_INT, &v));
    MPI_OK(MPI_Type_commit(&v));
    MPI_Aint lb, ext;
    MPI_OK(MPI_Type_get_extent(v, &lb, &ext));
    enum { COUNT = 3 };
    const size_t per = (size_t)ext / sizeof(struct di), len = COUNT * per;
    struct di *s = chk_malloc(len * sizeof *s), *r = chk_malloc(len * sizeof *r);
    for (size_t k = 0; k < len; k++) {
        s[k] = (struct di){(double)((me * 7 + (int)k * 3) % 5), me};
        r[k] = (struct di){-9.0, -9};
    }
    chk_case("%sallreduce MAXLOC on a vector of MPI_DOUBLE_INT", nb ? "I" : "");
    MPI_Request q;
    if (nb)
        MPI_OK(MPI_Iallreduce(s, r, COUNT, v, MPI_MAXLOC, comm, &q));
    else
        MPI_OK(MPI_Allreduce(s, r, COUNT, v, MPI_MAXLOC, comm));
    wait_nb(&q);
    for (size_t k = 0; k < len; k++) {
        if (k % per % 2) {
            CHECK(r[k].v == -9.0 && r[k].i == -9, "pair %zu (a gap) was written: %g %d", k, r[k].v, r[k].i);
            continue;
        }
        double best = -1;
        int at = -1;
        for (int i = 0; i < np; i++) {
            double x = (double)((i * 7 + (int)k * 3) % 5);
            if (x > best) best = x, at = i;
        }
        CHECK(r[k].v == best && r[k].i == at, "pair %zu is (%g, %d), expected (%g, %d)", k, r[k].v, r[k].i, best, at);
    }
    MPI_OK(MPI_Type_free(&v));
    free(s);
    free(r);
}

/* MPI_Reduce_local on a vector with a predefined op: only the data changes. */
static void t_reduce_local(void)
{
    const struct tdesc *d = &T[2];
    chk_case("reduce_local SUM on %s", d->name);
    enum { B = 12 };
    size_t ints = (size_t)cnt(d, B) * (size_t)d->ext;
    int *a = region(ints), *b = region(ints), *want = region(ints), va[B], vb[B], vs[B];
    for (int k = 0; k < B; k++) {
        va[k] = k + 1;
        vb[k] = 100 * k;
        vs[k] = va[k] + vb[k];
    }
    put(d, a, B, va);
    put(d, b, B, vb);
    put(d, want, B, vs);
    MPI_OK(MPI_Reduce_local(a, b, cnt(d, B), d->type, MPI_SUM));
    compare(b, want, ints, "reduce_local inoutbuf");
    region_free(a);
    region_free(b);
    region_free(want);
}

/* A type freed while the nonblocking collective using it runs. */
static void t_freed_type(MPI_Comm comm)
{
    int me;
    MPI_Comm_rank(comm, &me);
    chk_case("Ibcast of a vector freed before the wait");
    const struct tdesc *d = &T[2];
    MPI_Datatype t;
    MPI_OK(MPI_Type_dup(d->type, &t));
    MPI_OK(MPI_Type_commit(&t));
    enum { B = 60 };
    size_t ints = (size_t)cnt(d, B) * (size_t)d->ext;
    int *buf = region(ints), *want = region(ints);
    put_vals(d, want, 0, -1, B);
    if (me == 0) put_vals(d, buf, 0, -1, B);
    MPI_Request r;
    MPI_OK(MPI_Ibcast(buf, cnt(d, B), t, 0, comm, &r));
    MPI_OK(MPI_Type_free(&t));
    MPI_OK(MPI_Wait(&r, MPI_STATUS_IGNORE));
    compare(buf, want, ints, "bcast buffer");
    region_free(buf);
    region_free(want);
}

/* A predefined op on a struct of an int and a double has no meaning: MPI_ERR_OP, and the
 * communicator goes on working. */
static void t_mixed_struct(MPI_Comm comm)
{
    chk_case("allreduce SUM on a struct {int, double}");
    struct id {
        int i;
        double d;
    } s = {1, 2.0}, r = {0, 0};
    int bl[2] = {1, 1};
    MPI_Aint dp[2] = {0, sizeof(double)};
    MPI_Datatype ty[2] = {MPI_INT, MPI_DOUBLE}, t;
    MPI_OK(MPI_Type_create_struct(2, bl, dp, ty, &t));
    MPI_OK(MPI_Type_commit(&t));
    MPI_Comm c;
    MPI_OK(MPI_Comm_dup(comm, &c));
    MPI_OK(MPI_Comm_set_errhandler(c, MPI_ERRORS_RETURN));
    int rc = MPI_Allreduce(&s, &r, 1, t, MPI_SUM, c), cls = -1;
    MPI_Error_class(rc, &cls);
    CHECK(cls == MPI_ERR_OP || cls == MPI_ERR_TYPE, "error class %d, expected MPI_ERR_OP or MPI_ERR_TYPE", cls);
    int one = 1, sum = 0, np;
    MPI_Comm_size(c, &np);
    MPI_OK(MPI_Allreduce(&one, &sum, 1, MPI_INT, MPI_SUM, c));
    CHECK_INT(sum, np, "allreduce after the error");
    MPI_OK(MPI_Comm_free(&c));
    MPI_OK(MPI_Type_free(&t));
}

static MPI_Op op_compose, op_isum;

static void round_on(MPI_Comm comm)
{
    int me, np;
    MPI_Comm_rank(comm, &me);
    MPI_Comm_size(comm, &np);
    static const size_t sizes[] = {0, 6, 36, 2400};
    for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++) {
        const size_t B = sizes[si];
        const int root = (int)((si + (size_t)it) % (size_t)np);
        t_bcast(comm, B, root);
        for (int ip = 0; ip < 2; ip++) {
            t_gather(comm, B, root, ip);
            t_scatter(comm, B, np - 1 - root, ip);
            t_allgather(comm, B, ip);
            t_alltoall(comm, B, ip);
            t_gatherv(comm, B, root, ip, 0);
            t_gatherv(comm, B, root, ip, 1);
            t_scatterv(comm, B, root, ip);
            for (int w = 0; w < 2 && (!nb || !ip || !ompi_ok()); w++) t_alltoallvw(comm, B, ip, w);
            for (int kind = R_REDUCE; kind <= R_RS; kind++) t_reduction(comm, op_isum, kind, B, root, ip);
        }
        static const int even[] = {1, 2, 3, 5, 6}; /* types with whole (m, c) pairs per element */
        const struct tdesc *d = &T[even[(si + (size_t)it) % 5]];
        for (int kind = R_REDUCE; kind <= R_SCAN; kind++) t_user_op(comm, op_compose, d, kind, B, root);
    }
}

/* Predefined ops on derived types (see the top). */
static void round_ext(MPI_Comm comm)
{
    int np;
    MPI_Comm_size(comm, &np);
    static const size_t sizes[] = {0, 6, 2400};
    for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++)
        for (int ip = 0; ip < 2; ip++)
            for (int kind = R_REDUCE; kind <= R_RS; kind++)
                t_reduction(comm, MPI_SUM, kind, sizes[si], (int)((si + (size_t)it) % (size_t)np), ip);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    ext = argc > 1 && !strcmp(argv[1], "ext");
    chk_begin("coll_dtype");
    make_types();
    MPI_OK(MPI_Op_create(compose, 0, &op_compose));
    MPI_OK(MPI_Op_create(isum, 1, &op_isum));
    int me;
    MPI_Comm_rank(MPI_COMM_WORLD, &me);
    MPI_Comm half;
    MPI_OK(MPI_Comm_split(MPI_COMM_WORLD, me % 2, -me, &half));
    for (nb = 0; nb < 2; nb++) {
        for (it = 0; it < NT; it++) {
            round_on(MPI_COMM_WORLD);
            if (ext) round_ext(MPI_COMM_WORLD);
        }
        it = 3;
        round_on(half);
        if (ext) round_ext(half);
        if (ext) {
            t_double_vector(MPI_COMM_WORLD);
            t_maxloc_vector(MPI_COMM_WORLD);
        }
    }
    if (ext) t_reduce_local();
    t_freed_type(MPI_COMM_WORLD);
    t_mixed_struct(MPI_COMM_WORLD);
    MPI_OK(MPI_Comm_free(&half));
    MPI_OK(MPI_Op_free(&op_compose));
    MPI_OK(MPI_Op_free(&op_isum));
    free_types();
    return chk_end();
}
