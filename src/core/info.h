/* Info objects: ordered (key, value) string pairs in a table indexed by the MPI_Info handle
 * (0 is MPI_INFO_NULL). Keys keep the order in which they were first set (MPI_Info_get_nthkey). */
#ifndef MP_INFO_H
#define MP_INFO_H

#include "core/mp.h"

struct mp_info;

/* Returns the object, or NULL when the handle names none. */
struct mp_info *mp_info_get(MPI_Info info);
int mp_info_create(MPI_Info *info);
int mp_info_dup(MPI_Info info, MPI_Info *newinfo); /* MPI_INFO_NULL duplicates to MPI_INFO_NULL */
int mp_info_free(MPI_Info *info);
/* Keys and values are checked by the caller (lengths within MPI_MAX_INFO_KEY / _VAL). */
int mp_info_set(struct mp_info *info, const char *key, const char *value);
/* The value of `key`, or NULL. */
const char *mp_info_value(const struct mp_info *info, const char *key);
int mp_info_delete(struct mp_info *info, const char *key); /* MPI_ERR_INFO_NOKEY when absent */
int mp_info_nkeys(const struct mp_info *info);
const char *mp_info_nthkey(const struct mp_info *info, int n); /* NULL when out of range */
void mp_info_finalize(void);

#endif
