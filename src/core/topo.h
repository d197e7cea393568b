/* Cartesian process topologies: the grid a communicator carries, rank <-> coordinate maths
 * (row-major: the last dimension varies fastest), and the balanced factorisation of
 * MPI_Dims_create. */
#ifndef MP_TOPO_H
#define MP_TOPO_H

#include "core/comm.h"

struct mp_topo {
    int ndims;
    int *dims;
    int *periods;
};

struct mp_topo *mp_topo_cart(int ndims, const int *dims, const int *periods);
struct mp_topo *mp_topo_dup(const struct mp_topo *t);
void mp_topo_free(struct mp_topo *t);

/* Product of dims[0..ndims-1], or -1 when it exceeds INT_MAX. */
long mp_topo_cart_size(int ndims, const int *dims);
void mp_cart_coords(const struct mp_topo *t, int rank, int *coords);
/* MPI_ERR_ARG when a coordinate of a non-periodic dimension is out of range. */
int mp_cart_rank(const struct mp_topo *t, const int *coords, int *rank);
/* The rank `disp` steps from `rank` along dimension `dir`, or MPI_PROC_NULL off a non-periodic edge. */
int mp_cart_neighbor(const struct mp_topo *t, int rank, int dir, int disp);
/* Fills the zero entries of dims so that the product is nnodes, as evenly as possible and in
 * non-increasing order; MPI_ERR_DIMS when the fixed entries do not divide nnodes. */
int mp_dims_create(int nnodes, int ndims, int *dims);

/* Collective over c: the first prod(dims) ranks get a communicator with the grid (reorder is not
 * used: ranks keep their order); the others get MPI_COMM_NULL. */
int mp_cart_create(struct mp_comm *c, int ndims, const int *dims, const int *periods, MPI_Comm *newcomm);
/* Collective over a Cartesian c: one communicator per slice along the kept dimensions. */
int mp_cart_sub(struct mp_comm *c, const int *remain_dims, MPI_Comm *newcomm);

#endif
