/* MPI bindings: error handlers and error texts. Only the predefined handlers exist so far. */
#include <string.h>

#include "api/api.h"

MP_WEAK_ALIAS(Comm_set_errhandler)
int PMPI_Comm_set_errhandler(MPI_Comm comm, MPI_Errhandler errhandler)
{
    MP_CHECK_INIT("MPI_Comm_set_errhandler");
    MP_GET_COMM(c, comm, "MPI_Comm_set_errhandler");
    if (errhandler != MPI_ERRORS_ARE_FATAL && errhandler != MPI_ERRORS_RETURN)
        return mp_error(c, MPI_ERR_ARG, "MPI_Comm_set_errhandler", "invalid error handler %d (argument errhandler)",
                        errhandler);
    c->errhandler = errhandler;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Comm_get_errhandler)
int PMPI_Comm_get_errhandler(MPI_Comm comm, MPI_Errhandler *errhandler)
{
    MP_CHECK_INIT("MPI_Comm_get_errhandler");
    MP_GET_COMM(c, comm, "MPI_Comm_get_errhandler");
    if (!errhandler)
        return mp_error(c, MPI_ERR_ARG, "MPI_Comm_get_errhandler", "NULL output pointer (argument errhandler)");
    *errhandler = c->errhandler;
    return MPI_SUCCESS;
}

/* Freeing a predefined handler only drops the caller's reference, as in MPICH and Open MPI. */
MP_WEAK_ALIAS(Errhandler_free)
int PMPI_Errhandler_free(MPI_Errhandler *errhandler)
{
    MP_CHECK_INIT("MPI_Errhandler_free");
    if (!errhandler) return mp_error(NULL, MPI_ERR_ARG, "MPI_Errhandler_free", "NULL pointer (argument errhandler)");
    if (*errhandler != MPI_ERRORS_ARE_FATAL && *errhandler != MPI_ERRORS_RETURN)
        return mp_error(NULL, MPI_ERR_ARG, "MPI_Errhandler_free", "invalid error handler %d (argument errhandler)",
                        *errhandler);
    *errhandler = MPI_ERRHANDLER_NULL;
    return MPI_SUCCESS;
}

/* Error_string and Error_class only read constant tables, and MPI-4.0 allows them before
 * MPI_Init, so they skip MP_CHECK_INIT. */
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
    if (!mp_error_text(errorcode))
        return mp_error(NULL, MPI_ERR_ARG, "MPI_Error_class", "unknown error code %d (argument errorcode)", errorcode);
    if (!errorclass) return mp_error(NULL, MPI_ERR_ARG, "MPI_Error_class", "NULL output pointer (argument errorclass)");
    *errorclass = errorcode; /* every code is a class until MPI_Add_error_code exists */
    return MPI_SUCCESS;
}
