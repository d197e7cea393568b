/* Datatypes: a table of descriptors indexed by the MPI_Datatype handle. Predefined types occupy
 * the handles defined in mpi.h; derived types are allocated above MP_DTYPE_FIRST_USER. Only
 * contiguous layouts exist so far, so a message of `count` elements is the count * extent bytes
 * at the buffer (padding inside pair types travels along; see mp_dtype_bytes). */
#ifndef MP_DATATYPE_H
#define MP_DATATYPE_H

#include "core/mp.h"

#define MP_DTYPE_FIRST_USER 64
/* Highest predefined handle: predefined types are 1..MP_DTYPE_LAST_PREDEF. */
#define MP_DTYPE_LAST_PREDEF MPI_C_LONG_DOUBLE_COMPLEX

/* C layouts of the value-index pair types, as MAXLOC/MINLOC operate on them. */
struct mp_float_int {
    float v;
    int i;
};
struct mp_double_int {
    double v;
    int i;
};
struct mp_long_int {
    long v;
    int i;
};
struct mp_2int {
    int v;
    int i;
};
struct mp_short_int {
    short v;
    int i;
};
struct mp_long_double_int {
    long double v;
    int i;
};

struct mp_dtype {
    size_t size;       /* bytes of data in one element */
    MPI_Aint extent;   /* span of one element in memory */
    MPI_Datatype base; /* predefined element type this is made of (for reductions), or NULL type */
    size_t base_count; /* elements of `base` per element of this type */
    int predefined;
    int committed;
    int refcount;
    char name[MPI_MAX_OBJECT_NAME];
};

/* Bytes that `count` elements span in memory, and so on the wire. */
static inline size_t mp_dtype_bytes(const struct mp_dtype *dt, size_t count)
{
    return count * (size_t)dt->extent;
}

extern struct mp_dtype mp_dtype_predef[MP_DTYPE_LAST_PREDEF + 1];
struct mp_dtype *mp_dtype_get_derived(MPI_Datatype type);

/* Returns the descriptor, or NULL when the handle names no live datatype. Predefined types are
 * looked up inline: every send and receive does this. */
static inline struct mp_dtype *mp_dtype_get(MPI_Datatype type)
{
    if (MP_LIKELY(type > 0 && type <= MP_DTYPE_LAST_PREDEF)) return &mp_dtype_predef[type];
    return mp_dtype_get_derived(type);
}
void mp_dtype_init(void);
void mp_dtype_finalize(void);
/* Each returns an MPI error class. */
int mp_dtype_contiguous(int count, MPI_Datatype old, MPI_Datatype *newtype);
int mp_dtype_commit(MPI_Datatype type);
/* Releases the handle (MPI_ERR_TYPE for a predefined type) and sets it to MPI_DATATYPE_NULL; the
 * descriptor itself lives on while references taken with mp_dtype_retain remain. */
int mp_dtype_free(MPI_Datatype *type);

/* Keeps the descriptor of `type` alive past MPI_Type_free, e.g. for a request still using it.
 * Returns it, or NULL when the handle names no live datatype. */
struct mp_dtype *mp_dtype_retain(MPI_Datatype type);
void mp_dtype_release(struct mp_dtype *dt);

#endif
