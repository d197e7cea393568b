/* MPI bindings: error handlers, error classes, codes and texts. */
#include <string.h>

#include "api/comm_args.h"
#include "core/errhandler.h"

MP_WEAK_ALIAS(Comm_create_errhandler)
int PMPI_Comm_create_errhandler(MPI_Comm_errhandler_function *comm_errhandler_fn, MPI_Errhandler *errhandler)
{
    MP_CHECK_INIT("MPI_Comm_create_errhandler");
    MP_CHECK_PTR(NULL, comm_errhandler_fn, "MPI_Comm_create_errhandler");
    MP_CHECK_PTR(NULL, errhandler, "MPI_Comm_create_errhandler");
    MP_CHECK_RC(NULL, mp_errhandler_create(comm_errhandler_fn, errhandler), "MPI_Comm_create_errhandler");
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Comm_set_errhandler)
int PMPI_Comm_set_errhandler(MPI_Comm comm, MPI_Errhandler errhandler)
{
    MP_CHECK_INIT("MPI_Comm_set_errhandler");
    MP_GET_COMM(c, comm, "MPI_Comm_set_errhandler");
    if (!mp_errhandler_valid(errhandler))
        return mp_error(c, MPI_ERR_ARG, "MPI_Comm_set_errhandler", "invalid error handler %d (argument errhandler)",
                        errhandler);
    mp_errhandler_retain(errhandler);
    mp_errhandler_release(c->errhandler);
    c->errhandler = errhandler;
    return MPI_SUCCESS;
}

/* The handle returned is a new reference, which the caller releases with MPI_Errhandler_free. */
MP_WEAK_ALIAS(Comm_get_errhandler)
int PMPI_Comm_get_errhandler(MPI_Comm comm, MPI_Errhandler *errhandler)
{
    MP_CHECK_INIT("MPI_Comm_get_errhandler");
    MP_GET_COMM(c, comm, "MPI_Comm_get_errhandler");
    if (!errhandler)
        return mp_error(c, MPI_ERR_ARG, "MPI_Comm_get_errhandler", "NULL output pointer (argument errhandler)");
    mp_errhandler_retain(c->errhandler);
    *errhandler = c->errhandler;
    return MPI_SUCCESS;
}

/* Freeing a predefined handler only drops the caller's reference, as in MPICH and Open MPI; a user
 * handler lives on while a communicator uses it. */
MP_WEAK_ALIAS(Errhandler_free)
int PMPI_Errhandler_free(MPI_Errhandler *errhandler)
{
    MP_CHECK_INIT("MPI_Errhandler_free");
    if (!errhandler) return mp_error(NULL, MPI_ERR_ARG, "MPI_Errhandler_free", "NULL pointer (argument errhandler)");
    if (!mp_errhandler_valid(*errhandler))
        return mp_error(NULL, MPI_ERR_ARG, "MPI_Errhandler_free", "invalid error handler %d (argument errhandler)",
                        *errhandler);
    mp_errhandler_release(*errhandler);
    *errhandler = MPI_ERRHANDLER_NULL;
    return MPI_SUCCESS;
}

/* Runs comm's handler as an error in a call would; succeeds once a non-fatal handler returns. */
MP_WEAK_ALIAS(Comm_call_errhandler)
int PMPI_Comm_call_errhandler(MPI_Comm comm, int errorcode)
{
    MP_CHECK_INIT("MPI_Comm_call_errhandler");
    MP_GET_COMM(c, comm, "MPI_Comm_call_errhandler");
    mp_error(c, errorcode, "MPI_Comm_call_errhandler", "error code %d raised by the program", errorcode);
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Add_error_class)
int PMPI_Add_error_class(int *errorclass)
{
    MP_CHECK_INIT("MPI_Add_error_class");
    MP_CHECK_PTR(NULL, errorclass, "MPI_Add_error_class");
    MP_CHECK_RC(NULL, mp_error_add_class(errorclass), "MPI_Add_error_class");
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Add_error_code)
int PMPI_Add_error_code(int errorclass, int *errorcode)
{
    MP_CHECK_INIT("MPI_Add_error_code");
    if (mp_error_class(errorclass) != errorclass || errorclass == MPI_SUCCESS)
        return mp_error(NULL, MPI_ERR_ARG, "MPI_Add_error_code", "%d is not an error class (argument errorclass)",
                        errorclass);
    MP_CHECK_PTR(NULL, errorcode, "MPI_Add_error_code");
    MP_CHECK_RC(NULL, mp_error_add_code(errorclass, errorcode), "MPI_Add_error_code");
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Add_error_string)
int PMPI_Add_error_string(int errorcode, const char *string)
{
    MP_CHECK_INIT("MPI_Add_error_string");
    MP_CHECK_PTR(NULL, string, "MPI_Add_error_string");
    if (strnlen(string, MPI_MAX_ERROR_STRING) >= MPI_MAX_ERROR_STRING)
        return mp_error(NULL, MPI_ERR_ARG, "MPI_Add_error_string",
                        "string of MPI_MAX_ERROR_STRING (%d) characters or more (argument string)",
                        MPI_MAX_ERROR_STRING);
    if (mp_error_add_string(errorcode, string) != MPI_SUCCESS)
        return mp_error(NULL, MPI_ERR_ARG, "MPI_Add_error_string",
                        "%d is not an error class or code added by the program (argument errorcode)", errorcode);
    return MPI_SUCCESS;
}

/* Error_string and Error_class only read tables, and MPI-4.0 allows them before MPI_Init, so they
 * skip MP_CHECK_INIT. */
MP_WEAK_ALIAS(Error_string)
int PMPI_Error_string(int errorcode, char *string, int *resultlen)
{
    const char *text = mp_error_text(errorcode);
    if (!text)
        return mp_error(NULL, MPI_ERR_ARG, "MPI_Error_string", "unknown error code %d (argument errorcode)", errorcode);
    if (!string || !resultlen)
        return mp_error(NULL, MPI_ERR_ARG, "MPI_Error_string", "NULL output pointer (argument %s)",
                        string ? "resultlen" : "string");
    size_t len = strlen(text);
    memcpy(string, text, len + 1);
    *resultlen = (int)len;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Error_class)
int PMPI_Error_class(int errorcode, int *errorclass)
{
    int cls = mp_error_class(errorcode);
    if (cls < 0)
        return mp_error(NULL, MPI_ERR_ARG, "MPI_Error_class", "unknown error code %d (argument errorcode)", errorcode);
    if (!errorclass) return mp_error(NULL, MPI_ERR_ARG, "MPI_Error_class", "NULL output pointer (argument errorclass)");
    *errorclass = cls;
    return MPI_SUCCESS;
}
