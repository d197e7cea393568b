/* The datatype table: predefined descriptors, handles of derived types, reference counts. */
#include "core/attr.h"
#include "core/datatype.h"

#include <stdbool.h>
#include <stdlib.h>
#include <wchar.h>

#define TYPEMAP(handle, type_name, data_size, span, base_type, alignment, prims)                                       \
    [handle] = {.size = (data_size),                                                                                   \
                .extent = (span),                                                                                      \
                .ub = (span),                                                                                          \
                .true_ub = (span),                                                                                     \
                .base = base_type,                                                                                     \
                .base_count = 1,                                                                                       \
                .nprims = (prims),                                                                                     \
                .align = (alignment),                                                                                  \
                .predefined = 1,                                                                                       \
                .committed = 1,                                                                                        \
                .dense = (data_size) == (span),                                                                        \
                .refcount = 1,                                                                                         \
                .combiner = MPI_COMBINER_NAMED,                                                                        \
                .name = type_name}

#define PREDEF(handle, ctype) TYPEMAP(handle, #handle, sizeof(ctype), sizeof(ctype), handle, _Alignof(ctype), 1)

/* The C++ types share the layout and the reduction kernels of their C twins. */
#define CXX_TWIN(handle, ctype, twin) TYPEMAP(handle, #handle, sizeof(ctype), sizeof(ctype), twin, _Alignof(ctype), 1)

/* A pair type's size counts its data only (value + index, as MPI_Type_size must report), while
 * its extent is the C struct's; the padding between or after the two is not data, so such pairs
 * are not dense. */
#define PAIR(handle, ctype, vtype)                                                                                     \
    TYPEMAP(handle, #handle, sizeof(vtype) + sizeof(int), sizeof(ctype), handle, _Alignof(ctype), 2)

struct mp_dtype mp_dtype_predef[MP_DTYPE_LAST_NAMED + 1] = {
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
    CXX_TWIN(MPI_CXX_BOOL, bool, MPI_C_BOOL),
    CXX_TWIN(MPI_CXX_FLOAT_COMPLEX, float _Complex, MPI_C_FLOAT_COMPLEX),
    CXX_TWIN(MPI_CXX_DOUBLE_COMPLEX, double _Complex, MPI_C_DOUBLE_COMPLEX),
    CXX_TWIN(MPI_CXX_LONG_DOUBLE_COMPLEX, long double _Complex, MPI_C_LONG_DOUBLE_COMPLEX),
};

/* Where the value and the index of each pair type lie (two runs, or one when they adjoin). */
#define PAIR_LAYOUT(handle, ctype)                                                                                     \
    {                                                                                                                  \
        handle, sizeof(((ctype *)0)->v), offsetof(ctype, i)                                                            \
    }
static const struct {
    MPI_Datatype type;
    size_t vsize;
    size_t ioff;
} pair_layout[] = {
    PAIR_LAYOUT(MPI_FLOAT_INT, struct mp_float_int), PAIR_LAYOUT(MPI_DOUBLE_INT, struct mp_double_int),
    PAIR_LAYOUT(MPI_LONG_INT, struct mp_long_int),   PAIR_LAYOUT(MPI_2INT, struct mp_2int),
    PAIR_LAYOUT(MPI_SHORT_INT, struct mp_short_int), PAIR_LAYOUT(MPI_LONG_DOUBLE_INT, struct mp_long_double_int),
};
static struct mp_dtype_run pair_runs[sizeof pair_layout / sizeof pair_layout[0]][2];

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
    for (int t = 1; t <= MP_DTYPE_LAST_NAMED; t++) {
        struct mp_dtype *dt = &mp_dtype_predef[t];
        dt->one = (struct mp_dtype_run){.len = dt->size, .count = 1};
        dt->runs = &dt->one;
        dt->nruns = 1;
    }
    for (size_t k = 0; k < sizeof pair_layout / sizeof pair_layout[0]; k++) {
        struct mp_dtype *dt = &mp_dtype_predef[pair_layout[k].type];
        size_t vsize = pair_layout[k].vsize, ioff = pair_layout[k].ioff;
        dt->true_ub = (MPI_Aint)(ioff + sizeof(int));
        if (ioff == vsize) {
            dt->one.len = vsize + sizeof(int);
            continue;
        }
        pair_runs[k][0] = (struct mp_dtype_run){.len = vsize, .count = 1};
        pair_runs[k][1] = (struct mp_dtype_run){.disp = (MPI_Aint)ioff, .len = sizeof(int), .count = 1, .pos = vsize};
        dt->runs = pair_runs[k];
        dt->nruns = 2;
    }
}

void mp_dtype_finalize(void)
{
    for (size_t i = 0; i < user_cap; i++)
        if (user[i]) mp_dtype_release(user[i]);
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

int mp_dtype_handle(struct mp_dtype *dt, MPI_Datatype *type)
{
    if (dt->predefined) {
        *type = (MPI_Datatype)(dt - mp_dtype_predef);
        return MPI_SUCCESS;
    }
    MPI_Datatype h = install(dt);
    if (h == MPI_DATATYPE_NULL) return MPI_ERR_NO_MEM;
    dt->refcount++;
    *type = h;
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
    /* Delete callbacks run while the handle still names the type; one that fails keeps it. */
    int rc = mp_attr_delete_all(MP_ATTR_TYPE, *type);
    if (rc != MPI_SUCCESS) return rc;
    user[*type - MP_DTYPE_FIRST_USER] = NULL;
    *type = MPI_DATATYPE_NULL;
    mp_dtype_release(dt);
    return MPI_SUCCESS;
}

struct mp_dtype *mp_dtype_retain(MPI_Datatype type)
{
    struct mp_dtype *dt = mp_dtype_get(type);
    if (dt) mp_dtype_retain_desc(dt);
    return dt;
}

void mp_dtype_retain_desc(struct mp_dtype *dt)
{
    if (!dt->predefined) dt->refcount++;
}

void mp_dtype_release(struct mp_dtype *dt)
{
    if (dt->predefined || --dt->refcount > 0) return;
    for (int i = 0; i < dt->nt; i++) mp_dtype_release(dt->types[i]);
    if (dt->runs != &dt->one) free(dt->runs);
    free(dt->ints);
    free(dt->aints);
    free(dt->types);
    free(dt);
}

/* Installs a descriptor made by a constructor, or frees it when no handle is left. */
int mp_dtype_install(struct mp_dtype *dt, MPI_Datatype *newtype)
{
    MPI_Datatype h = install(dt);
    if (h == MPI_DATATYPE_NULL) {
        mp_dtype_release(dt);
        return MPI_ERR_NO_MEM;
    }
    *newtype = h;
    return MPI_SUCCESS;
}
