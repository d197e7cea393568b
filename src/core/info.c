#include "core/info.h"

#include <stdlib.h>
#include <string.h>

struct pair {
    char *key, *value;
};

struct mp_info {
    int n, cap;
    struct pair *pairs; /* in the order the keys were first set */
};

/* Slot i is handle i; slot 0 is MPI_INFO_NULL. */
static struct mp_info **table;
static int table_cap;

struct mp_info *mp_info_get(MPI_Info info)
{
    return info > 0 && info < table_cap ? table[info] : NULL;
}

int mp_info_create(MPI_Info *info)
{
    int h = 1;
    while (h < table_cap && table[h]) h++;
    if (h >= table_cap) {
        int cap = table_cap ? 2 * table_cap : 16;
        struct mp_info **grown = realloc(table, (size_t)cap * sizeof *grown);
        if (!grown) return MPI_ERR_NO_MEM;
        memset(grown + table_cap, 0, (size_t)(cap - table_cap) * sizeof *grown);
        table = grown;
        table_cap = cap;
    }
    if (!(table[h] = calloc(1, sizeof *table[h]))) return MPI_ERR_NO_MEM;
    *info = h;
    return MPI_SUCCESS;
}

static int find(const struct mp_info *info, const char *key)
{
    for (int i = 0; i < info->n; i++)
        if (!strcmp(info->pairs[i].key, key)) return i;
    return -1;
}

int mp_info_set(struct mp_info *info, const char *key, const char *value)
{
    char *v = strdup(value);
    if (!v) return MPI_ERR_NO_MEM;
    int i = find(info, key);
    if (i >= 0) {
        free(info->pairs[i].value);
        info->pairs[i].value = v;
        return MPI_SUCCESS;
    }
    if (info->n == info->cap) {
        int cap = info->cap ? 2 * info->cap : 8;
        struct pair *grown = realloc(info->pairs, (size_t)cap * sizeof *grown);
        if (!grown) goto no_mem;
        info->pairs = grown;
        info->cap = cap;
    }
    char *k = strdup(key);
    if (!k) goto no_mem;
    info->pairs[info->n++] = (struct pair){k, v};
    return MPI_SUCCESS;
no_mem:
    free(v);
    return MPI_ERR_NO_MEM;
}

const char *mp_info_value(const struct mp_info *info, const char *key)
{
    int i = find(info, key);
    return i < 0 ? NULL : info->pairs[i].value;
}

int mp_info_delete(struct mp_info *info, const char *key)
{
    int i = find(info, key);
    if (i < 0) return MPI_ERR_INFO_NOKEY;
    free(info->pairs[i].key);
    free(info->pairs[i].value);
    memmove(&info->pairs[i], &info->pairs[i + 1], (size_t)(info->n - i - 1) * sizeof *info->pairs);
    info->n--;
    return MPI_SUCCESS;
}

int mp_info_nkeys(const struct mp_info *info)
{
    return info->n;
}

const char *mp_info_nthkey(const struct mp_info *info, int n)
{
    return n >= 0 && n < info->n ? info->pairs[n].key : NULL;
}

static void destroy(struct mp_info *info)
{
    for (int i = 0; i < info->n; i++) {
        free(info->pairs[i].key);
        free(info->pairs[i].value);
    }
    free(info->pairs);
    free(info);
}

int mp_info_dup(MPI_Info info, MPI_Info *newinfo)
{
    if (info == MPI_INFO_NULL) {
        *newinfo = MPI_INFO_NULL;
        return MPI_SUCCESS;
    }
    const struct mp_info *from = mp_info_get(info);
    if (!from) return MPI_ERR_INFO;
    MPI_Info h = MPI_INFO_NULL;
    int rc = mp_info_create(&h);
    for (int i = 0; rc == MPI_SUCCESS && i < from->n; i++)
        rc = mp_info_set(table[h], from->pairs[i].key, from->pairs[i].value);
    if (rc != MPI_SUCCESS) {
        mp_info_free(&h);
        return rc;
    }
    *newinfo = h;
    return MPI_SUCCESS;
}

int mp_info_free(MPI_Info *info)
{
    if (*info == MPI_INFO_NULL) return MPI_SUCCESS;
    struct mp_info *i = mp_info_get(*info);
    if (!i) return MPI_ERR_INFO;
    table[*info] = NULL;
    destroy(i);
    *info = MPI_INFO_NULL;
    return MPI_SUCCESS;
}

void mp_info_finalize(void)
{
    for (int h = 0; h < table_cap; h++)
        if (table[h]) destroy(table[h]);
    free(table);
    table = NULL;
    table_cap = 0;
}
