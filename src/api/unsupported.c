/* MPI bindings for names outside our subset that Tier 1 still requires to link (API-SUBSET.md):
 * one-sided windows and distributed-graph queries. Each fails through the error handler with
 * MPI_ERR_UNSUPPORTED_OPERATION, so a program that calls one learns why instead of misbehaving. */
#include "api/api.h"

static int unsupported(MPI_Comm handle, const char *call, const char *what)
{
    struct mp_comm *comm = handle == MPI_COMM_NULL ? NULL : mp_comm_get(handle);
    return mp_error(comm, MPI_ERR_UNSUPPORTED_OPERATION, call, "%s are not supported by libmsgpass", what);
}

MP_WEAK_ALIAS(Win_create)
int PMPI_Win_create(void *base, MPI_Aint size, int disp_unit, MPI_Info info, MPI_Comm comm, MPI_Win *win)
{
    (void)base, (void)size, (void)disp_unit, (void)info;
    if (win) *win = MPI_WIN_NULL;
    return unsupported(comm, "MPI_Win_create", "one-sided windows");
}

MP_WEAK_ALIAS(Win_allocate)
int PMPI_Win_allocate(MPI_Aint size, int disp_unit, MPI_Info info, MPI_Comm comm, void *baseptr, MPI_Win *win)
{
    (void)size, (void)disp_unit, (void)info, (void)baseptr;
    if (win) *win = MPI_WIN_NULL;
    return unsupported(comm, "MPI_Win_allocate", "one-sided windows");
}

MP_WEAK_ALIAS(Win_create_dynamic)
int PMPI_Win_create_dynamic(MPI_Info info, MPI_Comm comm, MPI_Win *win)
{
    (void)info;
    if (win) *win = MPI_WIN_NULL;
    return unsupported(comm, "MPI_Win_create_dynamic", "one-sided windows");
}

MP_WEAK_ALIAS(Win_attach)
int PMPI_Win_attach(MPI_Win win, void *base, MPI_Aint size)
{
    (void)win, (void)base, (void)size;
    return unsupported(MPI_COMM_NULL, "MPI_Win_attach", "one-sided windows");
}

MP_WEAK_ALIAS(Win_free)
int PMPI_Win_free(MPI_Win *win)
{
    (void)win;
    return unsupported(MPI_COMM_NULL, "MPI_Win_free", "one-sided windows");
}

MP_WEAK_ALIAS(Dist_graph_neighbors)
int PMPI_Dist_graph_neighbors(MPI_Comm comm, int maxindegree, int sources[], int sourceweights[], int maxoutdegree,
                              int destinations[], int destweights[])
{
    (void)maxindegree, (void)sources, (void)sourceweights, (void)maxoutdegree, (void)destinations, (void)destweights;
    return unsupported(comm, "MPI_Dist_graph_neighbors", "distributed graph topologies");
}
