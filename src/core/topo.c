#include "core/topo.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

struct mp_topo *mp_topo_cart(int ndims, const int *dims, const int *periods)
{
    struct mp_topo *t = malloc(sizeof *t);
    int *d = malloc((size_t)(ndims ? 2 * ndims : 1) * sizeof *d);
    if (!t || !d) {
        free(t);
        free(d);
        return NULL;
    }
    t->ndims = ndims;
    t->dims = d;
    t->periods = d + ndims;
    for (int i = 0; i < ndims; i++) {
        t->dims[i] = dims[i];
        t->periods[i] = periods[i] != 0;
    }
    return t;
}

struct mp_topo *mp_topo_dup(const struct mp_topo *t)
{
    return mp_topo_cart(t->ndims, t->dims, t->periods);
}

void mp_topo_free(struct mp_topo *t)
{
    if (!t) return;
    free(t->dims);
    free(t);
}

long mp_topo_cart_size(int ndims, const int *dims)
{
    long n = 1;
    for (int i = 0; i < ndims; i++) {
        if (dims[i] > 0 && n > INT_MAX / dims[i]) return -1;
        n *= dims[i];
    }
    return n;
}

void mp_cart_coords(const struct mp_topo *t, int rank, int *coords)
{
    for (int i = t->ndims - 1; i >= 0; i--) {
        coords[i] = rank % t->dims[i];
        rank /= t->dims[i];
    }
}

int mp_cart_rank(const struct mp_topo *t, const int *coords, int *rank)
{
    int r = 0;
    for (int i = 0; i < t->ndims; i++) {
        int c = coords[i], d = t->dims[i];
        if (c < 0 || c >= d) {
            if (!t->periods[i]) return MPI_ERR_ARG;
            c %= d;
            if (c < 0) c += d;
        }
        r = r * d + c;
    }
    *rank = r;
    return MPI_SUCCESS;
}

int mp_cart_neighbor(const struct mp_topo *t, int rank, int dir, int disp)
{
    long stride = 1;
    for (int i = dir + 1; i < t->ndims; i++) stride *= t->dims[i];
    int d = t->dims[dir];
    int at = (int)(rank / stride % d);
    long to = (long)at + disp;
    if (to < 0 || to >= d) {
        if (!t->periods[dir]) return MPI_PROC_NULL;
        to %= d;
        if (to < 0) to += d;
    }
    return (int)(rank + (to - at) * stride);
}

/* Prime factors of n, largest first. */
static int factorize(int n, int *f)
{
    int k = 0;
    for (int p = 2; (long)p * p <= n; p++)
        while (n % p == 0) {
            f[k++] = p;
            n /= p;
        }
    if (n > 1) f[k++] = n;
    for (int i = 0; i < k / 2; i++) {
        int x = f[i];
        f[i] = f[k - 1 - i];
        f[k - 1 - i] = x;
    }
    return k;
}

static int descending(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x < y) - (x > y);
}

int mp_dims_create(int nnodes, int ndims, int *dims)
{
    long long fixed = 1;
    int free_dims = 0;
    for (int i = 0; i < ndims; i++) {
        if (dims[i] < 0) return MPI_ERR_DIMS;
        if (dims[i] == 0)
            free_dims++;
        else if ((fixed *= dims[i]) > nnodes)
            return MPI_ERR_DIMS;
    }
    if (nnodes % fixed) return MPI_ERR_DIMS;
    int left = (int)(nnodes / fixed);
    if (free_dims == 0) return left == 1 ? MPI_SUCCESS : MPI_ERR_DIMS;
    /* Each prime factor, largest first, goes to the currently smallest free dimension: this
     * keeps the dimensions as close to each other as the factors allow. */
    int f[32], nf = factorize(left, f);
    int *got = malloc((size_t)free_dims * sizeof *got);
    if (!got) return MPI_ERR_NO_MEM;
    for (int i = 0; i < free_dims; i++) got[i] = 1;
    for (int k = 0; k < nf; k++) {
        int small = 0;
        for (int i = 1; i < free_dims; i++)
            if (got[i] < got[small]) small = i;
        got[small] *= f[k];
    }
    qsort(got, (size_t)free_dims, sizeof *got, descending);
    for (int i = 0, j = 0; i < ndims; i++)
        if (dims[i] == 0) dims[i] = got[j++];
    free(got);
    return MPI_SUCCESS;
}

int mp_cart_create(struct mp_comm *c, int ndims, const int *dims, const int *periods, MPI_Comm *newcomm)
{
    int n = (int)mp_topo_cart_size(ndims, dims);
    struct mp_topo *t = c->rank < n ? mp_topo_cart(ndims, dims, periods) : NULL;
    if (c->rank < n && !t) return MPI_ERR_NO_MEM;
    int rc = mp_comm_split(c, c->rank < n ? 0 : MPI_UNDEFINED, c->rank, newcomm);
    if (rc != MPI_SUCCESS || *newcomm == MPI_COMM_NULL) {
        mp_topo_free(t);
        return rc;
    }
    mp_comm_get(*newcomm)->topo = t;
    return MPI_SUCCESS;
}

int mp_cart_sub(struct mp_comm *c, const int *remain_dims, MPI_Comm *newcomm)
{
    const struct mp_topo *t = c->topo;
    int *coords = malloc((size_t)(3 * t->ndims + 1) * sizeof *coords);
    if (!coords) return MPI_ERR_NO_MEM;
    int *sub_dims = coords + t->ndims, *sub_periods = sub_dims + t->ndims, sub_n = 0;
    mp_cart_coords(t, c->rank, coords);
    /* Color: position along the dropped dimensions; key: position along the kept ones. */
    int color = 0, key = 0;
    for (int i = 0; i < t->ndims; i++) {
        if (remain_dims[i]) {
            key = key * t->dims[i] + coords[i];
            sub_periods[sub_n] = t->periods[i];
            sub_dims[sub_n++] = t->dims[i];
        } else {
            color = color * t->dims[i] + coords[i];
        }
    }
    struct mp_topo *sub = mp_topo_cart(sub_n, sub_dims, sub_periods);
    free(coords);
    if (!sub) return MPI_ERR_NO_MEM;
    int rc = mp_comm_split(c, color, key, newcomm);
    if (rc != MPI_SUCCESS) {
        mp_topo_free(sub);
        return rc;
    }
    mp_comm_get(*newcomm)->topo = sub;
    return MPI_SUCCESS;
}
