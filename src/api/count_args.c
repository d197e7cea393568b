#include "api/count_args.h"

#include <stdint.h>

int mp_check_count_bytes(struct mp_comm *c, const char *call, const char *arg, const struct mp_dtype *dt, size_t count,
                         size_t *bytes)
{
    if (MP_UNLIKELY(__builtin_mul_overflow(count, dt->size, bytes) || *bytes > (size_t)PTRDIFF_MAX))
        return mp_error(
            c, MPI_ERR_COUNT, call,
            "%zu elements of %zu bytes are more bytes than any buffer can hold (argument %s); " MP_LARGE_COUNT_HINT,
            count, dt->size, arg);
    return MPI_SUCCESS;
}
