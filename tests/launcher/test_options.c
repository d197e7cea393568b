/* Unit tests for mpprun's command-line parsing (src/mpprun/options.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "options.h"

static char err[512];

static int parse(struct mpprun_opts *o, int argc, char **argv)
{
    err[0] = '\0';
    return mpprun_parse_args(argc, argv, o, err, sizeof err);
}

#define ARGV(...) ((char *[]){"mpprun", __VA_ARGS__, NULL})
#define ARGC(...) ((int)(sizeof((char *[]){"mpprun", __VA_ARGS__}) / sizeof(char *)))
#define PARSE(o, ...) parse(o, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__))

static void test_basic(void **state)
{
    (void)state;
    struct mpprun_opts o;
    assert_int_equal(PARSE(&o, "-n", "4", "./prog", "-n", "x"), 0);
    assert_int_equal(o.np, 4);
    assert_string_equal(o.prog_argv[0], "./prog");
    assert_string_equal(o.prog_argv[1], "-n"); /* the program's own options are left alone */
    assert_null(o.prog_argv[3]);
    assert_int_equal(o.bind, MPPRUN_BIND_DEFAULT);
    mpprun_opts_free(&o);

    assert_int_equal(PARSE(&o, "--np=3", "--tag-output", "--bind-to", "none", "--timeout", "2.5", "prog"), 0);
    assert_int_equal(o.np, 3);
    assert_true(o.tag_output);
    assert_int_equal(o.bind, MPPRUN_BIND_NONE);
    assert_true(o.timeout > 2.4 && o.timeout < 2.6);
    mpprun_opts_free(&o);

    assert_int_equal(PARSE(&o, "-n2", "--bind-to=core", "--", "-prog"), 0);
    assert_int_equal(o.np, 2);
    assert_int_equal(o.bind, MPPRUN_BIND_CORE);
    assert_string_equal(o.prog_argv[0], "-prog");
    mpprun_opts_free(&o);

    assert_int_equal(PARSE(&o, "-np", "7", "prog"), 0);
    assert_int_equal(o.np, 7);
    mpprun_opts_free(&o);
}

static void test_errors(void **state)
{
    (void)state;
    struct mpprun_opts o;
    assert_int_equal(PARSE(&o, "-n", "0", "prog"), -1);
    assert_non_null(strstr(err, "'-n'"));
    mpprun_opts_free(&o);
    assert_int_equal(PARSE(&o, "-n", "4x", "prog"), -1);
    mpprun_opts_free(&o);
    assert_int_equal(PARSE(&o, "-n", "99999999999", "prog"), -1);
    mpprun_opts_free(&o);
    assert_int_equal(PARSE(&o, "--bind-to", "socket", "-n", "1", "prog"), -1);
    assert_non_null(strstr(err, "socket"));
    mpprun_opts_free(&o);
    assert_int_equal(PARSE(&o, "--timeout", "-1", "-n", "1", "prog"), -1);
    assert_non_null(strstr(err, "--timeout"));
    mpprun_opts_free(&o);
    assert_int_equal(PARSE(&o, "--timeout", "nan", "-n", "1", "prog"), -1);
    mpprun_opts_free(&o);
    assert_int_equal(PARSE(&o, "--frobnicate", "-n", "1", "prog"), -1);
    assert_non_null(strstr(err, "--frobnicate"));
    mpprun_opts_free(&o);
    assert_int_equal(PARSE(&o, "-n", "2"), -1); /* no program */
    mpprun_opts_free(&o);
    assert_int_equal(PARSE(&o, "prog"), -1); /* no -n */
    assert_non_null(strstr(err, "-n"));
    mpprun_opts_free(&o);
    assert_int_equal(PARSE(&o, "-n"), -1); /* missing value */
    mpprun_opts_free(&o);
    assert_int_equal(PARSE(&o, "--help"), 0);
    assert_true(o.help);
    mpprun_opts_free(&o);
    assert_int_equal(PARSE(&o, "--version"), 0);
    assert_true(o.version);
    mpprun_opts_free(&o);
}

static void test_hosts(void **state)
{
    (void)state;
    struct mpprun_opts o;
    assert_int_equal(PARSE(&o, "--hosts", "localhost:2,nodeb,nodec:16", "-n", "2", "prog"), 0);
    assert_int_equal(o.nhosts, 3);
    assert_string_equal(o.hosts[0].name, "localhost");
    assert_int_equal(o.hosts[0].slots, 2);
    assert_string_equal(o.hosts[1].name, "nodeb");
    assert_int_equal(o.hosts[1].slots, 0);
    assert_int_equal(o.hosts[2].slots, 16);
    mpprun_opts_free(&o);
    assert_int_equal(PARSE(&o, "--hosts", "a:0", "-n", "2", "prog"), -1);
    mpprun_opts_free(&o);
    assert_int_equal(PARSE(&o, "--hosts", "a,,b", "-n", "2", "prog"), -1);
    mpprun_opts_free(&o);
    assert_int_equal(PARSE(&o, "--hosts", "a:x", "-n", "2", "prog"), -1);
    mpprun_opts_free(&o);

    memset(&o, 0, sizeof o);
    assert_int_equal(mpprun_parse_hostfile_text("# nodes\n\nnode1 slots=4 # fast\n  node2\nnode3\tslots=1", "hf", &o,
                                                err, sizeof err),
                     0);
    assert_int_equal(o.nhosts, 3);
    assert_string_equal(o.hosts[0].name, "node1");
    assert_int_equal(o.hosts[0].slots, 4);
    assert_string_equal(o.hosts[1].name, "node2");
    assert_int_equal(o.hosts[2].slots, 1);
    mpprun_opts_free(&o);
    assert_int_equal(mpprun_parse_hostfile_text("node1 cores=4\n", "hf", &o, err, sizeof err), -1);
    assert_non_null(strstr(err, "hf:1"));
    mpprun_opts_free(&o);
    assert_int_equal(mpprun_parse_hostfile_text("a\nnode1 slots=4 extra\n", "hf", &o, err, sizeof err), -1);
    assert_non_null(strstr(err, "hf:2"));
    mpprun_opts_free(&o);

    assert_true(mpprun_host_is_local("localhost", "box"));
    assert_true(mpprun_host_is_local("127.0.0.1", "box"));
    assert_true(mpprun_host_is_local("box", "box"));
    assert_true(mpprun_host_is_local("box", "box.example.org"));
    assert_true(mpprun_host_is_local("box.example.org", "box"));
    assert_false(mpprun_host_is_local("boxy", "box"));
    assert_false(mpprun_host_is_local("other", "box"));
    assert_false(mpprun_host_is_local("box.other.org", "box.example.org"));
}

static void test_simulate(void **state)
{
    (void)state;
    struct mpprun_opts o;
    assert_int_equal(PARSE(&o, "-n", "8", "--simulate-nodes", "3", "prog"), 0);
    assert_int_equal(o.simulate_nodes, 3);
    mpprun_opts_free(&o);
    assert_int_equal(PARSE(&o, "-n", "2", "--simulate-nodes=2", "prog"), 0);
    assert_int_equal(o.simulate_nodes, 2);
    mpprun_opts_free(&o);
    assert_int_equal(PARSE(&o, "-n", "2", "--simulate-nodes", "3", "prog"), -1);
    assert_non_null(strstr(err, "--simulate-nodes"));
    mpprun_opts_free(&o);
    assert_int_equal(PARSE(&o, "-n", "2", "--simulate-nodes", "0", "prog"), -1);
    assert_non_null(strstr(err, "--simulate-nodes"));
    mpprun_opts_free(&o);
    assert_int_equal(PARSE(&o, "-n", "2", "prog"), 0);
    assert_int_equal(o.simulate_nodes, 0);
    mpprun_opts_free(&o);
}

/* --doctor: -n and PROGRAM become optional; what is given is still checked. */
static void test_doctor(void **state)
{
    (void)state;
    struct mpprun_opts o;
    assert_int_equal(PARSE(&o, "--doctor"), 0);
    assert_true(o.doctor);
    assert_int_equal(o.np, 0);
    mpprun_opts_free(&o);
    assert_int_equal(PARSE(&o, "--doctor", "-n", "6", "--hosts", "a:2,b:4"), 0);
    assert_int_equal(o.np, 6);
    assert_int_equal(o.nhosts, 2);
    mpprun_opts_free(&o);
    assert_int_equal(PARSE(&o, "-n", "3", "--doctor", "prog", "x"), 0);
    assert_string_equal(o.prog_argv[0], "prog");
    mpprun_opts_free(&o);
    assert_int_equal(PARSE(&o, "--doctor", "-n", "0"), -1);
    assert_non_null(strstr(err, "-n"));
    mpprun_opts_free(&o);
    assert_int_equal(PARSE(&o, "--doctor", "-n", "2", "--simulate-nodes", "3"), -1);
    assert_non_null(strstr(err, "--simulate-nodes"));
    mpprun_opts_free(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic),    cmocka_unit_test(test_errors), cmocka_unit_test(test_hosts),
        cmocka_unit_test(test_simulate), cmocka_unit_test(test_doctor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
