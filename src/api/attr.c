/* MPI bindings: attribute caching on communicators and datatypes. */
#include "api/comm_args.h"
#include "core/attr.h"
#include "core/datatype.h"

/* Reports a keyval error (or a failing callback's code) of an attribute call. */
static int attr_error(struct mp_comm *c, int rc, const char *call, int keyval)
{
    if (rc == MPI_ERR_KEYVAL)
        return mp_error(c, rc, call, "keyval %d is not a valid keyval of this object kind%s (argument keyval)", keyval,
                        keyval >= MPI_TAG_UB && keyval <= MPI_LASTUSEDCODE ? ", or is predefined and read-only" : "");
    return mp_error(c, rc, call, "an attribute callback returned error code %d", rc);
}

static int create_keyval(enum mp_attr_kind kind, mp_attr_copy_fn *copy, mp_attr_delete_fn *del, int *keyval,
                         void *extra, const char *call)
{
    MP_CHECK_INIT(call);
    MP_CHECK_PTR(NULL, keyval, call);
    MP_CHECK_RC(NULL, mp_keyval_create(kind, copy, del, extra, keyval), call);
    return MPI_SUCCESS;
}

static int free_keyval(enum mp_attr_kind kind, int *keyval, const char *call)
{
    MP_CHECK_INIT(call);
    MP_CHECK_PTR(NULL, keyval, call);
    int rc = mp_keyval_free(kind, keyval);
    return rc == MPI_SUCCESS ? rc : attr_error(NULL, rc, call, *keyval);
}

/* `c`: the communicator whose handler reports errors (NULL for datatypes). */
static int get_attr(enum mp_attr_kind kind, struct mp_comm *c, int handle, int keyval, void *attribute_val, int *flag,
                    const char *call)
{
    MP_CHECK_PTR(c, attribute_val, call);
    MP_CHECK_PTR(c, flag, call);
    int rc = mp_attr_get(kind, handle, keyval, (void **)attribute_val, flag);
    return rc == MPI_SUCCESS ? rc : attr_error(c, rc, call, keyval);
}

MP_WEAK_ALIAS(Comm_create_keyval)
int PMPI_Comm_create_keyval(MPI_Comm_copy_attr_function *comm_copy_attr_fn,
                            MPI_Comm_delete_attr_function *comm_delete_attr_fn, int *comm_keyval, void *extra_state)
{
    return create_keyval(MP_ATTR_COMM, comm_copy_attr_fn, comm_delete_attr_fn, comm_keyval, extra_state,
                         "MPI_Comm_create_keyval");
}

MP_WEAK_ALIAS(Comm_free_keyval)
int PMPI_Comm_free_keyval(int *comm_keyval)
{
    return free_keyval(MP_ATTR_COMM, comm_keyval, "MPI_Comm_free_keyval");
}

MP_WEAK_ALIAS(Comm_set_attr)
int PMPI_Comm_set_attr(MPI_Comm comm, int comm_keyval, void *attribute_val)
{
    MP_CHECK_INIT("MPI_Comm_set_attr");
    MP_GET_COMM(c, comm, "MPI_Comm_set_attr");
    int rc = mp_attr_set(MP_ATTR_COMM, comm, comm_keyval, attribute_val);
    return rc == MPI_SUCCESS ? rc : attr_error(c, rc, "MPI_Comm_set_attr", comm_keyval);
}

MP_WEAK_ALIAS(Comm_get_attr)
int PMPI_Comm_get_attr(MPI_Comm comm, int comm_keyval, void *attribute_val, int *flag)
{
    MP_CHECK_INIT("MPI_Comm_get_attr");
    MP_GET_COMM(c, comm, "MPI_Comm_get_attr");
    return get_attr(MP_ATTR_COMM, c, comm, comm_keyval, attribute_val, flag, "MPI_Comm_get_attr");
}

MP_WEAK_ALIAS(Comm_delete_attr)
int PMPI_Comm_delete_attr(MPI_Comm comm, int comm_keyval)
{
    MP_CHECK_INIT("MPI_Comm_delete_attr");
    MP_GET_COMM(c, comm, "MPI_Comm_delete_attr");
    int rc = mp_attr_delete(MP_ATTR_COMM, comm, comm_keyval);
    return rc == MPI_SUCCESS ? rc : attr_error(c, rc, "MPI_Comm_delete_attr", comm_keyval);
}

MP_WEAK_ALIAS(Type_create_keyval)
int PMPI_Type_create_keyval(MPI_Type_copy_attr_function *type_copy_attr_fn,
                            MPI_Type_delete_attr_function *type_delete_attr_fn, int *type_keyval, void *extra_state)
{
    return create_keyval(MP_ATTR_TYPE, type_copy_attr_fn, type_delete_attr_fn, type_keyval, extra_state,
                         "MPI_Type_create_keyval");
}

MP_WEAK_ALIAS(Type_free_keyval)
int PMPI_Type_free_keyval(int *type_keyval)
{
    return free_keyval(MP_ATTR_TYPE, type_keyval, "MPI_Type_free_keyval");
}

#define CHECK_TYPE(type, call)                                                                                         \
    do {                                                                                                               \
        if (!mp_dtype_get(type))                                                                                       \
            return mp_error(NULL, MPI_ERR_TYPE, call, "invalid datatype %d (argument datatype)", (int)(type));         \
    } while (0)

MP_WEAK_ALIAS(Type_set_attr)
int PMPI_Type_set_attr(MPI_Datatype datatype, int type_keyval, void *attribute_val)
{
    MP_CHECK_INIT("MPI_Type_set_attr");
    CHECK_TYPE(datatype, "MPI_Type_set_attr");
    int rc = mp_attr_set(MP_ATTR_TYPE, datatype, type_keyval, attribute_val);
    return rc == MPI_SUCCESS ? rc : attr_error(NULL, rc, "MPI_Type_set_attr", type_keyval);
}

MP_WEAK_ALIAS(Type_get_attr)
int PMPI_Type_get_attr(MPI_Datatype datatype, int type_keyval, void *attribute_val, int *flag)
{
    MP_CHECK_INIT("MPI_Type_get_attr");
    CHECK_TYPE(datatype, "MPI_Type_get_attr");
    return get_attr(MP_ATTR_TYPE, NULL, datatype, type_keyval, attribute_val, flag, "MPI_Type_get_attr");
}

MP_WEAK_ALIAS(Type_delete_attr)
int PMPI_Type_delete_attr(MPI_Datatype datatype, int type_keyval)
{
    MP_CHECK_INIT("MPI_Type_delete_attr");
    CHECK_TYPE(datatype, "MPI_Type_delete_attr");
    int rc = mp_attr_delete(MP_ATTR_TYPE, datatype, type_keyval);
    return rc == MPI_SUCCESS ? rc : attr_error(NULL, rc, "MPI_Type_delete_attr", type_keyval);
}
