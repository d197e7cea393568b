/* MPI bindings: info objects. */
#include <string.h>

#include "api/comm_args.h"
#include "core/info.h"

#define GET_INFO(var, handle, call)                                                                                    \
    struct mp_info *var = mp_info_get(handle);                                                                         \
    if (!var) return mp_error(NULL, MPI_ERR_INFO, call, "invalid info object %d (argument info)", (int)(handle))

/* A key must be non-empty and at most MPI_MAX_INFO_KEY characters. */
static int check_key(const char *key, const char *call)
{
    if (!key) return mp_error(NULL, MPI_ERR_INFO_KEY, call, "NULL pointer (argument key)");
    size_t len = strnlen(key, MPI_MAX_INFO_KEY + 1);
    if (len == 0 || len > MPI_MAX_INFO_KEY)
        return mp_error(NULL, MPI_ERR_INFO_KEY, call, "key of %s characters: it must have 1 to %d (argument key)",
                        len ? "too many" : "no", MPI_MAX_INFO_KEY);
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Info_create)
int PMPI_Info_create(MPI_Info *info)
{
    MP_CHECK_INIT("MPI_Info_create");
    MP_CHECK_PTR(NULL, info, "MPI_Info_create");
    MP_CHECK_RC(NULL, mp_info_create(info), "MPI_Info_create");
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Info_set)
int PMPI_Info_set(MPI_Info info, const char *key, const char *value)
{
    MP_CHECK_INIT("MPI_Info_set");
    GET_INFO(i, info, "MPI_Info_set");
    int rc = check_key(key, "MPI_Info_set");
    if (rc != MPI_SUCCESS) return rc;
    if (!value) return mp_error(NULL, MPI_ERR_INFO_VALUE, "MPI_Info_set", "NULL pointer (argument value)");
    if (strnlen(value, MPI_MAX_INFO_VAL + 1) > MPI_MAX_INFO_VAL)
        return mp_error(NULL, MPI_ERR_INFO_VALUE, "MPI_Info_set",
                        "value longer than MPI_MAX_INFO_VAL (%d) characters (argument value)", MPI_MAX_INFO_VAL);
    MP_CHECK_RC(NULL, mp_info_set(i, key, value), "MPI_Info_set");
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Info_get)
int PMPI_Info_get(MPI_Info info, const char *key, int valuelen, char *value, int *flag)
{
    MP_CHECK_INIT("MPI_Info_get");
    GET_INFO(i, info, "MPI_Info_get");
    int rc = check_key(key, "MPI_Info_get");
    if (rc != MPI_SUCCESS) return rc;
    if (valuelen < 0)
        return mp_error(NULL, MPI_ERR_ARG, "MPI_Info_get", "negative valuelen %d (argument valuelen)", valuelen);
    MP_CHECK_PTR(NULL, value, "MPI_Info_get");
    MP_CHECK_PTR(NULL, flag, "MPI_Info_get");
    const char *v = mp_info_value(i, key);
    *flag = v != NULL;
    if (v) {
        /* At most valuelen characters, then the terminating null (value holds valuelen + 1). */
        size_t n = strnlen(v, (size_t)valuelen);
        memcpy(value, v, n);
        value[n] = '\0';
    }
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Info_get_valuelen)
int PMPI_Info_get_valuelen(MPI_Info info, const char *key, int *valuelen, int *flag)
{
    MP_CHECK_INIT("MPI_Info_get_valuelen");
    GET_INFO(i, info, "MPI_Info_get_valuelen");
    int rc = check_key(key, "MPI_Info_get_valuelen");
    if (rc != MPI_SUCCESS) return rc;
    MP_CHECK_PTR(NULL, valuelen, "MPI_Info_get_valuelen");
    MP_CHECK_PTR(NULL, flag, "MPI_Info_get_valuelen");
    const char *v = mp_info_value(i, key);
    *flag = v != NULL;
    if (v) *valuelen = (int)strlen(v);
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Info_delete)
int PMPI_Info_delete(MPI_Info info, const char *key)
{
    MP_CHECK_INIT("MPI_Info_delete");
    GET_INFO(i, info, "MPI_Info_delete");
    int rc = check_key(key, "MPI_Info_delete");
    if (rc != MPI_SUCCESS) return rc;
    if (mp_info_delete(i, key) != MPI_SUCCESS)
        return mp_error(NULL, MPI_ERR_INFO_NOKEY, "MPI_Info_delete", "key \"%s\" is not set (argument key)", key);
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Info_dup)
int PMPI_Info_dup(MPI_Info info, MPI_Info *newinfo)
{
    MP_CHECK_INIT("MPI_Info_dup");
    GET_INFO(i, info, "MPI_Info_dup");
    (void)i;
    MP_CHECK_PTR(NULL, newinfo, "MPI_Info_dup");
    MP_CHECK_RC(NULL, mp_info_dup(info, newinfo), "MPI_Info_dup");
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Info_free)
int PMPI_Info_free(MPI_Info *info)
{
    MP_CHECK_INIT("MPI_Info_free");
    MP_CHECK_PTR(NULL, info, "MPI_Info_free");
    GET_INFO(i, *info, "MPI_Info_free");
    (void)i;
    return mp_info_free(info);
}

MP_WEAK_ALIAS(Info_get_nkeys)
int PMPI_Info_get_nkeys(MPI_Info info, int *nkeys)
{
    MP_CHECK_INIT("MPI_Info_get_nkeys");
    GET_INFO(i, info, "MPI_Info_get_nkeys");
    MP_CHECK_PTR(NULL, nkeys, "MPI_Info_get_nkeys");
    *nkeys = mp_info_nkeys(i);
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Info_get_nthkey)
int PMPI_Info_get_nthkey(MPI_Info info, int n, char *key)
{
    MP_CHECK_INIT("MPI_Info_get_nthkey");
    GET_INFO(i, info, "MPI_Info_get_nthkey");
    MP_CHECK_PTR(NULL, key, "MPI_Info_get_nthkey");
    const char *k = mp_info_nthkey(i, n);
    if (!k)
        return mp_error(NULL, MPI_ERR_ARG, "MPI_Info_get_nthkey", "n %d is not in 0..%d (argument n)", n,
                        mp_info_nkeys(i) - 1);
    strcpy(key, k);
    return MPI_SUCCESS;
}
