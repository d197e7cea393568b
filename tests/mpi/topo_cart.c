/* topo_cart: Dims_create (fixed entries, balance, order), Cart_create over 1, 2 and 3 dimensions
 * with and without periods (ranks outside the grid get MPI_COMM_NULL), Cart_get / Cartdim_get /
 * Cart_coords / Cart_rank (periodic wrap), Cart_shift (edges give MPI_PROC_NULL) with a halo
 * exchange whose data is checked, Cart_sub rows and columns, Cart_map, Topo_test, a dup keeping
 * the topology. Any rank count >= 1. */
#include "check.h"

static void dims_create(void)
{
    chk_case("Dims_create");
    struct {
        int nnodes, ndims, in[3], out[3];
    } t[] = {
        {6, 2, {0, 0}, {3, 2}},        {12, 2, {0, 0}, {4, 3}},
        {16, 2, {0, 0}, {4, 4}},       {24, 3, {0, 0, 0}, {4, 3, 2}},
        {7, 2, {0, 0}, {7, 1}},        {12, 3, {0, 3, 0}, {2, 3, 2}},
        {1, 3, {0, 0, 0}, {1, 1, 1}},  {8, 3, {2, 0, 0}, {2, 2, 2}},
        {30, 2, {0, 5}, {6, 5}},       {5, 1, {0}, {5}},
        {64, 3, {0, 0, 0}, {4, 4, 4}},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        int d[3];
        memcpy(d, t[i].in, sizeof d);
        MPI_OK(MPI_Dims_create(t[i].nnodes, t[i].ndims, d));
        for (int k = 0; k < t[i].ndims; k++)
            CHECK(d[k] == t[i].out[k], "Dims_create(%d, %d): dims[%d] = %d, expected %d", t[i].nnodes, t[i].ndims, k,
                  d[k], t[i].out[k]);
    }
}

/* The world rank of every grid position is its grid rank; checks coords, rank and a halo exchange
 * along every dimension. */
static void grid(int ndims, const int *periods)
{
    int n = chk_size, dims[3] = {0, 0, 0};
    MPI_OK(MPI_Dims_create(n, ndims, dims));
    /* Leave one rank out of the grid when possible, so MPI_COMM_NULL shows up. */
    if (n > 2 && ndims == 1) dims[0] = n - 1;
    int places = 1;
    for (int k = 0; k < ndims; k++) places *= dims[k];
    MPI_Comm cart;
    MPI_OK(MPI_Cart_create(MPI_COMM_WORLD, ndims, dims, periods, 0, &cart));
    if (chk_rank >= places) {
        CHECK(cart == MPI_COMM_NULL, "rank outside the grid got a communicator");
        return;
    }
    CHECK(cart != MPI_COMM_NULL, "rank inside the grid got MPI_COMM_NULL");
    int status = -1, nd = -1, rank = -1;
    MPI_OK(MPI_Topo_test(cart, &status));
    CHECK_INT(status, MPI_CART, "Topo_test");
    MPI_OK(MPI_Cartdim_get(cart, &nd));
    CHECK_INT(nd, ndims, "Cartdim_get");
    MPI_OK(MPI_Comm_rank(cart, &rank));
    CHECK_INT(rank, chk_rank, "rank in the grid");
    int gd[3], gp[3], gc[3], cc[3];
    MPI_OK(MPI_Cart_get(cart, 3, gd, gp, gc));
    int r = rank;
    for (int k = ndims - 1; k >= 0; k--) {
        CHECK_INT(gd[k], dims[k], "Cart_get dims");
        CHECK_INT(gp[k], periods[k], "Cart_get periods");
        CHECK_INT(gc[k], r % dims[k], "Cart_get coords (row-major)");
        r /= dims[k];
    }
    MPI_OK(MPI_Cart_coords(cart, rank, 3, cc));
    for (int k = 0; k < ndims; k++) CHECK_INT(cc[k], gc[k], "Cart_coords");
    int back = -1;
    MPI_OK(MPI_Cart_rank(cart, cc, &back));
    CHECK_INT(back, rank, "Cart_rank of own coords");
    for (int k = 0; k < ndims; k++) {
        if (!periods[k]) continue;
        cc[k] = gc[k] + 2 * dims[k] + 1;
        MPI_OK(MPI_Cart_rank(cart, cc, &back));
        int wrap = 0;
        for (int j = 0; j < ndims; j++) wrap = wrap * dims[j] + (j == k ? (gc[k] + 1) % dims[k] : gc[j]);
        CHECK_INT(back, wrap, "Cart_rank wraps a periodic coordinate");
        cc[k] = gc[k];
    }
    for (int k = 0; k < ndims; k++) {
        int src = -5, dst = -5;
        MPI_OK(MPI_Cart_shift(cart, k, 1, &src, &dst));
        int stride = 1;
        for (int j = k + 1; j < ndims; j++) stride *= dims[j];
        int want_dst = gc[k] + 1 < dims[k] ? rank + stride : periods[k] ? rank - (dims[k] - 1) * stride : MPI_PROC_NULL;
        int want_src = gc[k] > 0 ? rank - stride : periods[k] ? rank + (dims[k] - 1) * stride : MPI_PROC_NULL;
        CHECK_INT(dst, want_dst, "Cart_shift dest");
        CHECK_INT(src, want_src, "Cart_shift source");
        /* halo exchange along k: send my rank up, receive from below */
        int got = -9;
        MPI_OK(MPI_Sendrecv(&rank, 1, MPI_INT, dst, 20 + k, &got, 1, MPI_INT, src, 20 + k, cart, MPI_STATUS_IGNORE));
        CHECK_INT(got, src == MPI_PROC_NULL ? -9 : src, "halo value");
        MPI_OK(MPI_Cart_shift(cart, k, 0, &src, &dst));
        CHECK(src == rank && dst == rank, "Cart_shift by 0 gives %d/%d, expected %d", src, dst, rank);
    }
    if (ndims >= 2) {
        int remain[3] = {0, 1, 0}, sub_rank = -1, sub_size = -1, sub_nd = -1;
        MPI_Comm row;
        MPI_OK(MPI_Cart_sub(cart, remain, &row));
        MPI_OK(MPI_Comm_rank(row, &sub_rank));
        MPI_OK(MPI_Comm_size(row, &sub_size));
        MPI_OK(MPI_Cartdim_get(row, &sub_nd));
        CHECK_INT(sub_nd, 1, "Cart_sub dimensions");
        CHECK_INT(sub_size, dims[1], "Cart_sub size");
        CHECK_INT(sub_rank, gc[1], "Cart_sub rank");
        int sum = -1, want = 0;
        MPI_OK(MPI_Allreduce(&rank, &sum, 1, MPI_INT, MPI_SUM, row));
        for (int i = 0; i < dims[1]; i++) want += rank + (i - gc[1]) * (ndims == 3 ? dims[2] : 1);
        CHECK_INT(sum, want, "allreduce along a Cart_sub row");
        MPI_OK(MPI_Comm_free(&row));
        int none[3] = {0, 0, 0};
        MPI_OK(MPI_Cart_sub(cart, none, &row));
        MPI_OK(MPI_Comm_size(row, &sub_size));
        CHECK_INT(sub_size, 1, "Cart_sub keeping no dimension");
        MPI_OK(MPI_Comm_free(&row));
    }
    MPI_Comm d;
    MPI_OK(MPI_Comm_dup(cart, &d));
    MPI_OK(MPI_Topo_test(d, &status));
    CHECK_INT(status, MPI_CART, "a dup keeps the topology");
    MPI_OK(MPI_Cart_get(d, 3, gd, gp, cc));
    for (int k = 0; k < ndims; k++) CHECK_INT(cc[k], gc[k], "coords in the dup");
    MPI_OK(MPI_Comm_free(&d));
    MPI_OK(MPI_Comm_free(&cart));
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    chk_begin("topo_cart");
    dims_create();
    int status = -2;
    chk_case("Topo_test without a topology");
    MPI_OK(MPI_Topo_test(MPI_COMM_WORLD, &status));
    CHECK_INT(status, MPI_UNDEFINED, "Topo_test of WORLD");
    int p0[3] = {0, 0, 0}, p1[3] = {1, 1, 1}, pm[3] = {1, 0, 1};
    chk_case("1-d, not periodic");
    grid(1, p0);
    chk_case("1-d, periodic");
    grid(1, p1);
    chk_case("2-d, not periodic");
    grid(2, p0);
    chk_case("2-d, periodic");
    grid(2, p1);
    chk_case("3-d, mixed periods");
    grid(3, pm);
    chk_case("Cart_map");
    int dims[2] = {1, chk_size > 1 ? chk_size - 1 : 1}, newrank = -5;
    MPI_OK(MPI_Cart_map(MPI_COMM_WORLD, 2, dims, p0, &newrank));
    if (chk_rank < dims[1]) CHECK_INT(newrank, chk_rank, "Cart_map inside the grid");
#ifdef MSGPASS_VERSION_STRING /* (Open MPI 4 gives ranks outside the grid their own rank) */
    else
        CHECK_INT(newrank, MPI_UNDEFINED, "Cart_map outside the grid");
#endif
    return chk_end();
}
