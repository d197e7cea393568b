/* MPI bindings: communicator queries and constructors. */
#include "api/api.h"

MP_WEAK_ALIAS(Comm_rank)
int PMPI_Comm_rank(MPI_Comm comm, int *rank)
{
    MP_CHECK_INIT("MPI_Comm_rank");
    MP_GET_COMM(c, comm, "MPI_Comm_rank");
    if (!rank) return mp_error(c, MPI_ERR_ARG, "MPI_Comm_rank", "NULL output pointer (argument rank)");
    *rank = c->rank;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Comm_size)
int PMPI_Comm_size(MPI_Comm comm, int *size)
{
    MP_CHECK_INIT("MPI_Comm_size");
    MP_GET_COMM(c, comm, "MPI_Comm_size");
    if (!size) return mp_error(c, MPI_ERR_ARG, "MPI_Comm_size", "NULL output pointer (argument size)");
    *size = c->size;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Comm_dup)
int PMPI_Comm_dup(MPI_Comm comm, MPI_Comm *newcomm)
{
    MP_CHECK_INIT("MPI_Comm_dup");
    MP_GET_COMM(c, comm, "MPI_Comm_dup");
    if (!newcomm) return mp_error(c, MPI_ERR_ARG, "MPI_Comm_dup", "NULL output pointer (argument newcomm)");
    int rc = mp_comm_dup(c, newcomm);
    if (rc != MPI_SUCCESS) return mp_error(c, rc, "MPI_Comm_dup", "could not create the communicator");
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Comm_split)
int PMPI_Comm_split(MPI_Comm comm, int color, int key, MPI_Comm *newcomm)
{
    MP_CHECK_INIT("MPI_Comm_split");
    MP_GET_COMM(c, comm, "MPI_Comm_split");
    if (color < 0 && color != MPI_UNDEFINED)
        return mp_error(c, MPI_ERR_ARG, "MPI_Comm_split", "color %d is negative and not MPI_UNDEFINED (argument color)",
                        color);
    if (!newcomm) return mp_error(c, MPI_ERR_ARG, "MPI_Comm_split", "NULL output pointer (argument newcomm)");
    int rc = mp_comm_split(c, color, key, newcomm);
    if (rc != MPI_SUCCESS) return mp_error(c, rc, "MPI_Comm_split", "could not create the communicator");
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Comm_free)
int PMPI_Comm_free(MPI_Comm *comm)
{
    MP_CHECK_INIT("MPI_Comm_free");
    if (!comm) return mp_error(NULL, MPI_ERR_ARG, "MPI_Comm_free", "NULL pointer (argument comm)");
    MP_GET_COMM(c, *comm, "MPI_Comm_free");
    if (*comm == MPI_COMM_WORLD || *comm == MPI_COMM_SELF)
        return mp_error(c, MPI_ERR_COMM, "MPI_Comm_free", "%s cannot be freed (argument comm)", c->name);
    return mp_comm_free(comm);
}
