/* Slurm's compressed lists: SLURM_TASKS_PER_NODE ("2(x3),1") and node lists ("n[1-3,07],x"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "boot/slurm_list.h"

#define MAXN 16

static void tasks(const char *list, int nwant, const int *want)
{
    int out[MAXN] = {0};
    assert_int_equal(mp_slurm_tasks_per_node(list, out, MAXN), nwant);
    for (int i = 0; i < nwant && i < MAXN; i++) assert_int_equal(out[i], want[i]);
}

static void test_tasks_per_node(void **state)
{
    (void)state;
    tasks("4", 1, (int[]){4});
    tasks("2(x3),1", 4, (int[]){2, 2, 2, 1});
    tasks("1,16(x2),3", 4, (int[]){1, 16, 16, 3});
    tasks("5(x1)", 1, (int[]){5});
    /* more nodes than room: all counted, the first ones written */
    int out[2] = {0};
    assert_int_equal(mp_slurm_tasks_per_node("3(x5)", out, 2), 5);
    assert_int_equal(out[0], 3);
    assert_int_equal(out[1], 3);
    const char *bad[] = {"", "0", "-2", "2(x0)", "2(x3", "2x3", "2(3)", "2,", ",2", "2,,3", "a", "2(x3)4", " 2"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(mp_slurm_tasks_per_node(bad[i], out, 2), -1);
    assert_int_equal(mp_slurm_tasks_per_node(NULL, out, 2), -1);
}

static void nodes(const char *list, int nwant, const char *const *want)
{
    char *out[MAXN] = {0};
    assert_int_equal(mp_slurm_nodelist(list, out, MAXN), nwant);
    for (int i = 0; i < nwant && i < MAXN; i++) assert_string_equal(out[i], want[i]);
    for (int i = 0; i < MAXN; i++) free(out[i]);
}

static void test_nodelist(void **state)
{
    (void)state;
    nodes("node1", 1, (const char *[]){"node1"});
    nodes("node[1-3,5],other", 5, (const char *[]){"node1", "node2", "node3", "node5", "other"});
    nodes("n[07-10]", 4, (const char *[]){"n07", "n08", "n09", "n10"});
    nodes("n[8-10]", 3, (const char *[]){"n8", "n9", "n10"});
    nodes("gpu[01-02]-ib,login", 3, (const char *[]){"gpu01-ib", "gpu02-ib", "login"});
    nodes("r[1-2]n[1-2]", 4, (const char *[]){"r1n1", "r1n2", "r2n1", "r2n2"});
    nodes("a,b[3],c", 3, (const char *[]){"a", "b3", "c"});
    nodes("x-1.example.org", 1, (const char *[]){"x-1.example.org"});
}

static void test_nodelist_overflow(void **state)
{
    (void)state;
    char *out[2] = {0};
    assert_int_equal(mp_slurm_nodelist("n[1-5]", out, 2), 5);
    assert_string_equal(out[0], "n1");
    assert_string_equal(out[1], "n2");
    free(out[0]);
    free(out[1]);
}

static void test_nodelist_bad(void **state)
{
    (void)state;
    const char *bad[] = {"",     "n[1-3", "n1-3]", "n[]",    "n[3-1]", "n[a-b]", "n[1-]",   "n[-1]",
                         "a,,b", "a,",    ",a",    "n[[1]]", "n[1,]",  "n[1]]",  "n[1-2x]", "n[0-99999999]"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *out[MAXN] = {0};
        assert_int_equal(mp_slurm_nodelist(bad[i], out, MAXN), -1);
        for (int k = 0; k < MAXN; k++) assert_null(out[k]); /* nothing left allocated */
    }
    char *out[1] = {0};
    assert_int_equal(mp_slurm_nodelist(NULL, out, 1), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tasks_per_node),
        cmocka_unit_test(test_nodelist),
        cmocka_unit_test(test_nodelist_overflow),
        cmocka_unit_test(test_nodelist_bad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
