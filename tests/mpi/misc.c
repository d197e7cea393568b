/* misc: Init_thread / Query_thread / Is_thread_main, Initialized / Finalized before and after,
 * Wtime / Wtick, processor name, version and library version, Type_size of every predefined
 * type against sizeof of its C type, Type_get_name, Type_contiguous + commit + send/recv +
 * Get_count + Type_free, COMM_SELF basics, the default error handler. Any rank count >= 1. */
#include "check.h"

#include <complex.h>
#include <stdbool.h>
#include <wchar.h>

static void type_sizes(void)
{
    struct {
        MPI_Datatype dt;
        const char *name;
        size_t size;
    } t[] = {
        {MPI_CHAR, "MPI_CHAR", sizeof(char)},
        {MPI_SIGNED_CHAR, "MPI_SIGNED_CHAR", sizeof(signed char)},
        {MPI_UNSIGNED_CHAR, "MPI_UNSIGNED_CHAR", sizeof(unsigned char)},
        {MPI_BYTE, "MPI_BYTE", 1},
        {MPI_WCHAR, "MPI_WCHAR", sizeof(wchar_t)},
        {MPI_SHORT, "MPI_SHORT", sizeof(short)},
        {MPI_UNSIGNED_SHORT, "MPI_UNSIGNED_SHORT", sizeof(unsigned short)},
        {MPI_INT, "MPI_INT", sizeof(int)},
        {MPI_UNSIGNED, "MPI_UNSIGNED", sizeof(unsigned)},
        {MPI_LONG, "MPI_LONG", sizeof(long)},
        {MPI_UNSIGNED_LONG, "MPI_UNSIGNED_LONG", sizeof(unsigned long)},
        {MPI_LONG_LONG, "MPI_LONG_LONG", sizeof(long long)},
        {MPI_LONG_LONG_INT, "MPI_LONG_LONG_INT", sizeof(long long)},
        {MPI_UNSIGNED_LONG_LONG, "MPI_UNSIGNED_LONG_LONG", sizeof(unsigned long long)},
        {MPI_FLOAT, "MPI_FLOAT", sizeof(float)},
        {MPI_DOUBLE, "MPI_DOUBLE", sizeof(double)},
        {MPI_LONG_DOUBLE, "MPI_LONG_DOUBLE", sizeof(long double)},
        {MPI_C_BOOL, "MPI_C_BOOL", sizeof(bool)},
        {MPI_INT8_T, "MPI_INT8_T", sizeof(int8_t)},
        {MPI_INT16_T, "MPI_INT16_T", sizeof(int16_t)},
        {MPI_INT32_T, "MPI_INT32_T", sizeof(int32_t)},
        {MPI_INT64_T, "MPI_INT64_T", sizeof(int64_t)},
        {MPI_UINT8_T, "MPI_UINT8_T", sizeof(uint8_t)},
        {MPI_UINT16_T, "MPI_UINT16_T", sizeof(uint16_t)},
        {MPI_UINT32_T, "MPI_UINT32_T", sizeof(uint32_t)},
        {MPI_UINT64_T, "MPI_UINT64_T", sizeof(uint64_t)},
        {MPI_AINT, "MPI_AINT", sizeof(MPI_Aint)},
        {MPI_OFFSET, "MPI_OFFSET", sizeof(MPI_Offset)},
        {MPI_COUNT, "MPI_COUNT", sizeof(MPI_Count)},
        {MPI_PACKED, "MPI_PACKED", 1},
        {MPI_C_FLOAT_COMPLEX, "MPI_C_FLOAT_COMPLEX", sizeof(float complex)},
        {MPI_C_DOUBLE_COMPLEX, "MPI_C_DOUBLE_COMPLEX", sizeof(double complex)},
        {MPI_C_LONG_DOUBLE_COMPLEX, "MPI_C_LONG_DOUBLE_COMPLEX", sizeof(long double complex)},
        /* pair types: the size is the sum of the parts (padding is not data) */
        {MPI_FLOAT_INT, "MPI_FLOAT_INT", sizeof(float) + sizeof(int)},
        {MPI_DOUBLE_INT, "MPI_DOUBLE_INT", sizeof(double) + sizeof(int)},
        {MPI_LONG_INT, "MPI_LONG_INT", sizeof(long) + sizeof(int)},
        {MPI_2INT, "MPI_2INT", 2 * sizeof(int)},
        {MPI_SHORT_INT, "MPI_SHORT_INT", sizeof(short) + sizeof(int)},
        {MPI_LONG_DOUBLE_INT, "MPI_LONG_DOUBLE_INT", sizeof(long double) + sizeof(int)},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        int s = -1;
        chk_case("Type_size(%s)", t[i].name);
        MPI_OK(MPI_Type_size(t[i].dt, &s));
        CHECK(s == (int)t[i].size, "Type_size(%s) = %d, sizeof = %zu", t[i].name, s, t[i].size);
        char name[MPI_MAX_OBJECT_NAME];
        int len = -1;
        name[0] = 0;
        MPI_OK(MPI_Type_get_name(t[i].dt, name, &len));
        CHECK(len > 0 && (int)strlen(name) == len, "Type_get_name(%s): length %d, name '%s'", t[i].name, len, name);
    }
    char name[MPI_MAX_OBJECT_NAME];
    int len;
    MPI_OK(MPI_Type_get_name(MPI_DOUBLE, name, &len));
    CHECK(strcmp(name, "MPI_DOUBLE") == 0, "Type_get_name(MPI_DOUBLE) = '%s'", name);
}

static void contiguous(void)
{
    int me = chk_rank, np = chk_size;
    int to = (me + 1) % np, from = (me - 1 + np) % np;
    MPI_Datatype five, fifteen;
    int s = -1, c = -1;
    chk_case("Type_contiguous(5, MPI_INT)");
    MPI_OK(MPI_Type_contiguous(5, MPI_INT, &five));
    MPI_OK(MPI_Type_commit(&five));
    MPI_OK(MPI_Type_size(five, &s));
    CHECK_INT(s, 5 * (int)sizeof(int), "Type_size of contiguous(5, INT)");
    MPI_OK(MPI_Type_contiguous(3, five, &fifteen));
    MPI_OK(MPI_Type_commit(&fifteen));
    MPI_OK(MPI_Type_size(fifteen, &s));
    CHECK_INT(s, 15 * (int)sizeof(int), "Type_size of contiguous(3, contiguous(5, INT))");

    int sb[60], rb[64];
    for (int i = 0; i < 60; i++) sb[i] = me * 1000 + i;
    for (int i = 0; i < 64; i++) rb[i] = -1;
    MPI_Status st;
    chk_case("send 3 x contiguous(5), receive as MPI_INT");
    MPI_OK(MPI_Sendrecv(sb, 3, five, to, 1, rb, 64, MPI_INT, from, 1, MPI_COMM_WORLD, &st));
    CHECK_STATUS(&st, from, 1, MPI_INT, 15, "3 x contiguous(5) received as MPI_INT");
    MPI_OK(MPI_Get_count(&st, five, &c));
    CHECK_INT(c, 3, "Get_count(contiguous(5)) of 15 ints");
    for (int i = 0; i < 15; i++)
        CHECK(rb[i] == from * 1000 + i, "element %d is %d, expected %d", i, rb[i], from * 1000 + i);
    CHECK(rb[15] == -1, "element past the message changed to %d", rb[15]);

    chk_case("send 60 ints, receive as 4 x contiguous(15)");
    MPI_OK(MPI_Sendrecv(sb, 60, MPI_INT, to, 2, rb, 4, fifteen, from, 2, MPI_COMM_WORLD, &st));
    CHECK_STATUS(&st, from, 2, fifteen, 4, "60 ints received as contiguous(15)");
    for (int i = 0; i < 60; i++)
        CHECK(rb[i] == from * 1000 + i, "element %d is %d, expected %d", i, rb[i], from * 1000 + i);

    chk_case("partial: 7 ints received as contiguous(5)");
    MPI_OK(MPI_Sendrecv(sb, 7, MPI_INT, to, 3, rb, 2, five, from, 3, MPI_COMM_WORLD, &st));
    MPI_OK(MPI_Get_count(&st, five, &c));
    CHECK_INT(c, MPI_UNDEFINED, "Get_count(contiguous(5)) of 7 ints");
    MPI_OK(MPI_Get_count(&st, MPI_INT, &c));
    CHECK_INT(c, 7, "Get_count(MPI_INT) of 7 ints");

    chk_case("Bcast and Allreduce with a contiguous type");
    for (int i = 0; i < 15; i++) rb[i] = me == 0 ? 500 + i : 0;
    MPI_OK(MPI_Bcast(rb, 3, five, 0, MPI_COMM_WORLD));
    for (int i = 0; i < 15; i++) CHECK(rb[i] == 500 + i, "Bcast(contiguous): element %d is %d", i, rb[i]);

    chk_case("Type_free");
    MPI_OK(MPI_Type_free(&fifteen));
    MPI_OK(MPI_Type_free(&five));
    CHECK(five == MPI_DATATYPE_NULL && fifteen == MPI_DATATYPE_NULL, "Type_free did not set MPI_DATATYPE_NULL");
}

int main(int argc, char **argv)
{
    int flag = -1, provided = -1;
    /* allowed before MPI_Init */
    MPI_Initialized(&flag);
    if (flag != 0) {
        fprintf(stderr, "misc: MPI_Initialized before MPI_Init gave %d\n", flag);
        return 1;
    }
    MPI_Finalized(&flag);
    if (flag != 0) {
        fprintf(stderr, "misc: MPI_Finalized before MPI_Init gave %d\n", flag);
        return 1;
    }
    if (MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        fprintf(stderr, "misc: MPI_Init_thread failed\n");
        return 1;
    }
    chk_begin("misc");
    chk_passed += 2;
    int me = chk_rank;

    chk_case("threads");
    CHECK(provided >= MPI_THREAD_SINGLE && provided <= MPI_THREAD_MULTIPLE, "Init_thread provided %d", provided);
    CHECK(MPI_THREAD_SINGLE < MPI_THREAD_FUNNELED && MPI_THREAD_FUNNELED < MPI_THREAD_SERIALIZED &&
              MPI_THREAD_SERIALIZED < MPI_THREAD_MULTIPLE,
          "thread level constants not ordered");
    int q = -1;
    MPI_OK(MPI_Query_thread(&q));
    CHECK_INT(q, provided, "Query_thread vs Init_thread's provided");
    MPI_OK(MPI_Is_thread_main(&flag));
    CHECK_INT(flag, 1, "Is_thread_main on the main thread");

    chk_case("Initialized / Finalized during the job");
    MPI_OK(MPI_Initialized(&flag));
    CHECK_INT(flag, 1, "Initialized after Init");
    MPI_OK(MPI_Finalized(&flag));
    CHECK_INT(flag, 0, "Finalized before Finalize");

    chk_case("Wtime / Wtick");
    double tick = MPI_Wtick();
    CHECK(tick > 0 && tick < 1, "Wtick = %g", tick);
    double t0 = MPI_Wtime(), prev = t0;
    for (int i = 0; i < 100000; i++) {
        double t = MPI_Wtime();
        if (t < prev) chk_fail(__FILE__, __LINE__, "Wtime went backwards: %.9f after %.9f", t, prev);
        prev = t;
    }
    chk_passed++;
    chk_sleep_ms(20);
    double dt = MPI_Wtime() - t0;
    CHECK(dt >= 0.019 && dt < 60, "Wtime advanced %.6f s over a 20 ms sleep", dt);

    chk_case("processor name, versions");
    char name[MPI_MAX_PROCESSOR_NAME];
    int len = -1;
    memset(name, 0, sizeof name);
    MPI_OK(MPI_Get_processor_name(name, &len));
    CHECK(len > 0 && len < MPI_MAX_PROCESSOR_NAME && (int)strlen(name) == len,
          "Get_processor_name: length %d, name '%s'", len, name);
    int v = -1, sv = -1;
    MPI_OK(MPI_Get_version(&v, &sv));
    CHECK(v == MPI_VERSION && sv == MPI_SUBVERSION, "Get_version %d.%d, header says %d.%d", v, sv, MPI_VERSION,
          MPI_SUBVERSION);
    CHECK(v >= 3, "Get_version %d.%d: below MPI 3", v, sv);
#ifdef MSGPASS_VERSION_STRING
    CHECK(v == 3 && sv == 1, "libmsgpass must report MPI 3.1, got %d.%d", v, sv);
#endif
    char lib[MPI_MAX_LIBRARY_VERSION_STRING];
    memset(lib, 0, sizeof lib);
    len = -1;
    MPI_OK(MPI_Get_library_version(lib, &len));
    CHECK(len > 0 && len < MPI_MAX_LIBRARY_VERSION_STRING && lib[0] != 0, "Get_library_version: length %d", len);
    if (me == 0)
        printf("misc: MPI %d.%d, library '%.*s', host '%s', thread level %d\n", v, sv, (int)strcspn(lib, "\n"), lib,
               name, provided);

    chk_case("MPI_COMM_SELF and the default error handler");
    int r = -1, s = -1;
    MPI_OK(MPI_Comm_rank(MPI_COMM_SELF, &r));
    MPI_OK(MPI_Comm_size(MPI_COMM_SELF, &s));
    CHECK(r == 0 && s == 1, "COMM_SELF rank %d size %d", r, s);
    MPI_Errhandler eh;
    MPI_OK(MPI_Comm_get_errhandler(MPI_COMM_WORLD, &eh));
    CHECK(eh == MPI_ERRORS_ARE_FATAL, "default error handler is not MPI_ERRORS_ARE_FATAL");
    MPI_OK(MPI_Errhandler_free(&eh));

    type_sizes();
    contiguous();

    /* chk_end finalizes; afterwards only Initialized / Finalized may be called */
    chk_end();
    int fin = -1, init = -1;
    MPI_Finalized(&fin);
    MPI_Initialized(&init);
    if (fin != 1 || init != 1) {
        fprintf(stderr, "misc rank %d: after MPI_Finalize, Finalized %d and Initialized %d (expected 1 and 1)\n", me,
                fin, init);
        return 1;
    }
    return 0;
}
