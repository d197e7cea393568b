/* coll_reduce: Reduce, Allreduce, Reduce_scatter, Reduce_scatter_block, Scan, Exscan (blocking
 * and nonblocking forms) on WORLD, a dup and a split with reversed keys; counts 0 to ~1 MiB;
 * int SUM, double MAX, MINLOC on MPI_2INT, SUM on a contiguous derived type, and a
 * non-commutative user op whose result is only right when operands are combined in rank order;
 * MPI_IN_PLACE; roots 0 and one in the upper half. Every result is checked against a serial
 * reference. Run under MSGPASS_COLL_<NAME>=<algorithm> to cover every algorithm. */
#include "check.h"

enum kind { K_SUM, K_MAX, K_MINLOC, K_CONTIG, K_RANGE, NKINDS };
static const char *kind_name[NKINDS] = {"int SUM", "double MAX", "2INT MINLOC", "contig(3,double) SUM",
                                        "2INT ordered user op"};
static MPI_Datatype contig3;
static MPI_Op range_op;
static int nb; /* use the nonblocking forms */
/* Predefined ops on a derived type made of one predefined type: libmsgpass takes them, Open MPI
 * and MPICH refuse (MPI_ERR_OP), so the suite skips that kind there. */
static int derived_ok;

typedef struct {
    int lo, hi;
} range;

/* (lo1, hi1) op (lo2, hi2) = (lo1, hi2) when the ranges are adjacent and in order; anything else
 * poisons the result, so only a rank-order reduction gives the expected range. */
static void range_fn(void *in, void *inout, int *len, MPI_Datatype *dt)
{
    (void)dt;
    range *a = in, *b = inout;
    for (int i = 0; i < *len; i++) {
        if (a[i].hi + 1 == b[i].lo && a[i].lo >= 0)
            b[i].hi = b[i].hi, b[i].lo = a[i].lo;
        else
            b[i].lo = b[i].hi = -1000000;
    }
}

static MPI_Datatype dtype(enum kind k)
{
    return k == K_SUM ? MPI_INT : k == K_MAX ? MPI_DOUBLE : k == K_CONTIG ? contig3 : MPI_2INT;
}
static MPI_Op op_of(enum kind k)
{
    return k == K_SUM      ? MPI_SUM
           : k == K_MAX    ? MPI_MAX
           : k == K_MINLOC ? MPI_MINLOC
           : k == K_CONTIG ? MPI_SUM
                           : range_op;
}
static size_t esize(enum kind k)
{
    return k == K_SUM ? sizeof(int) : k == K_MAX ? sizeof(double) : k == K_CONTIG ? 3 * sizeof(double) : sizeof(range);
}

/* Element i of rank r's contribution (np ranks). */
static void fill(enum kind k, void *buf, int r, int np, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (k) {
        case K_SUM: ((int *)buf)[i] = (r + 1) * (int)(i % 7 + 1) - 3; break;
        case K_MAX: ((double *)buf)[i] = (double)((r * 31 + (int)i) % 17) - 8.5; break;
        case K_MINLOC:
            ((range *)buf)[i].lo = (r * 7 + (int)i * 3) % (np + 2);
            ((range *)buf)[i].hi = r;
            break;
        case K_CONTIG:
            for (int j = 0; j < 3; j++) ((double *)buf)[3 * i + j] = (double)(r * 3 + j) + (double)(i % 5);
            break;
        default: ((range *)buf)[i].lo = ((range *)buf)[i].hi = r + (int)(i % 1000) * np; break;
        }
    }
}

/* The reduction of the contributions of ranks lo..hi (in order), serially. */
static void reference(enum kind k, void *out, int lo, int hi, int np, size_t n)
{
    size_t es = esize(k);
    char *tmp = chk_malloc(n * es);
    fill(k, out, lo, np, n);
    for (int r = lo + 1; r <= hi; r++) {
        fill(k, tmp, r, np, n);
        for (size_t i = 0; i < n; i++) {
            switch (k) {
            case K_SUM: ((int *)out)[i] += ((int *)tmp)[i]; break;
            case K_MAX:
                if (((double *)tmp)[i] > ((double *)out)[i]) ((double *)out)[i] = ((double *)tmp)[i];
                break;
            case K_MINLOC:
                if (((range *)tmp)[i].lo < ((range *)out)[i].lo) ((range *)out)[i] = ((range *)tmp)[i];
                break;
            case K_CONTIG:
                for (int j = 0; j < 3; j++) ((double *)out)[3 * i + j] += ((double *)tmp)[3 * i + j];
                break;
            default: ((range *)out)[i].hi = ((range *)tmp)[i].hi; break;
            }
        }
    }
    free(tmp);
}

static void check_same(const void *got, const void *want, size_t bytes, const char *what)
{
    const unsigned char *g = got, *w = want;
    for (size_t i = 0; i < bytes; i++)
        if (g[i] != w[i]) CHECK(0, "%s: byte %zu of %zu differs (0x%02x, expected 0x%02x)", what, i, bytes, g[i], w[i]);
    chk_passed++;
}

static void finish(MPI_Request *r)
{
    if (nb) MPI_OK(MPI_Wait(r, MPI_STATUS_IGNORE));
    CHECK(!nb || *r == MPI_REQUEST_NULL, "request not freed by MPI_Wait");
}

static void test_reduce(MPI_Comm comm, enum kind k, size_t n, int root, int in_place)
{
    int me, np;
    MPI_Comm_rank(comm, &me);
    MPI_Comm_size(comm, &np);
    size_t es = esize(k);
    char *in = chk_malloc(n * es), *out = chk_malloc(n * es), *want = chk_malloc(n * es);
    fill(k, in, me, np, n);
    memset(out, 0x5a, n * es);
    int ip = in_place && me == root;
    if (ip) memcpy(out, in, n * es);
    MPI_Request r = MPI_REQUEST_NULL;
    const void *sb = ip ? MPI_IN_PLACE : in;
    if (nb)
        MPI_OK(MPI_Ireduce(sb, out, (int)n, dtype(k), op_of(k), root, comm, &r));
    else
        MPI_OK(MPI_Reduce(sb, out, (int)n, dtype(k), op_of(k), root, comm));
    finish(&r);
    if (me == root) {
        reference(k, want, 0, np - 1, np, n);
        check_same(out, want, n * es, "Reduce result");
    }
    free(in), free(out), free(want);
}

static void test_allreduce(MPI_Comm comm, enum kind k, size_t n, int in_place)
{
    int me, np;
    MPI_Comm_rank(comm, &me);
    MPI_Comm_size(comm, &np);
    size_t es = esize(k);
    char *in = chk_malloc(n * es), *out = chk_malloc(n * es), *want = chk_malloc(n * es);
    fill(k, in, me, np, n);
    memset(out, 0x5a, n * es);
    if (in_place) memcpy(out, in, n * es);
    MPI_Request r = MPI_REQUEST_NULL;
    const void *sb = in_place ? MPI_IN_PLACE : in;
    if (nb)
        MPI_OK(MPI_Iallreduce(sb, out, (int)n, dtype(k), op_of(k), comm, &r));
    else
        MPI_OK(MPI_Allreduce(sb, out, (int)n, dtype(k), op_of(k), comm));
    finish(&r);
    reference(k, want, 0, np - 1, np, n);
    check_same(out, want, n * es, "Allreduce result");
    free(in), free(out), free(want);
}

static void test_scan(MPI_Comm comm, enum kind k, size_t n, int exclusive, int in_place)
{
    int me, np;
    MPI_Comm_rank(comm, &me);
    MPI_Comm_size(comm, &np);
    size_t es = esize(k);
    char *in = chk_malloc(n * es), *out = chk_malloc(n * es), *want = chk_malloc(n * es);
    fill(k, in, me, np, n);
    memset(out, 0x5a, n * es);
    if (in_place) memcpy(out, in, n * es);
    MPI_Request r = MPI_REQUEST_NULL;
    const void *sb = in_place ? MPI_IN_PLACE : in;
    if (exclusive && nb)
        MPI_OK(MPI_Iexscan(sb, out, (int)n, dtype(k), op_of(k), comm, &r));
    else if (exclusive)
        MPI_OK(MPI_Exscan(sb, out, (int)n, dtype(k), op_of(k), comm));
    else if (nb)
        MPI_OK(MPI_Iscan(sb, out, (int)n, dtype(k), op_of(k), comm, &r));
    else
        MPI_OK(MPI_Scan(sb, out, (int)n, dtype(k), op_of(k), comm));
    finish(&r);
    if (!exclusive || me > 0) {
        reference(k, want, 0, exclusive ? me - 1 : me, np, n);
        check_same(out, want, n * es, exclusive ? "Exscan result" : "Scan result");
    }
    free(in), free(out), free(want);
}

/* Reduce_scatter with rank i getting (i % 3) * base + 1 elements, or _block with base each. */
static void test_reduce_scatter(MPI_Comm comm, enum kind k, size_t base, int block, int in_place)
{
    int me, np;
    MPI_Comm_rank(comm, &me);
    MPI_Comm_size(comm, &np);
    size_t es = esize(k), total = 0, mine_off = 0;
    int *counts = chk_malloc((size_t)np * sizeof *counts);
    for (int i = 0; i < np; i++) {
        counts[i] = block ? (int)base : (int)((size_t)(i % 3) * base + 1);
        if (i < me) mine_off += (size_t)counts[i];
        total += (size_t)counts[i];
    }
    char *in = chk_malloc(total * es), *out = chk_malloc(total * es), *want = chk_malloc(total * es);
    fill(k, in, me, np, total);
    memset(out, 0x5a, total * es);
    if (in_place) memcpy(out, in, total * es);
    const void *sb = in_place ? MPI_IN_PLACE : in;
    MPI_Request r = MPI_REQUEST_NULL;
    if (block && nb)
        MPI_OK(MPI_Ireduce_scatter_block(sb, out, (int)base, dtype(k), op_of(k), comm, &r));
    else if (block)
        MPI_OK(MPI_Reduce_scatter_block(sb, out, (int)base, dtype(k), op_of(k), comm));
    else if (nb)
        MPI_OK(MPI_Ireduce_scatter(sb, out, counts, dtype(k), op_of(k), comm, &r));
    else
        MPI_OK(MPI_Reduce_scatter(sb, out, counts, dtype(k), op_of(k), comm));
    finish(&r);
    reference(k, want, 0, np - 1, np, total);
    check_same(out, want + mine_off * es, (size_t)counts[me] * es,
               block ? "Reduce_scatter_block result" : "Reduce_scatter result");
    free(in), free(out), free(want), free(counts);
}

static void run_all(MPI_Comm comm, const char *cname)
{
    int np;
    MPI_Comm_size(comm, &np);
    static const size_t counts[] = {0, 1, 1000, 40000};
    for (int ci = 0; ci < 4; ci++) {
        size_t n = counts[ci];
        for (int k = 0; k < NKINDS; k++) {
            if (k == K_CONTIG && !derived_ok) continue;
            /* The largest count once per comm with the two most telling ops, to keep the suite short. */
            if (n > 1000 && k != K_SUM && k != K_RANGE) continue;
            /* MPI_IN_PLACE with the two kinds that tell most; it changes no reduction code. */
            for (int ip = 0; ip < (k == K_SUM || k == K_RANGE ? 2 : 1); ip++) {
                const char *ips = ip ? ", MPI_IN_PLACE" : "";
                int roots[2] = {0, np - 1 - np / 3};
                for (int ri = 0; ri < 2; ri++) {
                    if (ri == 1 && roots[1] == roots[0]) continue;
                    chk_case("%s%s: Reduce %s, %zu elements, root %d%s", cname, nb ? " (I)" : "", kind_name[k], n,
                             roots[ri], ips);
                    test_reduce(comm, (enum kind)k, n, roots[ri], ip);
                }
                chk_case("%s%s: Allreduce %s, %zu elements%s", cname, nb ? " (I)" : "", kind_name[k], n, ips);
                test_allreduce(comm, (enum kind)k, n, ip);
                for (int ex = 0; ex < 2; ex++) {
                    chk_case("%s%s: %s %s, %zu elements%s", cname, nb ? " (I)" : "", ex ? "Exscan" : "Scan",
                             kind_name[k], n, ips);
                    test_scan(comm, (enum kind)k, n, ex, ip);
                }
                size_t base = n / (size_t)np + (n > 0);
                for (int bl = 0; bl < 2; bl++) {
                    chk_case("%s%s: Reduce_scatter%s %s, base %zu%s", cname, nb ? " (I)" : "", bl ? "_block" : "",
                             kind_name[k], base, ips);
                    test_reduce_scatter(comm, (enum kind)k, base, bl, ip);
                }
            }
        }
    }
}

static void test_local(void)
{
    chk_case("Op_commutative, Reduce_local with a user op");
    int commute = -1;
    MPI_OK(MPI_Op_commutative(range_op, &commute));
    CHECK_INT(commute, 0, "Op_commutative(user op created non-commutative)");
    MPI_OK(MPI_Op_commutative(MPI_SUM, &commute));
    CHECK_INT(commute, 1, "Op_commutative(MPI_SUM)");
    range a[3] = {{0, 4}, {2, 2}, {7, 9}}, b[3] = {{5, 6}, {4, 4}, {10, 10}};
    MPI_OK(MPI_Reduce_local(a, b, 3, MPI_2INT, range_op));
    CHECK(b[0].lo == 0 && b[0].hi == 6, "Reduce_local ordered: (%d,%d)", b[0].lo, b[0].hi);
    CHECK(b[1].lo == -1000000, "Reduce_local non-adjacent: %d", b[1].lo);
    CHECK(b[2].lo == 7 && b[2].hi == 10, "Reduce_local: (%d,%d)", b[2].lo, b[2].hi);
    if (!derived_ok) return;
    double x[6] = {1, 2, 3, 4, 5, 6}, y[6] = {10, 20, 30, 40, 50, 60};
    MPI_OK(MPI_Reduce_local(x, y, 2, contig3, MPI_SUM));
    CHECK(y[0] == 11 && y[5] == 66, "Reduce_local on contig(3,double): %g %g", y[0], y[5]);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    chk_begin("coll_reduce");
    int me, np;
    MPI_Comm_rank(MPI_COMM_WORLD, &me);
    MPI_Comm_size(MPI_COMM_WORLD, &np);
    MPI_OK(MPI_Type_contiguous(3, MPI_DOUBLE, &contig3));
    MPI_OK(MPI_Type_commit(&contig3));
    MPI_OK(MPI_Op_create(range_fn, 0, &range_op));
    char lib[MPI_MAX_LIBRARY_VERSION_STRING];
    int len;
    MPI_OK(MPI_Get_library_version(lib, &len));
    derived_ok = strstr(lib, "libmsgpass") != NULL;
    test_local();

    MPI_Comm dup, split;
    MPI_OK(MPI_Comm_dup(MPI_COMM_WORLD, &dup));
    MPI_OK(MPI_Comm_split(MPI_COMM_WORLD, me % 2, np - me, &split));
    for (nb = 0; nb < 2; nb++) {
        run_all(MPI_COMM_WORLD, "WORLD");
        /* The nonblocking forms run the same schedules: WORLD is enough for them; above 8 ranks
         * the halves are sizes the 8-rank run covers. Keeps the suite short. */
        if (np <= 8 && !nb) run_all(split, "split(parity, reversed keys)");
    }
    nb = 1;
    chk_case("dup: Allreduce 2INT ordered user op");
    test_allreduce(dup, K_RANGE, 1000, 0);
    nb = 0;
    test_reduce(dup, K_RANGE, 1000, np - 1, 1);

    MPI_OK(MPI_Comm_free(&dup));
    MPI_OK(MPI_Comm_free(&split));
    MPI_OK(MPI_Op_free(&range_op));
    CHECK(range_op == MPI_OP_NULL, "Op_free sets the handle to MPI_OP_NULL");
    MPI_OK(MPI_Type_free(&contig3));
    return chk_end();
}
