/* MPI bindings: Cartesian topologies. */
#include "api/comm_args.h"
#include "core/topo.h"

MP_WEAK_ALIAS(Dims_create)
int PMPI_Dims_create(int nnodes, int ndims, int dims[])
{
    const char *call = "MPI_Dims_create";
    MP_CHECK_INIT(call);
    if (nnodes < 1) return mp_error(NULL, MPI_ERR_DIMS, call, "nnodes %d is not positive (argument nnodes)", nnodes);
    if (ndims < 0) return mp_error(NULL, MPI_ERR_DIMS, call, "negative ndims %d (argument ndims)", ndims);
    if (ndims > 0) MP_CHECK_PTR(NULL, dims, call);
    int rc = mp_dims_create(nnodes, ndims, dims);
    if (rc == MPI_ERR_DIMS)
        return mp_error(NULL, rc, call,
                        "the non-zero entries of dims are negative or do not divide nnodes %d (argument dims)", nnodes);
    MP_CHECK_RC(NULL, rc, call);
    return MPI_SUCCESS;
}

/* Checks ndims, dims and periods of a grid to be laid over c. */
static int check_grid(struct mp_comm *c, int ndims, const int *dims, const int *periods, const char *call)
{
    if (ndims < 0) return mp_error(c, MPI_ERR_DIMS, call, "negative ndims %d (argument ndims)", ndims);
    if (ndims > 0) {
        MP_CHECK_PTR(c, dims, call);
        MP_CHECK_PTR(c, periods, call);
    }
    for (int i = 0; i < ndims; i++)
        if (dims[i] <= 0)
            return mp_error(c, MPI_ERR_DIMS, call, "dims[%d] = %d is not positive (argument dims)", i, dims[i]);
    long n = mp_topo_cart_size(ndims, dims);
    if (n < 0 || n > c->size)
        return mp_error(c, MPI_ERR_TOPOLOGY, call, "the grid has more places than the %d ranks of the communicator",
                        c->size);
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Cart_create)
int PMPI_Cart_create(MPI_Comm comm_old, int ndims, const int dims[], const int periods[], int reorder,
                     MPI_Comm *comm_cart)
{
    const char *call = "MPI_Cart_create";
    MP_CHECK_INIT(call);
    MP_GET_COMM(c, comm_old, call);
    MP_CHECK_INTRA(c, call);
    MP_CHECK_PTR(c, comm_cart, call);
    int rc = check_grid(c, ndims, dims, periods, call);
    if (rc != MPI_SUCCESS) return rc;
    (void)reorder; /* ranks keep their order: a valid choice with or without reorder */
    MP_CHECK_RC(c, mp_cart_create(c, ndims, dims, periods, comm_cart), call);
    return MPI_SUCCESS;
}

/* Looks up the Cartesian communicator `handle` into `var` (MPI_ERR_TOPOLOGY without a grid). */
#define GET_CART(var, handle, call)                                                                                    \
    MP_GET_COMM(var, handle, call);                                                                                    \
    if (!var->topo)                                                                                                    \
    return mp_error(var, MPI_ERR_TOPOLOGY, call, "%s has no Cartesian topology (argument comm)",                       \
                    var->name[0] ? var->name : "the communicator")

MP_WEAK_ALIAS(Cartdim_get)
int PMPI_Cartdim_get(MPI_Comm comm, int *ndims)
{
    MP_CHECK_INIT("MPI_Cartdim_get");
    GET_CART(c, comm, "MPI_Cartdim_get");
    MP_CHECK_PTR(c, ndims, "MPI_Cartdim_get");
    *ndims = c->topo->ndims;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Cart_get)
int PMPI_Cart_get(MPI_Comm comm, int maxdims, int dims[], int periods[], int coords[])
{
    const char *call = "MPI_Cart_get";
    MP_CHECK_INIT(call);
    GET_CART(c, comm, call);
    const struct mp_topo *t = c->topo;
    if (maxdims < t->ndims)
        return mp_error(c, MPI_ERR_ARG, call, "maxdims %d is less than the %d dimensions (argument maxdims)", maxdims,
                        t->ndims);
    if (t->ndims > 0) {
        MP_CHECK_PTR(c, dims, call);
        MP_CHECK_PTR(c, periods, call);
        MP_CHECK_PTR(c, coords, call);
    }
    for (int i = 0; i < t->ndims; i++) {
        dims[i] = t->dims[i];
        periods[i] = t->periods[i];
    }
    mp_cart_coords(t, c->rank, coords);
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Cart_rank)
int PMPI_Cart_rank(MPI_Comm comm, const int coords[], int *rank)
{
    MP_CHECK_INIT("MPI_Cart_rank");
    GET_CART(c, comm, "MPI_Cart_rank");
    if (c->topo->ndims > 0) MP_CHECK_PTR(c, coords, "MPI_Cart_rank");
    MP_CHECK_PTR(c, rank, "MPI_Cart_rank");
    if (mp_cart_rank(c->topo, coords, rank) != MPI_SUCCESS)
        return mp_error(c, MPI_ERR_ARG, "MPI_Cart_rank",
                        "a coordinate is outside its non-periodic dimension (argument coords)");
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Cart_coords)
int PMPI_Cart_coords(MPI_Comm comm, int rank, int maxdims, int coords[])
{
    const char *call = "MPI_Cart_coords";
    MP_CHECK_INIT(call);
    GET_CART(c, comm, call);
    if (rank < 0 || rank >= c->size)
        return mp_error(c, MPI_ERR_RANK, call, "rank %d is not in the communicator of size %d (argument rank)", rank,
                        c->size);
    if (maxdims < c->topo->ndims)
        return mp_error(c, MPI_ERR_ARG, call, "maxdims %d is less than the %d dimensions (argument maxdims)", maxdims,
                        c->topo->ndims);
    if (c->topo->ndims > 0) MP_CHECK_PTR(c, coords, call);
    mp_cart_coords(c->topo, rank, coords);
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Cart_shift)
int PMPI_Cart_shift(MPI_Comm comm, int direction, int disp, int *rank_source, int *rank_dest)
{
    const char *call = "MPI_Cart_shift";
    MP_CHECK_INIT(call);
    GET_CART(c, comm, call);
    const struct mp_topo *t = c->topo;
    if (direction < 0 || direction >= t->ndims)
        return mp_error(c, MPI_ERR_ARG, call, "direction %d is not a dimension 0..%d (argument direction)", direction,
                        t->ndims - 1);
    MP_CHECK_PTR(c, rank_source, call);
    MP_CHECK_PTR(c, rank_dest, call);
    *rank_source = mp_cart_neighbor(t, c->rank, direction, -disp);
    *rank_dest = mp_cart_neighbor(t, c->rank, direction, disp);
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Cart_sub)
int PMPI_Cart_sub(MPI_Comm comm, const int remain_dims[], MPI_Comm *newcomm)
{
    MP_CHECK_INIT("MPI_Cart_sub");
    GET_CART(c, comm, "MPI_Cart_sub");
    if (c->topo->ndims > 0) MP_CHECK_PTR(c, remain_dims, "MPI_Cart_sub");
    MP_CHECK_PTR(c, newcomm, "MPI_Cart_sub");
    MP_CHECK_RC(c, mp_cart_sub(c, remain_dims, newcomm), "MPI_Cart_sub");
    return MPI_SUCCESS;
}

/* The rank a process would have in MPI_Cart_create without reordering. */
MP_WEAK_ALIAS(Cart_map)
int PMPI_Cart_map(MPI_Comm comm, int ndims, const int dims[], const int periods[], int *newrank)
{
    MP_CHECK_INIT("MPI_Cart_map");
    MP_GET_COMM(c, comm, "MPI_Cart_map");
    MP_CHECK_INTRA(c, "MPI_Cart_map");
    MP_CHECK_PTR(c, newrank, "MPI_Cart_map");
    int rc = check_grid(c, ndims, dims, periods, "MPI_Cart_map");
    if (rc != MPI_SUCCESS) return rc;
    *newrank = c->rank < mp_topo_cart_size(ndims, dims) ? c->rank : MPI_UNDEFINED;
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Topo_test)
int PMPI_Topo_test(MPI_Comm comm, int *status)
{
    MP_CHECK_INIT("MPI_Topo_test");
    MP_GET_COMM(c, comm, "MPI_Topo_test");
    MP_CHECK_PTR(c, status, "MPI_Topo_test");
    *status = c->topo ? MPI_CART : MPI_UNDEFINED;
    return MPI_SUCCESS;
}
