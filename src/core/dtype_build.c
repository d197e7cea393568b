/* Datatype constructors. Each one says where the copies of its old type(s) go; the builder
 * appends the copies' runs, merging a run into the previous one whenever the two continue one
 * regular pattern, and accumulates size, bounds and element counts on the way. */
#include <stdlib.h>
#include <string.h>

#include "core/attr.h"
#include "core/datatype.h"

struct build {
    struct mp_dtype_run *v;
    size_t n, cap;
    int err;      /* MPI error class of the first failure */
    int any;      /* a copy was placed: lb/ub valid */
    int any_data; /* a copy with data was placed: true bounds valid */
    MPI_Aint lb, ub, tlb, tub;
    size_t size, nprims, base_count, align;
    MPI_Datatype base; /* MPI_DATATYPE_NULL until the first copy with data */
    int mixed;         /* copies of different base types */
    int sticky;
};

static void normalize(struct mp_dtype_run *x)
{
    if (x->count == 1) {
        x->stride = 0;
    } else if (x->stride == (MPI_Aint)x->len) {
        x->len *= x->count;
        x->count = 1;
        x->stride = 0;
    }
}

/* Folds x into l when the blocks of both are one pattern; returns 1 when it did. */
static int merge(struct mp_dtype_run *l, const struct mp_dtype_run *x)
{
    if (x->len != l->len) {
        if (l->count != 1 || x->count != 1 || x->disp != l->disp + (MPI_Aint)l->len) return 0;
        l->len += x->len;
        return 1;
    }
    if (l->count == 1 && x->count == 1) {
        l->count = 2;
        l->stride = x->disp - l->disp;
        normalize(l);
        return 1;
    }
    if (l->count == 1) {
        if (x->disp - l->disp != x->stride) return 0;
        l->count = x->count + 1;
        l->stride = x->stride;
        return 1;
    }
    if (x->disp != l->disp + (MPI_Aint)l->count * l->stride || (x->count > 1 && x->stride != l->stride)) return 0;
    l->count += x->count;
    return 1;
}

static void push(struct build *b, struct mp_dtype_run x)
{
    if (x.len == 0 || x.count == 0) return;
    normalize(&x);
    if (b->n && merge(&b->v[b->n - 1], &x)) return;
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 4;
        struct mp_dtype_run *v = realloc(b->v, cap * sizeof *v);
        if (!v) {
            b->err = MPI_ERR_NO_MEM;
            return;
        }
        b->v = v;
        b->cap = cap;
    }
    b->v[b->n++] = x;
}

/* Appends `n` copies of the runs src[0..nsrc) at o0, o0 + step, ...: a single run repeated is
 * described at once; anything else copy by copy. */
static void repeat(struct build *b, const struct mp_dtype_run *src, size_t nsrc, size_t n, MPI_Aint o0, MPI_Aint step)
{
    if (n == 0 || nsrc == 0) return;
    if (nsrc == 1) {
        struct mp_dtype_run s = src[0];
        s.disp += o0;
        if (s.count == 1 && (MPI_Aint)s.len == step) {
            s.len *= n;
            push(b, s);
            return;
        }
        if (s.count == 1 || (MPI_Aint)s.count * s.stride == step) {
            s.stride = s.count == 1 ? step : s.stride;
            s.count *= n;
            push(b, s);
            return;
        }
    }
    for (size_t j = 0; j < n && !b->err; j++) {
        for (size_t k = 0; k < nsrc; k++) {
            struct mp_dtype_run s = src[k];
            s.disp += o0 + (MPI_Aint)j * step;
            push(b, s);
        }
    }
}

static inline MPI_Aint min_aint(MPI_Aint a, MPI_Aint b)
{
    return a < b ? a : b;
}

static inline MPI_Aint max_aint(MPI_Aint a, MPI_Aint b)
{
    return a > b ? a : b;
}

/* Accounts for `n` copies of `old` placed between offsets omin and omax: size, element counts,
 * bounds. Their runs are appended separately. */
static void account(struct build *b, const struct mp_dtype *old, size_t n, MPI_Aint omin, MPI_Aint omax)
{
    size_t add_size, add_prims, add_base;
    if (__builtin_mul_overflow(n, old->size, &add_size) || __builtin_mul_overflow(n, old->nprims, &add_prims) ||
        __builtin_mul_overflow(n, old->base_count, &add_base) || __builtin_add_overflow(b->size, add_size, &b->size)) {
        b->err = MPI_ERR_COUNT;
        return;
    }
    b->nprims += add_prims;
    b->lb = b->any ? min_aint(b->lb, omin + old->lb) : omin + old->lb;
    b->ub = b->any ? max_aint(b->ub, omax + old->ub) : omax + old->ub;
    b->any = 1;
    b->sticky |= old->sticky;
    if (old->align > b->align) b->align = old->align;
    if (old->size == 0) return;
    b->tlb = b->any_data ? min_aint(b->tlb, omin + old->true_lb) : omin + old->true_lb;
    b->tub = b->any_data ? max_aint(b->tub, omax + old->true_ub) : omax + old->true_ub;
    b->any_data = 1;
    if (b->base == MPI_DATATYPE_NULL)
        b->base = old->base;
    else if (b->base != old->base)
        b->mixed = 1;
    b->base_count += add_base;
}

/* The offset of copy n - 1 when copies are `step` apart from o0; fails on overflow. */
static int last_offset(struct build *b, size_t n, MPI_Aint o0, MPI_Aint step, MPI_Aint *last)
{
    MPI_Aint span;
    if (n > (size_t)INTPTR_MAX || __builtin_mul_overflow((MPI_Aint)(n - 1), step, &span) ||
        __builtin_add_overflow(o0, span, last)) {
        b->err = MPI_ERR_COUNT;
        return -1;
    }
    return 0;
}

/* Places `n` copies of `old` at o0, o0 + step, ... */
static void place(struct build *b, const struct mp_dtype *old, size_t n, MPI_Aint o0, MPI_Aint step)
{
    MPI_Aint last;
    if (n == 0 || b->err || last_offset(b, n, o0, step, &last)) return;
    account(b, old, n, min_aint(o0, last), max_aint(o0, last));
    if (old->size && !b->err) repeat(b, old->runs, old->nruns, n, o0, step);
}

static int copy_array(void **dst, const void *src, size_t n, size_t elem)
{
    *dst = NULL;
    if (n == 0) return 0;
    *dst = malloc(n * elem);
    if (!*dst) return -1;
    memcpy(*dst, src, n * elem);
    return 0;
}

/* Turns the builder into a descriptor with its contents and a handle. `base_of` names the old
 * type of single-type constructors, whose base holds even when no data was placed. */
static int make(struct build *b, const struct mp_dtype *base_of, int combiner, int ni, const int *ints, int na,
                const MPI_Aint *aints, int nt, struct mp_dtype *const *types, MPI_Datatype *newtype)
{
    struct mp_dtype *dt = b->err ? NULL : calloc(1, sizeof *dt);
    if (!dt) {
        free(b->v);
        return b->err ? b->err : MPI_ERR_NO_MEM;
    }
    dt->refcount = 1;
    dt->size = b->size;
    dt->nprims = b->nprims;
    dt->align = b->align ? b->align : 1;
    dt->sticky = b->sticky;
    dt->lb = b->any ? b->lb : 0;
    dt->ub = b->any ? b->ub : 0;
    dt->true_lb = b->any_data ? b->tlb : 0;
    dt->true_ub = b->any_data ? b->tub : 0;
    /* MPI pads a struct to the alignment of its strictest member, so that arrays of the type
     * match arrays of the C struct it describes. */
    if (combiner == MPI_COMBINER_STRUCT && !b->sticky && dt->ub > dt->lb) {
        MPI_Aint a = (MPI_Aint)dt->align, rem = (dt->ub - dt->lb) % a;
        if (rem) dt->ub += a - rem;
    }
    dt->extent = dt->ub - dt->lb;
    if (b->mixed) {
        dt->base = MPI_DATATYPE_NULL;
    } else {
        dt->base = b->base != MPI_DATATYPE_NULL ? b->base : base_of ? base_of->base : MPI_DATATYPE_NULL;
        dt->base_count = b->base_count;
    }
    if (b->n <= 1) {
        if (b->n) dt->one = b->v[0];
        dt->runs = &dt->one;
        free(b->v);
    } else {
        struct mp_dtype_run *v = realloc(b->v, b->n * sizeof *v);
        dt->runs = v ? v : b->v;
    }
    dt->nruns = b->n;
    size_t pos = 0;
    for (size_t i = 0; i < dt->nruns; i++) {
        dt->runs[i].pos = pos;
        pos += dt->runs[i].len * dt->runs[i].count;
    }
    const struct mp_dtype_run *r0 = dt->runs;
    dt->dense =
        dt->size == 0 || (dt->nruns == 1 && r0->count == 1 && r0->disp == 0 && (MPI_Aint)dt->size == dt->extent);
    dt->combiner = combiner;
    dt->ni = ni;
    dt->na = na;
    if (copy_array((void **)&dt->ints, ints, (size_t)ni, sizeof *ints) ||
        copy_array((void **)&dt->aints, aints, (size_t)na, sizeof *aints) ||
        copy_array((void **)&dt->types, types, (size_t)nt, sizeof *types)) {
        mp_dtype_release(dt);
        return MPI_ERR_NO_MEM;
    }
    dt->nt = nt;
    for (int i = 0; i < nt; i++) mp_dtype_retain_desc(types[i]);
    return mp_dtype_install(dt, newtype);
}

#define GET_OLD(var, handle)                                                                                           \
    struct mp_dtype *var = mp_dtype_get(handle);                                                                       \
    if (!var) return MPI_ERR_TYPE

int mp_dtype_contiguous(int count, MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    GET_OLD(old, oldtype);
    if (count < 0) return MPI_ERR_COUNT;
    struct build b = {0};
    place(&b, old, (size_t)count, 0, old->extent);
    return make(&b, old, MPI_COMBINER_CONTIGUOUS, 1, &count, 0, NULL, 1, &old, newtype);
}

int mp_dtype_vector(int count, int blocklen, MPI_Aint stride, int stride_in_bytes, MPI_Datatype oldtype,
                    MPI_Datatype *newtype)
{
    GET_OLD(old, oldtype);
    if (count < 0) return MPI_ERR_COUNT;
    if (blocklen < 0) return MPI_ERR_ARG;
    /* One block's runs, then the block repeated: described at once for single runs. */
    struct build b = {0}, blk = {0};
    MPI_Aint step = stride_in_bytes ? stride : stride * old->extent, last_blk, last_in;
    if (count > 0 && blocklen > 0 && !last_offset(&b, (size_t)count, 0, step, &last_blk) &&
        !last_offset(&b, (size_t)blocklen, 0, old->extent, &last_in)) {
        account(&b, old, (size_t)count * (size_t)blocklen, min_aint(0, last_blk) + min_aint(0, last_in),
                max_aint(0, last_blk) + max_aint(0, last_in));
        if (old->size && !b.err) {
            repeat(&blk, old->runs, old->nruns, (size_t)blocklen, 0, old->extent);
            repeat(&b, blk.v, blk.n, (size_t)count, 0, step);
            if (blk.err) b.err = blk.err;
        }
        free(blk.v);
    }
    int ints[3] = {count, blocklen, (int)stride};
    if (stride_in_bytes) return make(&b, old, MPI_COMBINER_HVECTOR, 2, ints, 1, &stride, 1, &old, newtype);
    return make(&b, old, MPI_COMBINER_VECTOR, 3, ints, 0, NULL, 1, &old, newtype);
}

static MPI_Aint disp_at(const void *disps, int in_bytes, int i, MPI_Aint extent)
{
    return in_bytes ? ((const MPI_Aint *)disps)[i] : (MPI_Aint)((const int *)disps)[i] * extent;
}

int mp_dtype_indexed(int count, const int *blocklens, const void *disps, int disps_in_bytes, MPI_Datatype oldtype,
                     MPI_Datatype *newtype)
{
    GET_OLD(old, oldtype);
    if (count < 0) return MPI_ERR_COUNT;
    for (int i = 0; i < count; i++)
        if (blocklens[i] < 0) return MPI_ERR_ARG;
    struct build b = {0};
    for (int i = 0; i < count && !b.err; i++)
        place(&b, old, (size_t)blocklens[i], disp_at(disps, disps_in_bytes, i, old->extent), old->extent);
    int *ints = malloc((2 * (size_t)count + 1) * sizeof *ints);
    if (!ints) {
        free(b.v);
        return MPI_ERR_NO_MEM;
    }
    ints[0] = count;
    if (count) memcpy(ints + 1, blocklens, (size_t)count * sizeof *ints);
    int rc;
    if (disps_in_bytes) {
        rc = make(&b, old, MPI_COMBINER_HINDEXED, count + 1, ints, count, disps, 1, &old, newtype);
    } else {
        if (count) memcpy(ints + 1 + count, disps, (size_t)count * sizeof *ints);
        rc = make(&b, old, MPI_COMBINER_INDEXED, 2 * count + 1, ints, 0, NULL, 1, &old, newtype);
    }
    free(ints);
    return rc;
}

int mp_dtype_indexed_block(int count, int blocklen, const void *disps, int disps_in_bytes, MPI_Datatype oldtype,
                           MPI_Datatype *newtype)
{
    GET_OLD(old, oldtype);
    if (count < 0) return MPI_ERR_COUNT;
    if (blocklen < 0) return MPI_ERR_ARG;
    struct build b = {0};
    for (int i = 0; i < count && !b.err; i++)
        place(&b, old, (size_t)blocklen, disp_at(disps, disps_in_bytes, i, old->extent), old->extent);
    int *ints = malloc(((size_t)count + 2) * sizeof *ints);
    if (!ints) {
        free(b.v);
        return MPI_ERR_NO_MEM;
    }
    ints[0] = count;
    ints[1] = blocklen;
    int rc;
    if (disps_in_bytes) {
        rc = make(&b, old, MPI_COMBINER_HINDEXED_BLOCK, 2, ints, count, disps, 1, &old, newtype);
    } else {
        if (count) memcpy(ints + 2, disps, (size_t)count * sizeof *ints);
        rc = make(&b, old, MPI_COMBINER_INDEXED_BLOCK, count + 2, ints, 0, NULL, 1, &old, newtype);
    }
    free(ints);
    return rc;
}

int mp_dtype_struct(int count, const int *blocklens, const MPI_Aint *disps, const MPI_Datatype *types,
                    MPI_Datatype *newtype)
{
    if (count < 0) return MPI_ERR_COUNT;
    struct mp_dtype **olds = malloc(((size_t)count + 1) * sizeof *olds);
    int *ints = malloc(((size_t)count + 1) * sizeof *ints);
    int rc = olds && ints ? MPI_SUCCESS : MPI_ERR_NO_MEM;
    for (int i = 0; i < count && rc == MPI_SUCCESS; i++) {
        olds[i] = mp_dtype_get(types[i]);
        if (!olds[i]) rc = MPI_ERR_TYPE;
        if (blocklens[i] < 0) rc = MPI_ERR_ARG;
    }
    if (rc == MPI_SUCCESS) {
        struct build b = {0};
        for (int i = 0; i < count && !b.err; i++) place(&b, olds[i], (size_t)blocklens[i], disps[i], olds[i]->extent);
        ints[0] = count;
        if (count) memcpy(ints + 1, blocklens, (size_t)count * sizeof *ints);
        rc = make(&b, NULL, MPI_COMBINER_STRUCT, count + 1, ints, count, disps, count, olds, newtype);
    }
    free(olds);
    free(ints);
    return rc;
}

int mp_dtype_resized(MPI_Datatype oldtype, MPI_Aint lb, MPI_Aint extent, MPI_Datatype *newtype)
{
    GET_OLD(old, oldtype);
    struct build b = {0};
    place(&b, old, 1, 0, 0);
    b.lb = lb;
    b.ub = lb + extent;
    b.any = 1;
    b.sticky = 1;
    MPI_Aint aints[2] = {lb, extent};
    return make(&b, old, MPI_COMBINER_RESIZED, 0, NULL, 2, aints, 1, &old, newtype);
}

int mp_dtype_dup(MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    GET_OLD(old, oldtype);
    struct build b = {0};
    place(&b, old, 1, 0, 0);
    int rc = make(&b, old, MPI_COMBINER_DUP, 0, NULL, 0, NULL, 1, &old, newtype);
    if (rc != MPI_SUCCESS) return rc;
    mp_dtype_get(*newtype)->committed = old->committed;
    rc = mp_attr_copy_all(MP_ATTR_TYPE, oldtype, *newtype);
    if (rc != MPI_SUCCESS) mp_dtype_free(newtype);
    return rc;
}

/* One dimension of a subarray or distributed array: the index ranges [start, start + len) this
 * process holds, ascending. */
struct seg {
    int start, len;
};

/* Subarrays and distributed arrays are the old type repeated along each dimension from the
 * fastest-varying one out, each level copies of the one inside at the held index ranges, then
 * resized to the whole array. The levels are built as unnamed descriptors and dropped once the
 * next one holds their runs. */
static int grid(int ndims, const int *sizes, struct seg *const *segs, const int *nsegs, int order, struct mp_dtype *old,
                struct build *out)
{
    struct mp_dtype *level = old;
    mp_dtype_retain_desc(level);
    MPI_Aint stride = old->extent;
    struct build b = {0};
    for (int k = 0; k < ndims; k++) {
        int d = order == MPI_ORDER_C ? ndims - 1 - k : k;
        b = (struct build){0};
        for (int i = 0; i < nsegs[d] && !b.err; i++)
            place(&b, level, (size_t)segs[d][i].len, (MPI_Aint)segs[d][i].start * stride, stride);
        if (__builtin_mul_overflow(stride, (MPI_Aint)sizes[d], &stride)) b.err = MPI_ERR_COUNT;
        if (k == ndims - 1 || b.err) break;
        MPI_Datatype tmp;
        int rc = make(&b, old, MPI_COMBINER_HVECTOR, 0, NULL, 0, NULL, 0, NULL, &tmp);
        mp_dtype_release(level);
        if (rc != MPI_SUCCESS) return rc;
        level = mp_dtype_get(tmp);
        mp_dtype_retain_desc(level);
        mp_dtype_free(&tmp);
    }
    mp_dtype_release(level);
    b.lb = 0;
    b.ub = stride;
    b.any = 1;
    b.sticky = 1;
    *out = b;
    return MPI_SUCCESS;
}

int mp_dtype_subarray(int ndims, const int *sizes, const int *subsizes, const int *starts, int order,
                      MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    GET_OLD(old, oldtype);
    if (ndims <= 0) return MPI_ERR_ARG;
    if (order != MPI_ORDER_C && order != MPI_ORDER_FORTRAN) return MPI_ERR_ARG;
    for (int d = 0; d < ndims; d++)
        if (sizes[d] <= 0 || subsizes[d] <= 0 || subsizes[d] > sizes[d] || starts[d] < 0 ||
            starts[d] > sizes[d] - subsizes[d])
            return MPI_ERR_ARG;
    size_t n = (size_t)ndims;
    struct seg *one = malloc(n * sizeof *one), **segs = malloc(n * sizeof *segs);
    int *nsegs = malloc(n * sizeof *nsegs), *ints = malloc((3 * n + 2) * sizeof *ints);
    int rc = one && segs && nsegs && ints ? MPI_SUCCESS : MPI_ERR_NO_MEM;
    if (rc == MPI_SUCCESS) {
        for (int d = 0; d < ndims; d++) {
            one[d] = (struct seg){starts[d], subsizes[d]};
            segs[d] = &one[d];
            nsegs[d] = 1;
        }
        ints[0] = ndims;
        memcpy(ints + 1, sizes, n * sizeof *ints);
        memcpy(ints + 1 + n, subsizes, n * sizeof *ints);
        memcpy(ints + 1 + 2 * n, starts, n * sizeof *ints);
        ints[1 + 3 * n] = order;
        struct build b;
        rc = grid(ndims, sizes, segs, nsegs, order, old, &b);
        if (rc == MPI_SUCCESS)
            rc = make(&b, old, MPI_COMBINER_SUBARRAY, 3 * ndims + 2, ints, 0, NULL, 1, &old, newtype);
    }
    free(one);
    free(segs);
    free(nsegs);
    free(ints);
    return rc;
}

/* The index ranges of a dimension of `gsize` that process coordinate `coord` of `psize` holds
 * (at most gsize of them, stored at out). Returns how many; -1 for a block size the distribution
 * does not allow. */
static int distribute(int gsize, int distrib, int darg, int psize, int coord, struct seg *out)
{
    if (distrib == MPI_DISTRIBUTE_NONE) {
        out[0] = (struct seg){0, gsize};
        return 1;
    }
    if (distrib == MPI_DISTRIBUTE_BLOCK) {
        int block = darg == MPI_DISTRIBUTE_DFLT_DARG ? (gsize + psize - 1) / psize : darg;
        if (block <= 0 || (long long)block * psize < gsize) return -1;
        long long start = (long long)coord * block;
        if (start >= gsize) return 0;
        out[0] = (struct seg){(int)start, (int)(gsize - start < block ? gsize - start : block)};
        return 1;
    }
    int block = darg == MPI_DISTRIBUTE_DFLT_DARG ? 1 : darg;
    if (block <= 0) return -1;
    int n = 0;
    for (long long start = (long long)coord * block; start < gsize; start += (long long)psize * block)
        out[n++] = (struct seg){(int)start, (int)(gsize - start < block ? gsize - start : block)};
    return n;
}

int mp_dtype_darray(int size, int rank, int ndims, const int *gsizes, const int *distribs, const int *dargs,
                    const int *psizes, int order, MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    GET_OLD(old, oldtype);
    if (size <= 0 || rank < 0 || rank >= size || ndims <= 0) return MPI_ERR_ARG;
    if (order != MPI_ORDER_C && order != MPI_ORDER_FORTRAN) return MPI_ERR_ARG;
    long long procs = 1;
    for (int d = 0; d < ndims; d++) {
        if (gsizes[d] <= 0 || psizes[d] <= 0) return MPI_ERR_ARG;
        if (distribs[d] != MPI_DISTRIBUTE_BLOCK && distribs[d] != MPI_DISTRIBUTE_CYCLIC &&
            distribs[d] != MPI_DISTRIBUTE_NONE)
            return MPI_ERR_ARG;
        procs *= psizes[d];
        if (procs > size) return MPI_ERR_ARG;
    }
    if (procs != size) return MPI_ERR_ARG;
    size_t n = (size_t)ndims, total = 0;
    for (int d = 0; d < ndims; d++) total += (size_t)gsizes[d];
    struct seg *all = malloc(total * sizeof *all), **segs = malloc(n * sizeof *segs);
    int *nsegs = malloc(n * sizeof *nsegs), *ints = malloc((4 * n + 4) * sizeof *ints);
    int rc = all && segs && nsegs && ints ? MPI_SUCCESS : MPI_ERR_NO_MEM;
    /* The process grid is row-major whatever the array order: the last dimension varies fastest. */
    int rest = rank;
    struct seg *next = all;
    for (int d = ndims - 1; d >= 0 && rc == MPI_SUCCESS; d--) {
        int coord = rest % psizes[d];
        rest /= psizes[d];
        segs[d] = next;
        nsegs[d] = distribute(gsizes[d], distribs[d], dargs[d], psizes[d], coord, next);
        if (nsegs[d] < 0) rc = MPI_ERR_ARG;
        next += nsegs[d] > 0 ? nsegs[d] : 0;
    }
    if (rc == MPI_SUCCESS) {
        ints[0] = size;
        ints[1] = rank;
        ints[2] = ndims;
        memcpy(ints + 3, gsizes, n * sizeof *ints);
        memcpy(ints + 3 + n, distribs, n * sizeof *ints);
        memcpy(ints + 3 + 2 * n, dargs, n * sizeof *ints);
        memcpy(ints + 3 + 3 * n, psizes, n * sizeof *ints);
        ints[3 + 4 * n] = order;
        struct build b;
        rc = grid(ndims, gsizes, segs, nsegs, order, old, &b);
        if (rc == MPI_SUCCESS) rc = make(&b, old, MPI_COMBINER_DARRAY, 4 * ndims + 4, ints, 0, NULL, 1, &old, newtype);
    }
    free(all);
    free(segs);
    free(nsegs);
    free(ints);
    return rc;
}
