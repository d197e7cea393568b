/* Entry points of the collectives: resolve MPI_IN_PLACE, give the algorithms their view of the
 * buffers (packed streams of bytes or reduction elements, through coll_buf), pick the algorithm
 * and run or start its schedule. */
#include "collectives/coll.h"
#include "collectives/select.h"

static struct mp_sched *begin(struct mp_comm *c)
{
    return mp_sched_new(c);
}

/* `*packed` says whether the reduction works on packed streams (derived types with gaps). */
static struct mp_sched *begin_red(struct mp_comm *c, MPI_Op op, MPI_Datatype type, int *packed)
{
    struct mp_sched *s = mp_sched_new(c);
    *packed = mp_coll_red_packed(type);
    if (s) {
        int e = mp_coll_red_init(&s->red, op, type, *packed);
        if (e != MPI_SUCCESS) s->error = e;
    }
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
    if (s->error == MPI_SUCCESS) mp_coll_select(kind, bytes, s->comm, s->red.commutative)->build(s, a);
    return finish(s, req);
}

/* A reduction's input and output as the algorithms see them: n_in elements in (in rbuf for
 * MPI_IN_PLACE), n_out out when `out`. */
static void reduction_bufs(struct mp_sched *s, int packed, const void *sbuf, void *rbuf, size_t n_in, size_t n_out,
                           int out, MPI_Datatype type, struct mp_coll_args *a)
{
    a->sbuf = sbuf == MPI_IN_PLACE ? rbuf : sbuf;
    a->rbuf = rbuf;
    if (!packed) return;
    if (sbuf == MPI_IN_PLACE) {
        a->rbuf = mp_coll_stage(s, rbuf, n_in, type, 1, 0);
        if (a->rbuf && out) mp_sched_unpack_last(s, a->rbuf, type, rbuf, mp_coll_size(n_out, type));
        a->sbuf = a->rbuf;
    } else {
        a->sbuf = mp_coll_stage(s, sbuf, n_in, type, 1, 0);
        if (out) a->rbuf = mp_coll_stage(s, rbuf, n_out, type, 0, 1);
    }
}

/* The rooted or gathered buffer of a gatherv, scatterv or allgatherv: blocks of counts[i]
 * elements at displs[i]; `own` is the block packed first (an in-place rank's), -1 for none,
 * `all_in` packs every block. NULL when out of memory. */
static void *v_blocks(struct mp_sched *s, struct mp_coll_args *a, const void *buf, const int *counts, const int *displs,
                      MPI_Datatype type, int own, int all_in, int out)
{
    const int n = s->comm->size;
    size_t *len = mp_sched_scratch(s, 2 * (size_t)n * sizeof *len);
    if (!len) return NULL;
    a->counts = len;
    a->displs = len + n;
    int from = all_in ? 0 : own < 0 ? 0 : own, to = all_in ? n : own < 0 ? 0 : own + 1;
    return mp_coll_stage_blocks(s, buf, n, counts, displs, &type, 0, 0, from, to, out, len, len + n);
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
    const size_t n = (size_t)count, bytes = mp_coll_size(n, type);
    struct mp_coll_args a = {
        .rbuf = mp_coll_stage(s, buf, n, type, c->rank == root, c->rank != root), .bytes = bytes, .root = root};
    return launch(MP_COLL_BCAST, s, &a, bytes, req);
}

int mp_coll_reduce(const void *sbuf, void *rbuf, int count, MPI_Datatype type, MPI_Op op, int root, struct mp_comm *c,
                   struct mp_request **req)
{
    int packed;
    struct mp_sched *s = begin_red(c, op, type, &packed);
    if (!s) return MPI_ERR_NO_MEM;
    struct mp_coll_args a = {.count = (size_t)count, .root = root};
    reduction_bufs(s, packed, sbuf, rbuf, a.count, a.count, c->rank == root, type, &a);
    return launch(MP_COLL_REDUCE, s, &a, mp_coll_size(a.count, type), req);
}

int mp_coll_allreduce(const void *sbuf, void *rbuf, int count, MPI_Datatype type, MPI_Op op, struct mp_comm *c,
                      struct mp_request **req)
{
    int packed;
    struct mp_sched *s = begin_red(c, op, type, &packed);
    if (!s) return MPI_ERR_NO_MEM;
    struct mp_coll_args a = {.count = (size_t)count};
    reduction_bufs(s, packed, sbuf, rbuf, a.count, a.count, 1, type, &a);
    return launch(MP_COLL_ALLREDUCE, s, &a, mp_coll_size(a.count, type), req);
}

int mp_coll_allgather(const void *sbuf, int scount, MPI_Datatype stype, void *rbuf, int rcount, MPI_Datatype rtype,
                      struct mp_comm *c, struct mp_request **req)
{
    struct mp_sched *s = begin(c);
    if (!s) return MPI_ERR_NO_MEM;
    const size_t rn = (size_t)rcount, b = mp_coll_size(rn, rtype);
    struct mp_coll_args a = {.rbuf = mp_coll_stage(s, rbuf, (size_t)c->size * rn, rtype, 0, 1), .bytes = b};
    if (sbuf == MPI_IN_PLACE) {
        mp_coll_stage_part(s, rbuf, rtype, (size_t)c->rank * rn, rn, a.rbuf);
        a.sbuf = (char *)a.rbuf + (size_t)c->rank * b;
    } else {
        a.sbuf = mp_coll_stage(s, sbuf, (size_t)scount, stype, 1, 0);
    }
    return launch(MP_COLL_ALLGATHER, s, &a, b, req);
}

int mp_allgather_bytes(const void *sbuf, void *rbuf, size_t bytes, struct mp_comm *c)
{
    return mp_coll_allgather(sbuf, (int)bytes, MPI_BYTE, rbuf, (int)bytes, MPI_BYTE, c, NULL);
}

int mp_coll_allgatherv(const void *sbuf, int scount, MPI_Datatype stype, void *rbuf, const int rcounts[],
                       const int displs[], MPI_Datatype rtype, struct mp_comm *c, struct mp_request **req)
{
    struct mp_sched *s = begin(c);
    if (!s) return MPI_ERR_NO_MEM;
    const int in_place = sbuf == MPI_IN_PLACE;
    struct mp_coll_args a = {0};
    a.rbuf = v_blocks(s, &a, rbuf, rcounts, displs, rtype, in_place ? c->rank : -1, 0, 1);
    if (!a.rbuf) return finish(s, req);
    a.sbuf = in_place ? (char *)a.rbuf + a.displs[c->rank] : mp_coll_stage(s, sbuf, (size_t)scount, stype, 1, 0);
    size_t total = 0;
    for (int i = 0; i < c->size; i++) total += (size_t)rcounts[i];
    return launch(MP_COLL_ALLGATHERV, s, &a, mp_coll_size(total, rtype) / (size_t)c->size, req);
}

int mp_coll_alltoall(const void *sbuf, int scount, MPI_Datatype stype, void *rbuf, int rcount, MPI_Datatype rtype,
                     struct mp_comm *c, struct mp_request **req)
{
    struct mp_sched *s = begin(c);
    if (!s) return MPI_ERR_NO_MEM;
    const size_t n = (size_t)c->size, b = mp_coll_size((size_t)rcount, rtype);
    struct mp_coll_args a = {.bytes = b};
    if (sbuf == MPI_IN_PLACE)
        a.sbuf = mp_coll_stage_copy(s, rbuf, n * (size_t)rcount, rtype);
    else
        a.sbuf = mp_coll_stage(s, sbuf, n * (size_t)scount, stype, 1, 0);
    a.rbuf = mp_coll_stage(s, rbuf, n * (size_t)rcount, rtype, 0, 1);
    return launch(MP_COLL_ALLTOALL, s, &a, b, req);
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
    struct mp_coll_args a = {.scounts = sc, .sdispls = sd, .rcounts = rc, .rdispls = rd};
    a.rbuf = mp_coll_stage_blocks(s, rbuf, n, rcounts, rdispls, rtypes, w, w, 0, 0, 1, rc, rd);
    if (sbuf != MPI_IN_PLACE) {
        a.sbuf = mp_coll_stage_blocks(s, sbuf, n, scounts, sdispls, stypes, w, w, 0, n, 0, sc, sd);
    } else if (a.rbuf != rbuf) {
        /* Staged: a packed copy of every block is the input. */
        a.sbuf = mp_coll_stage_blocks(s, rbuf, n, rcounts, rdispls, rtypes, w, w, 0, n, 0, sc, sd);
    } else {
        size_t span = 0;
        for (int i = 0; i < n; i++) {
            sc[i] = rc[i];
            sd[i] = rd[i];
            if (rd[i] + rc[i] > span) span = rd[i] + rc[i];
        }
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
    const size_t rn = (size_t)rcount;
    const size_t b = at_root ? mp_coll_size(rn, rtype) : mp_coll_size((size_t)scount, stype);
    struct mp_coll_args a = {.rbuf = rbuf, .bytes = b, .root = root};
    if (at_root) a.rbuf = mp_coll_stage(s, rbuf, (size_t)c->size * rn, rtype, 0, 1);
    if (sbuf == MPI_IN_PLACE) {
        mp_coll_stage_part(s, rbuf, rtype, (size_t)root * rn, rn, a.rbuf);
        a.sbuf = (char *)a.rbuf + (size_t)root * b;
    } else {
        a.sbuf = mp_coll_stage(s, sbuf, (size_t)scount, stype, 1, 0);
    }
    return launch(MP_COLL_GATHER, s, &a, b, req);
}

int mp_coll_gatherv(const void *sbuf, int scount, MPI_Datatype stype, void *rbuf, const int rcounts[],
                    const int displs[], MPI_Datatype rtype, int root, struct mp_comm *c, struct mp_request **req)
{
    struct mp_sched *s = begin(c);
    if (!s) return MPI_ERR_NO_MEM;
    struct mp_coll_args a = {.rbuf = rbuf, .root = root};
    if (c->rank == root) {
        const int in_place = sbuf == MPI_IN_PLACE;
        a.rbuf = v_blocks(s, &a, rbuf, rcounts, displs, rtype, in_place ? root : -1, 0, 1);
        if (!a.rbuf) return finish(s, req);
        a.bytes = a.counts[root];
        if (in_place) a.sbuf = (char *)a.rbuf + a.displs[root];
    } else {
        a.bytes = mp_coll_size((size_t)scount, stype);
    }
    if (sbuf != MPI_IN_PLACE) a.sbuf = mp_coll_stage(s, sbuf, (size_t)scount, stype, 1, 0);
    return launch(MP_COLL_GATHERV, s, &a, 0, req);
}

int mp_coll_scatter(const void *sbuf, int scount, MPI_Datatype stype, void *rbuf, int rcount, MPI_Datatype rtype,
                    int root, struct mp_comm *c, struct mp_request **req)
{
    struct mp_sched *s = begin(c);
    if (!s) return MPI_ERR_NO_MEM;
    const int at_root = c->rank == root;
    const size_t b = at_root ? mp_coll_size((size_t)scount, stype) : mp_coll_size((size_t)rcount, rtype);
    struct mp_coll_args a = {.sbuf = sbuf, .bytes = b, .root = root};
    if (at_root) a.sbuf = mp_coll_stage(s, sbuf, (size_t)c->size * (size_t)scount, stype, 1, 0);
    if (rbuf == MPI_IN_PLACE)
        a.rbuf = (char *)a.sbuf + (size_t)root * b;
    else
        a.rbuf = mp_coll_stage(s, rbuf, (size_t)rcount, rtype, 0, 1);
    return launch(MP_COLL_SCATTER, s, &a, b, req);
}

int mp_coll_scatterv(const void *sbuf, const int scounts[], const int displs[], MPI_Datatype stype, void *rbuf,
                     int rcount, MPI_Datatype rtype, int root, struct mp_comm *c, struct mp_request **req)
{
    struct mp_sched *s = begin(c);
    if (!s) return MPI_ERR_NO_MEM;
    struct mp_coll_args a = {.sbuf = sbuf, .root = root};
    if (c->rank == root) {
        a.sbuf = v_blocks(s, &a, sbuf, scounts, displs, stype, -1, 1, 0);
        if (!a.sbuf) return finish(s, req);
        a.bytes = a.counts[root];
    } else {
        a.bytes = mp_coll_size((size_t)rcount, rtype);
    }
    if (rbuf == MPI_IN_PLACE)
        a.rbuf = (char *)a.sbuf + a.displs[root];
    else
        a.rbuf = mp_coll_stage(s, rbuf, (size_t)rcount, rtype, 0, 1);
    return launch(MP_COLL_SCATTERV, s, &a, 0, req);
}

int mp_coll_reduce_scatter(const void *sbuf, void *rbuf, const int rcounts[], int rcount, MPI_Datatype type, MPI_Op op,
                           struct mp_comm *c, struct mp_request **req)
{
    int packed;
    struct mp_sched *s = begin_red(c, op, type, &packed);
    if (!s) return MPI_ERR_NO_MEM;
    struct mp_coll_args a = {0};
    if (!rcounts) {
        a.count = (size_t)rcount * (size_t)c->size;
        reduction_bufs(s, packed, sbuf, rbuf, a.count, (size_t)rcount, 1, type, &a);
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
    reduction_bufs(s, packed, sbuf, rbuf, a.count, (size_t)rcounts[c->rank], 1, type, &a);
    return launch(MP_COLL_REDUCE_SCATTER, s, &a, mp_coll_size(a.count, type), req);
}

int mp_coll_scan(const void *sbuf, void *rbuf, int count, MPI_Datatype type, MPI_Op op, int exclusive,
                 struct mp_comm *c, struct mp_request **req)
{
    int packed;
    struct mp_sched *s = begin_red(c, op, type, &packed);
    if (!s) return MPI_ERR_NO_MEM;
    struct mp_coll_args a = {.count = (size_t)count};
    /* Exscan leaves rank 0's recvbuf alone. */
    reduction_bufs(s, packed, sbuf, rbuf, a.count, a.count, !exclusive || c->rank > 0, type, &a);
    return launch(exclusive ? MP_COLL_EXSCAN : MP_COLL_SCAN, s, &a, mp_coll_size(a.count, type), req);
}

void mp_coll_band_again(struct mp_sched *s, const uint64_t *in, uint64_t *out, size_t count, mp_sched_fn *then,
                        void *arg)
{
    struct mp_coll_args a = {.sbuf = in, .rbuf = out, .count = count};
    mp_sched_round(s);
    mp_coll_select(MP_COLL_ALLREDUCE, count * sizeof *in, s->comm, 1)->build(s, &a);
    mp_sched_round(s);
    mp_sched_call(s, then, arg);
}

int mp_coll_iband(const uint64_t *in, uint64_t *out, size_t count, struct mp_comm *c, mp_sched_fn *then, void *arg,
                  struct mp_request **req)
{
    int packed;
    struct mp_sched *s = begin_red(c, MPI_BAND, MPI_UINT64_T, &packed);
    if (!s) return MPI_ERR_NO_MEM;
    if (s->error == MPI_SUCCESS) mp_coll_band_again(s, in, out, count, then, arg);
    return mp_sched_start(s, req);
}
