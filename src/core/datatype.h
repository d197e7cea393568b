/* Datatypes: a table of descriptors indexed by the MPI_Datatype handle. Predefined types occupy
 * the handles defined in mpi.h; derived types are allocated above MP_DTYPE_FIRST_USER.
 *
 * Layout: one element of a type is a list of runs in typemap order, each run `count` blocks of
 * `len` bytes, `stride` bytes apart, starting at `disp` from the buffer. Constructors merge
 * adjacent blocks and regular patterns as they build, so a contiguous type is one run and a
 * vector of a predefined type is one run whatever its count.
 *
 * Messages carry the packed stream: `size` bytes per element, the runs' bytes in order. A
 * "dense" type (predefined types but the padded pair types, contiguous derived types starting at
 * offset 0) packs to exactly its memory, so count elements are count * size bytes at the buffer:
 * the fast path everywhere. Other types go through mp_dtype_pack / mp_dtype_unpack / mp_dtype_iov,
 * which work on any byte range of the packed stream, so protocols can pipeline chunks. */
#ifndef MP_DATATYPE_H
#define MP_DATATYPE_H

#include <sys/uio.h>

#include "core/mp.h"

#define MP_DTYPE_FIRST_USER 64
/* Predefined types that are their own base type (the element types of the reduction kernels) are
 * 1..MP_DTYPE_LAST_PREDEF; the C++ types above them, up to MP_DTYPE_LAST_NAMED, share their C
 * twins' layouts and kernels. */
#define MP_DTYPE_LAST_PREDEF MPI_C_LONG_DOUBLE_COMPLEX
#define MP_DTYPE_LAST_NAMED MPI_CXX_LONG_DOUBLE_COMPLEX

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

/* `count` blocks of `len` bytes at disp, disp + stride, ...; `pos` is where the run's first byte
 * sits in the packed stream of one element. */
struct mp_dtype_run {
    MPI_Aint disp;
    size_t len;
    size_t count;
    MPI_Aint stride;
    size_t pos;
};

struct mp_dtype {
    size_t size;      /* bytes of data in one element */
    MPI_Aint extent;  /* ub - lb: span of one element in memory */
    MPI_Aint lb, ub;  /* bounds, as set by MPI_Type_create_resized or implied by the data */
    MPI_Aint true_lb; /* first and one-past-last byte of data */
    MPI_Aint true_ub;
    MPI_Datatype base; /* predefined element type this is made of (for reductions), or NULL type */
    size_t base_count; /* elements of `base` per element of this type */
    size_t nprims;     /* predefined elements per element (MPI_Get_elements); a pair counts 2 */
    size_t align;      /* strictest alignment of the data, for the padding of struct types */
    int predefined;
    int committed;
    int dense;  /* count elements are count * size bytes at the buffer, for any count */
    int sticky; /* bounds set by MPI_Type_create_resized here or in a part: no struct padding */
    int refcount;
    size_t nruns;
    struct mp_dtype_run *runs;
    struct mp_dtype_run one; /* storage of single-run layouts */
    /* How the type was made, for MPI_Type_get_envelope/get_contents and MPI_Get_elements. */
    int combiner;
    int ni, na, nt;
    int *ints;
    MPI_Aint *aints;
    struct mp_dtype **types; /* each holds a reference */
    char name[MPI_MAX_OBJECT_NAME];
};

extern struct mp_dtype mp_dtype_predef[MP_DTYPE_LAST_NAMED + 1];
struct mp_dtype *mp_dtype_get_derived(MPI_Datatype type);

/* Returns the descriptor, or NULL when the handle names no live datatype. Predefined types are
 * looked up inline: every send and receive does this. */
static inline struct mp_dtype *mp_dtype_get(MPI_Datatype type)
{
    if (MP_LIKELY(type > 0 && type <= MP_DTYPE_LAST_NAMED)) return &mp_dtype_predef[type];
    return mp_dtype_get_derived(type);
}

/* Bytes that `count` elements span in memory (from lb to ub of the last), for temporary buffers
 * holding elements of the type. */
static inline size_t mp_dtype_bytes(const struct mp_dtype *dt, size_t count)
{
    return count * (size_t)dt->extent;
}

/* Bytes of the packed stream of `count` elements: what a message of them carries. */
static inline size_t mp_dtype_packed_size(const struct mp_dtype *dt, size_t count)
{
    return count * dt->size;
}

/* True when any number of elements is count * size bytes at the buffer: no packing needed. */
static inline int mp_dtype_is_contig(const struct mp_dtype *dt)
{
    return dt->dense;
}

/* Copies bytes [offset, offset + len) of the packed stream of the elements at `inbuf` (element i
 * at inbuf + i * extent) into `out` (pack), or the other way round (unpack). The caller keeps the
 * range within the elements it has. */
void mp_dtype_pack(const struct mp_dtype *dt, const void *inbuf, size_t offset, void *out, size_t len);
void mp_dtype_unpack(const struct mp_dtype *dt, void *outbuf, size_t offset, const void *in, size_t len);

/* Describes bytes [offset, offset + len) of the packed stream as at most `max` memory blocks of
 * the buffer; returns how many iov entries it filled and sets *covered to the bytes they hold
 * (less than len when the blocks run out). */
int mp_dtype_iov(const struct mp_dtype *dt, const void *buf, size_t offset, size_t len, struct iovec *iov, int max,
                 size_t *covered);

/* Predefined elements in `bytes` bytes of the packed stream of the type; returns -1 when the
 * bytes end inside a predefined element. */
long long mp_dtype_elements(const struct mp_dtype *dt, size_t bytes);

void mp_dtype_init(void);
void mp_dtype_finalize(void);

/* Constructors, as in the MPI calls of the same names (displacements in bytes where the MPI
 * call's are: hvector, hindexed, hindexed_block, struct). Each returns an MPI error class. */
int mp_dtype_contiguous(int count, MPI_Datatype old, MPI_Datatype *newtype);
int mp_dtype_vector(int count, int blocklen, MPI_Aint stride, int stride_in_bytes, MPI_Datatype old,
                    MPI_Datatype *newtype);
int mp_dtype_indexed(int count, const int *blocklens, const void *disps, int disps_in_bytes, MPI_Datatype old,
                     MPI_Datatype *newtype);
int mp_dtype_indexed_block(int count, int blocklen, const void *disps, int disps_in_bytes, MPI_Datatype old,
                           MPI_Datatype *newtype);
int mp_dtype_struct(int count, const int *blocklens, const MPI_Aint *disps, const MPI_Datatype *types,
                    MPI_Datatype *newtype);
int mp_dtype_resized(MPI_Datatype old, MPI_Aint lb, MPI_Aint extent, MPI_Datatype *newtype);
int mp_dtype_subarray(int ndims, const int *sizes, const int *subsizes, const int *starts, int order, MPI_Datatype old,
                      MPI_Datatype *newtype);
int mp_dtype_dup(MPI_Datatype old, MPI_Datatype *newtype);
int mp_dtype_darray(int size, int rank, int ndims, const int *gsizes, const int *distribs, const int *dargs,
                    const int *psizes, int order, MPI_Datatype old, MPI_Datatype *newtype);

int mp_dtype_commit(MPI_Datatype type);
/* Releases the handle (MPI_ERR_TYPE for a predefined type) and sets it to MPI_DATATYPE_NULL; the
 * descriptor itself lives on while references taken with mp_dtype_retain remain. */
int mp_dtype_free(MPI_Datatype *type);

/* Gives a descriptor made by a constructor its handle (its reference becomes the handle's); frees
 * it and returns MPI_ERR_NO_MEM when no handle is left. */
int mp_dtype_install(struct mp_dtype *dt, MPI_Datatype *newtype);

/* A new handle for a live descriptor (MPI_Type_get_contents hands out the types a type was made
 * of, which may have been freed meanwhile); takes a reference. */
int mp_dtype_handle(struct mp_dtype *dt, MPI_Datatype *type);

/* Keeps the descriptor of `type` alive past MPI_Type_free, e.g. for a request still using it.
 * Returns it, or NULL when the handle names no live datatype. */
struct mp_dtype *mp_dtype_retain(MPI_Datatype type);
void mp_dtype_retain_desc(struct mp_dtype *dt);
void mp_dtype_release(struct mp_dtype *dt);

#endif
