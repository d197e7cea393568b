#include "core/datatype.h"

#include <stdbool.h>
#include <stdlib.h>
#include <wchar.h>

#define TYPEMAP(handle, type_name, data_size, span)                                                                    \
    [handle] = {.size = (data_size),                                                                                   \
                .extent = (span),                                                                                      \
                .base = handle,                                                                                        \
                .base_count = 1,                                                                                       \
                .predefined = 1,                                                                                       \
                .committed = 1,                                                                                        \
                .refcount = 1,                                                                                         \
                .name = type_name}

#define PREDEF(handle, ctype) TYPEMAP(handle, #handle, sizeof(ctype), sizeof(ctype))

/* A pair type's size counts its data only (value + index, as MPI_Type_size must report), while
 * its extent is the C struct's: messages and reduction kernels step through arrays of the C
 * struct, padding included. */
#define PAIR(handle, ctype, vtype) TYPEMAP(handle, #handle, sizeof(vtype) + sizeof(int), sizeof(ctype))

struct mp_dtype mp_dtype_predef[MP_DTYPE_LAST_PREDEF + 1] = {
    PREDEF(MPI_CHAR, char),
    PREDEF(MPI_SIGNED_CHAR, signed char),
    PREDEF(MPI_UNSIGNED_CHAR, unsigned char),
    PREDEF(MPI_BYTE, unsigned char),
    PREDEF(MPI_WCHAR, wchar_t),
    PREDEF(MPI_SHORT, short),
    PREDEF(MPI_UNSIGNED_SHORT, unsigned short),
    PREDEF(MPI_INT, int),
    PREDEF(MPI_UNSIGNED, unsigned),
    PREDEF(MPI_LONG, long),
    PREDEF(MPI_UNSIGNED_LONG, unsigned long),
    PREDEF(MPI_LONG_LONG_INT, long long),
    PREDEF(MPI_UNSIGNED_LONG_LONG, unsigned long long),
    PREDEF(MPI_FLOAT, float),
    PREDEF(MPI_DOUBLE, double),
    PREDEF(MPI_LONG_DOUBLE, long double),
    PREDEF(MPI_C_BOOL, bool),
    PREDEF(MPI_INT8_T, int8_t),
    PREDEF(MPI_INT16_T, int16_t),
    PREDEF(MPI_INT32_T, int32_t),
    PREDEF(MPI_INT64_T, int64_t),
    PREDEF(MPI_UINT8_T, uint8_t),
    PREDEF(MPI_UINT16_T, uint16_t),
    PREDEF(MPI_UINT32_T, uint32_t),
    PREDEF(MPI_UINT64_T, uint64_t),
    PREDEF(MPI_AINT, MPI_Aint),
    PREDEF(MPI_OFFSET, MPI_Offset),
    PREDEF(MPI_COUNT, MPI_Count),
    PREDEF(MPI_PACKED, unsigned char),
    PAIR(MPI_FLOAT_INT, struct mp_float_int, float),
    PAIR(MPI_DOUBLE_INT, struct mp_double_int, double),
    PAIR(MPI_LONG_INT, struct mp_long_int, long),
    PAIR(MPI_2INT, struct mp_2int, int),
    PAIR(MPI_SHORT_INT, struct mp_short_int, short),
    PAIR(MPI_LONG_DOUBLE_INT, struct mp_long_double_int, long double),
    PREDEF(MPI_C_FLOAT_COMPLEX, float _Complex),
    PREDEF(MPI_C_DOUBLE_COMPLEX, double _Complex),
    PREDEF(MPI_C_LONG_DOUBLE_COMPLEX, long double _Complex),
};

/* Derived types: slot i holds handle MP_DTYPE_FIRST_USER + i; NULL slots are free for reuse. */
static struct mp_dtype **user;
static size_t user_cap;

struct mp_dtype *mp_dtype_get_derived(MPI_Datatype type)
{
    if (type >= MP_DTYPE_FIRST_USER && (size_t)(type - MP_DTYPE_FIRST_USER) < user_cap)
        return user[type - MP_DTYPE_FIRST_USER];
    return NULL;
}

void mp_dtype_init(void)
{
    user = NULL;
    user_cap = 0;
}

void mp_dtype_finalize(void)
{
    for (size_t i = 0; i < user_cap; i++) free(user[i]);
    free(user);
    user = NULL;
    user_cap = 0;
}

/* Stores `dt` in a free slot, growing the table when none is left; returns the handle or
 * MPI_DATATYPE_NULL when out of memory or handles. */
static MPI_Datatype install(struct mp_dtype *dt)
{
    size_t i = 0;
    while (i < user_cap && user[i]) i++;
    if (i == user_cap) {
        size_t cap = user_cap ? 2 * user_cap : 16;
        if (cap > (size_t)INT32_MAX - MP_DTYPE_FIRST_USER) return MPI_DATATYPE_NULL;
        struct mp_dtype **grown = realloc(user, cap * sizeof *grown);
        if (!grown) return MPI_DATATYPE_NULL;
        for (size_t j = user_cap; j < cap; j++) grown[j] = NULL;
        user = grown;
        user_cap = cap;
    }
    user[i] = dt;
    return (MPI_Datatype)(MP_DTYPE_FIRST_USER + i);
}

int mp_dtype_contiguous(int count, MPI_Datatype old, MPI_Datatype *newtype)
{
    const struct mp_dtype *o = mp_dtype_get(old);
    if (!o) return MPI_ERR_TYPE;
    if (count < 0) return MPI_ERR_COUNT;
    size_t n = (size_t)count;
    if (o->size && n > SIZE_MAX / o->size) return MPI_ERR_COUNT;
    if (o->extent && n > (size_t)(INTPTR_MAX / o->extent)) return MPI_ERR_COUNT;
    if (o->base_count && n > SIZE_MAX / o->base_count) return MPI_ERR_COUNT;

    struct mp_dtype *dt = calloc(1, sizeof *dt);
    if (!dt) return MPI_ERR_NO_MEM;
    dt->size = n * o->size;
    dt->extent = (MPI_Aint)n * o->extent;
    dt->base = o->base;
    dt->base_count = n * o->base_count;
    dt->refcount = 1; /* the handle's reference */
    MPI_Datatype h = install(dt);
    if (h == MPI_DATATYPE_NULL) {
        free(dt);
        return MPI_ERR_NO_MEM;
    }
    *newtype = h;
    return MPI_SUCCESS;
}

int mp_dtype_commit(MPI_Datatype type)
{
    struct mp_dtype *dt = mp_dtype_get(type);
    if (!dt) return MPI_ERR_TYPE;
    dt->committed = 1;
    return MPI_SUCCESS;
}

int mp_dtype_free(MPI_Datatype *type)
{
    struct mp_dtype *dt = mp_dtype_get(*type);
    if (!dt || dt->predefined) return MPI_ERR_TYPE;
    user[*type - MP_DTYPE_FIRST_USER] = NULL;
    *type = MPI_DATATYPE_NULL;
    mp_dtype_release(dt);
    return MPI_SUCCESS;
}

struct mp_dtype *mp_dtype_retain(MPI_Datatype type)
{
    struct mp_dtype *dt = mp_dtype_get(type);
    if (dt && !dt->predefined) dt->refcount++;
    return dt;
}

void mp_dtype_release(struct mp_dtype *dt)
{
    if (!dt->predefined && --dt->refcount == 0) free(dt);
}
