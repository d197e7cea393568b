/* Entry points of the collectives: resolve MPI_IN_PLACE, turn (count, datatype) into bytes or
 * reduction elements (through coll_buf), pick the algorithm and run or start its schedule. */
#include "collectives/coll.h"
#include "collectives/select.h"

static struct mp_sched *begin(struct mp_comm *c)
{
    struct mp_sched *s = mp_sched_new(c);
    if (s) s->red.commutative = 1;
    return s;
}

static struct mp_sched *begin_red(struct mp_comm *c, MPI_Op op, MPI_Datatype type)
{
    struct mp_sched *s = mp_sched_new(c);
    if (s) mp_coll_red_init(&s->red, op, type);
    return s;
}

/* Runs or starts the schedule; one that failed to build reports its error either way. */
static int finish(struct mp_sched *s, struct mp_request **req)
{
    return req ? mp_sched_start(s, req) : mp_sched_run(s);
}

static int launch(enum mp_coll_kind kind, struct mp_sched *s, const struct mp_coll_args *a, size_t bytes,
                  struct mp_request **req)
{
    mp_coll_select(kind, bytes, s->comm, s->red.commutative)->build(s, a);
    return finish(s, req);
}

/* Element counts and displacements as bytes, in schedule scratch; NULL when out of memory. */
static size_t *to_bytes(struct mp_sched *s, const int *v, size_t unit, int n)
{
    size_t *out = mp_sched_scratch(s, (size_t)n * sizeof *out);
    if (out)
        for (int i = 0; i < n; i++) out[i] = (size_t)v[i] * unit;
    return out;
}

/* The root's block layout in a gatherv/scatterv; 0 when out of memory. */
static int rooted_v(struct mp_sched *s, struct mp_coll_args *a, const int *counts, const int *displs, MPI_Datatype type)
{
    const size_t ext = mp_coll_bytes(1, type);
    a->counts = to_bytes(s, counts, ext, s->comm->size);
    a->displs = to_bytes(s, displs, ext, s->comm->size);
    if (!a->counts || !a->displs) return 0;
    a->bytes = a->counts[a->root];
    return 1;
}

int mp_coll_barrier(struct mp_comm *c, struct mp_request **req)
{
    struct mp_sched *s = begin(c);
    if (!s) return MPI_ERR_NO_MEM;
    struct mp_coll_args a = {0};
    return launch(MP_COLL_BARRIER, s, &a, 0, req);
}

int mp_coll_bcast(void *buf, int count, MPI_Datatype type, int root, struct mp_comm *c, struct mp_request **req)
{
    struct mp_sched *s = begin(c);
    if (!s) return MPI_ERR_NO_MEM;
    struct mp_coll_args a = {.rbuf = buf, .bytes = mp_coll_bytes((size_t)count, type), .root = root};
    return launch(MP_COLL_BCAST, s, &a, mp_coll_size((size_t)count, type), req);
}

int mp_coll_reduce(const void *sbuf, void *rbuf, int count, MPI_Datatype type, MPI_Op op, int root, struct mp_comm *c,
                   struct mp_request **req)
{
    struct mp_sched *s = begin_red(c, op, type);
    if (!s) return MPI_ERR_NO_MEM;
    struct mp_coll_args a = {
        .sbuf = sbuf == MPI_IN_PLACE ? rbuf : sbuf, .rbuf = rbuf, .count = (size_t)count, .root = root};
    return launch(MP_COLL_REDUCE, s, &a, mp_coll_size((size_t)count, type), req);
}

int mp_coll_allreduce(const void *sbuf, void *rbuf, int count, MPI_Datatype type, MPI_Op op, struct mp_comm *c,
                      struct mp_request **req)
{
    struct mp_sched *s = begin_red(c, op, type);
    if (!s) return MPI_ERR_NO_MEM;
    struct mp_coll_args a = {.sbuf = sbuf == MPI_IN_PLACE ? rbuf : sbuf, .rbuf = rbuf, .count = (size_t)count};
    return launch(MP_COLL_ALLREDUCE, s, &a, mp_coll_size((size_t)count, type), req);
}

int mp_coll_allgather(const void *sbuf, int scount, MPI_Datatype stype, void *rbuf, int rcount, MPI_Datatype rtype,
                      struct mp_comm *c, struct mp_request **req)
{
    (void)scount, (void)stype;
    struct mp_sched *s = begin(c);
    if (!s) return MPI_ERR_NO_MEM;
    const size_t b = mp_coll_bytes((size_t)rcount, rtype);
    struct mp_coll_args a = {
        .sbuf = sbuf == MPI_IN_PLACE ? (char *)rbuf + (size_t)c->rank * b : sbuf, .rbuf = rbuf, .bytes = b};
    return launch(MP_COLL_ALLGATHER, s, &a, mp_coll_size((size_t)rcount, rtype), req);
}

int mp_allgather_bytes(const void *sbuf, void *rbuf, size_t bytes, struct mp_comm *c)
{
    return mp_coll_allgather(sbuf, (int)bytes, MPI_BYTE, rbuf, (int)bytes, MPI_BYTE, c, NULL);
}

int mp_coll_allgatherv(const void *sbuf, int scount, MPI_Datatype stype, void *rbuf, const int rcounts[],
                       const int displs[], MPI_Datatype rtype, struct mp_comm *c, struct mp_request **req)
{
    (void)scount, (void)stype;
    struct mp_sched *s = begin(c);
    if (!s) return MPI_ERR_NO_MEM;
    const size_t ext = mp_coll_bytes(1, rtype);
    struct mp_coll_args a = {
        .rbuf = rbuf, .counts = to_bytes(s, rcounts, ext, c->size), .displs = to_bytes(s, displs, ext, c->size)};
    if (!a.counts || !a.displs) return finish(s, req);
    a.sbuf = sbuf == MPI_IN_PLACE ? (char *)rbuf + a.displs[c->rank] : sbuf;
    size_t total = 0;
    for (int i = 0; i < c->size; i++) total += (size_t)rcounts[i];
    return launch(MP_COLL_ALLGATHERV, s, &a, mp_coll_size(total, rtype) / (size_t)c->size, req);
}

int mp_coll_alltoall(const void *sbuf, int scount, MPI_Datatype stype, void *rbuf, int rcount, MPI_Datatype rtype,
                     struct mp_comm *c, struct mp_request **req)
{
    (void)scount, (void)stype;
    struct mp_sched *s = begin(c);
    if (!s) return MPI_ERR_NO_MEM;
    const size_t b = mp_coll_bytes((size_t)rcount, rtype);
    struct mp_coll_args a = {.sbuf = sbuf, .rbuf = rbuf, .bytes = b};
    if (sbuf == MPI_IN_PLACE) {
        void *copy = mp_sched_scratch(s, (size_t)c->size * b);
        mp_sched_copy(s, rbuf, copy, copy ? (size_t)c->size * b : 0);
        a.sbuf = copy;
    }
    return launch(MP_COLL_ALLTOALL, s, &a, mp_coll_size((size_t)rcount, rtype), req);
}

int mp_coll_alltoallvw(const void *sbuf, const int scounts[], const int sdispls[], const MPI_Datatype stypes[],
                       void *rbuf, const int rcounts[], const int rdispls[], const MPI_Datatype rtypes[], int w,
                       struct mp_comm *c, struct mp_request **req)
{
    struct mp_sched *s = begin(c);
    if (!s) return MPI_ERR_NO_MEM;
    const int n = c->size;
    size_t *v = mp_sched_scratch(s, 4 * (size_t)n * sizeof *v);
    if (!v) return finish(s, req);
    size_t *sc = v, *sd = v + n, *rc = v + 2 * n, *rd = v + 3 * n;
    const int in_place = sbuf == MPI_IN_PLACE;
    for (int i = 0; i < n; i++) {
        MPI_Datatype st = in_place ? rtypes[w ? i : 0] : stypes[w ? i : 0], rt = rtypes[w ? i : 0];
        const int *cnt = in_place ? rcounts : scounts, *dsp = in_place ? rdispls : sdispls;
        sc[i] = mp_coll_bytes((size_t)cnt[i], st);
        sd[i] = w ? (size_t)dsp[i] : (size_t)dsp[i] * mp_coll_bytes(1, st);
        rc[i] = mp_coll_bytes((size_t)rcounts[i], rt);
        rd[i] = w ? (size_t)rdispls[i] : (size_t)rdispls[i] * mp_coll_bytes(1, rt);
    }
    struct mp_coll_args a = {.sbuf = sbuf, .rbuf = rbuf, .scounts = sc, .sdispls = sd, .rcounts = rc, .rdispls = rd};
    if (in_place) {
        size_t span = 0;
        for (int i = 0; i < n; i++)
            if (rd[i] + rc[i] > span) span = rd[i] + rc[i];
        void *copy = mp_sched_scratch(s, span);
        mp_sched_copy(s, rbuf, copy, copy ? span : 0);
        a.sbuf = copy;
    }
    return launch(w ? MP_COLL_ALLTOALLW : MP_COLL_ALLTOALLV, s, &a, 0, req);
}

int mp_coll_gather(const void *sbuf, int scount, MPI_Datatype stype, void *rbuf, int rcount, MPI_Datatype rtype,
                   int root, struct mp_comm *c, struct mp_request **req)
{
    struct mp_sched *s = begin(c);
    if (!s) return MPI_ERR_NO_MEM;
    const int at_root = c->rank == root;
    const size_t b = at_root ? mp_coll_bytes((size_t)rcount, rtype) : mp_coll_bytes((size_t)scount, stype);
    struct mp_coll_args a = {.sbuf = sbuf, .rbuf = rbuf, .bytes = b, .root = root};
    if (sbuf == MPI_IN_PLACE) a.sbuf = (char *)rbuf + (size_t)root * b;
    size_t sel = at_root ? mp_coll_size((size_t)rcount, rtype) : mp_coll_size((size_t)scount, stype);
    return launch(MP_COLL_GATHER, s, &a, sel, req);
}

int mp_coll_gatherv(const void *sbuf, int scount, MPI_Datatype stype, void *rbuf, const int rcounts[],
                    const int displs[], MPI_Datatype rtype, int root, struct mp_comm *c, struct mp_request **req)
{
    struct mp_sched *s = begin(c);
    if (!s) return MPI_ERR_NO_MEM;
    struct mp_coll_args a = {.sbuf = sbuf, .rbuf = rbuf, .root = root};
    if (c->rank == root) {
        if (!rooted_v(s, &a, rcounts, displs, rtype)) return finish(s, req);
        if (sbuf == MPI_IN_PLACE) a.sbuf = (char *)rbuf + a.displs[root];
    } else {
        a.bytes = mp_coll_bytes((size_t)scount, stype);
    }
    return launch(MP_COLL_GATHERV, s, &a, 0, req);
}

int mp_coll_scatter(const void *sbuf, int scount, MPI_Datatype stype, void *rbuf, int rcount, MPI_Datatype rtype,
                    int root, struct mp_comm *c, struct mp_request **req)
{
    struct mp_sched *s = begin(c);
    if (!s) return MPI_ERR_NO_MEM;
    const int at_root = c->rank == root;
    const size_t b = at_root ? mp_coll_bytes((size_t)scount, stype) : mp_coll_bytes((size_t)rcount, rtype);
    struct mp_coll_args a = {.sbuf = sbuf, .rbuf = rbuf, .bytes = b, .root = root};
    if (rbuf == MPI_IN_PLACE) a.rbuf = (char *)sbuf + (size_t)root * b;
    size_t sel = at_root ? mp_coll_size((size_t)scount, stype) : mp_coll_size((size_t)rcount, rtype);
    return launch(MP_COLL_SCATTER, s, &a, sel, req);
}

int mp_coll_scatterv(const void *sbuf, const int scounts[], const int displs[], MPI_Datatype stype, void *rbuf,
                     int rcount, MPI_Datatype rtype, int root, struct mp_comm *c, struct mp_request **req)
{
    struct mp_sched *s = begin(c);
    if (!s) return MPI_ERR_NO_MEM;
    struct mp_coll_args a = {.sbuf = sbuf, .rbuf = rbuf, .root = root};
    if (c->rank == root) {
        if (!rooted_v(s, &a, scounts, displs, stype)) return finish(s, req);
        if (rbuf == MPI_IN_PLACE) a.rbuf = (char *)sbuf + a.displs[root];
    } else {
        a.bytes = mp_coll_bytes((size_t)rcount, rtype);
    }
    return launch(MP_COLL_SCATTERV, s, &a, 0, req);
}

int mp_coll_reduce_scatter(const void *sbuf, void *rbuf, const int rcounts[], int rcount, MPI_Datatype type, MPI_Op op,
                           struct mp_comm *c, struct mp_request **req)
{
    struct mp_sched *s = begin_red(c, op, type);
    if (!s) return MPI_ERR_NO_MEM;
    struct mp_coll_args a = {.sbuf = sbuf == MPI_IN_PLACE ? rbuf : sbuf, .rbuf = rbuf};
    if (!rcounts) {
        a.count = (size_t)rcount * (size_t)c->size;
        return launch(MP_COLL_REDUCE_SCATTER_BLOCK, s, &a, mp_coll_size((size_t)rcount, type), req);
    }
    size_t *v = mp_sched_scratch(s, 2 * (size_t)c->size * sizeof *v);
    if (!v) return finish(s, req);
    for (int i = 0; i < c->size; i++) {
        v[i] = (size_t)rcounts[i];
        v[c->size + i] = a.count;
        a.count += v[i];
    }
    a.counts = v;
    a.displs = v + c->size;
    return launch(MP_COLL_REDUCE_SCATTER, s, &a, mp_coll_size(a.count, type), req);
}

int mp_coll_scan(const void *sbuf, void *rbuf, int count, MPI_Datatype type, MPI_Op op, int exclusive,
                 struct mp_comm *c, struct mp_request **req)
{
    struct mp_sched *s = begin_red(c, op, type);
    if (!s) return MPI_ERR_NO_MEM;
    struct mp_coll_args a = {.sbuf = sbuf == MPI_IN_PLACE ? rbuf : sbuf, .rbuf = rbuf, .count = (size_t)count};
    return launch(exclusive ? MP_COLL_EXSCAN : MP_COLL_SCAN, s, &a, mp_coll_size((size_t)count, type), req);
}
