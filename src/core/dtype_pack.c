/* Walking the packed stream of a datatype: pack, unpack and scatter/gather lists for any byte
 * range, and counting predefined elements in a prefix of it (MPI_Get_elements). */
#include <string.h>

#include "core/datatype.h"

/* A position in the packed stream: element, run, block within the run, byte within the block. */
struct cursor {
    const struct mp_dtype *dt;
    char *elem; /* start of the current element in memory */
    size_t run, blk, off;
};

static void seek(struct cursor *c, const struct mp_dtype *dt, const void *buf, size_t offset)
{
    size_t e = offset / dt->size, r = offset % dt->size;
    c->dt = dt;
    c->elem = (char *)buf + (MPI_Aint)e * dt->extent;
    size_t lo = 0, hi = dt->nruns - 1;
    while (lo < hi) { /* the last run starting at or before r */
        size_t mid = (lo + hi + 1) / 2;
        if (dt->runs[mid].pos <= r)
            lo = mid;
        else
            hi = mid - 1;
    }
    const struct mp_dtype_run *run = &dt->runs[lo];
    c->run = lo;
    c->blk = (r - run->pos) / run->len;
    c->off = (r - run->pos) % run->len;
}

/* The memory of the next at most `max` bytes of the stream, in one block; advances past them. */
static inline size_t step(struct cursor *c, char **p, size_t max)
{
    const struct mp_dtype_run *run = &c->dt->runs[c->run];
    *p = c->elem + run->disp + (MPI_Aint)c->blk * run->stride + c->off;
    size_t n = run->len - c->off;
    if (n > max) {
        c->off += max;
        return max;
    }
    c->off = 0;
    if (++c->blk == run->count) {
        c->blk = 0;
        if (++c->run == c->dt->nruns) {
            c->run = 0;
            c->elem += c->dt->extent;
        }
    }
    return n;
}

/* Copies `nb` whole blocks of `blen` bytes, `stride` apart from p, to or from the stream. Small
 * power-of-two blocks (matrix columns of a predefined type) get fixed-size copies. */
#define BLOCKS(size)                                                                                                   \
    for (size_t i = 0; i < nb; i++, p += stride, stream += size) {                                                     \
        if (unpack)                                                                                                    \
            memcpy(p, stream, size);                                                                                   \
        else                                                                                                           \
            memcpy(stream, p, size);                                                                                   \
    }
static inline char *copy_blocks(char *p, MPI_Aint stride, size_t blen, size_t nb, char *stream, int unpack)
{
    switch (blen) {
    case 4: BLOCKS(4); break;
    case 8: BLOCKS(8); break;
    case 16: BLOCKS(16); break;
    default: BLOCKS(blen);
    }
    return stream;
}

/* Copies between the packed stream and the buffer's blocks; `unpack` is a constant at each call,
 * so each caller gets its own loop. */
static inline void copy(const struct mp_dtype *dt, char *buf, size_t offset, char *stream, size_t len, int unpack)
{
    if (len == 0) return;
    if (dt->dense) {
        if (unpack)
            memcpy(buf + offset, stream, len);
        else
            memcpy(stream, buf + offset, len);
        return;
    }
    struct cursor c;
    seek(&c, dt, buf, offset);
    while (len) {
        const struct mp_dtype_run *run = &dt->runs[c.run];
        size_t nb = run->count - c.blk;
        if (c.off == 0 && nb > 1 && len >= 2 * run->len) {
            /* Whole blocks of this run at once; the cursor moves past them. */
            if (nb > len / run->len) nb = len / run->len;
            char *p = c.elem + run->disp + (MPI_Aint)c.blk * run->stride;
            stream = copy_blocks(p, run->stride, run->len, nb, stream, unpack);
            len -= nb * run->len;
            c.blk += nb;
            if (c.blk == run->count) {
                c.blk = 0;
                if (++c.run == dt->nruns) {
                    c.run = 0;
                    c.elem += dt->extent;
                }
            }
            continue;
        }
        char *p;
        size_t n = step(&c, &p, len);
        if (unpack)
            memcpy(p, stream, n);
        else
            memcpy(stream, p, n);
        stream += n;
        len -= n;
    }
}

void mp_dtype_pack(const struct mp_dtype *dt, const void *inbuf, size_t offset, void *out, size_t len)
{
    copy(dt, (char *)inbuf, offset, out, len, 0);
}

void mp_dtype_unpack(const struct mp_dtype *dt, void *outbuf, size_t offset, const void *in, size_t len)
{
    copy(dt, outbuf, offset, (char *)in, len, 1);
}

int mp_dtype_iov(const struct mp_dtype *dt, const void *buf, size_t offset, size_t len, struct iovec *iov, int max,
                 size_t *covered)
{
    *covered = 0;
    if (len == 0 || max <= 0) return 0;
    if (dt->dense) {
        iov[0] = (struct iovec){(char *)buf + offset, len};
        *covered = len;
        return 1;
    }
    struct cursor c;
    seek(&c, dt, buf, offset);
    int k = 0;
    size_t done = 0;
    while (done < len && k < max) {
        char *p;
        size_t n = step(&c, &p, len - done);
        if (k && (char *)iov[k - 1].iov_base + iov[k - 1].iov_len == p)
            iov[k - 1].iov_len += n;
        else
            iov[k++] = (struct iovec){p, n};
        done += n;
    }
    *covered = done;
    return k;
}

/* Predefined elements in the first `bytes` (< size) bytes of one element. */
static long long partial(const struct mp_dtype *dt, size_t bytes);

/* Elements in `bytes` bytes of a sequence of `reps` copies of `old`. */
static long long in_copies(const struct mp_dtype *old, size_t reps, size_t bytes)
{
    if (old->size == 0) return 0;
    size_t whole = bytes / old->size, rest = bytes % old->size;
    if (whole >= reps) return (long long)(reps * old->nprims);
    long long n = (long long)(whole * old->nprims);
    if (!rest) return n;
    long long p = partial(old, rest);
    return p < 0 ? -1 : n + p;
}

static long long partial(const struct mp_dtype *dt, size_t bytes)
{
    if (bytes == 0) return 0;
    if (dt->combiner == MPI_COMBINER_NAMED) {
        /* Only a pair type splits: between its value and its int index. */
        return dt->nprims == 2 && bytes == dt->size - sizeof(int) ? 1 : -1;
    }
    if (dt->combiner == MPI_COMBINER_STRUCT) {
        for (int i = 0; i < dt->nt; i++) {
            size_t reps = (size_t)dt->ints[1 + i], field = reps * dt->types[i]->size;
            if (bytes < field) {
                long long before = 0;
                for (int j = 0; j < i; j++) before += (long long)((size_t)dt->ints[1 + j] * dt->types[j]->nprims);
                long long p = in_copies(dt->types[i], reps, bytes);
                return p < 0 ? -1 : before + p;
            }
            bytes -= field;
        }
        return -1;
    }
    const struct mp_dtype *old = dt->types[0];
    return in_copies(old, old->size ? dt->size / old->size : 0, bytes);
}

long long mp_dtype_elements(const struct mp_dtype *dt, size_t bytes)
{
    if (dt->size == 0) return 0;
    long long whole = (long long)(bytes / dt->size * dt->nprims);
    long long p = partial(dt, bytes % dt->size);
    return p < 0 ? -1 : whole + p;
}
