/* Byte-size parsing for MSGPASS_* variables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/params.h"

static void expect_size(const char *text, size_t want)
{
    size_t v = 12345;
    if (mp_parse_size(text, &v) != 0) fail_msg("\"%s\" refused", text);
    if (v != want) fail_msg("\"%s\" parsed as %zu, expected %zu", text, v, want);
}

static void expect_refused(const char *text)
{
    size_t v = 12345;
    if (mp_parse_size(text, &v) != -1) fail_msg("\"%s\" accepted as %zu", text, v);
    assert_int_equal(v, 12345); /* untouched */
}

static void test_valid(void **state)
{
    (void)state;
    expect_size("0", 0);
    expect_size("4096", 4096);
    expect_size("16K", 16384);
    expect_size("16k", 16384);
    expect_size("16KiB", 16384);
    expect_size("16KB", 16384);
    expect_size("2M", 2u << 20);
    expect_size("2MiB", 2u << 20);
    expect_size("1G", (size_t)1 << 30);
    expect_size("3G", (size_t)3 << 30);
    expect_size("18446744073709551615", SIZE_MAX);
}

static void test_malformed(void **state)
{
    (void)state;
    expect_refused("");
    expect_refused("K");
    expect_refused("12X");
    expect_refused("-1");
    expect_refused(" 12");
    expect_refused("12 K");
    expect_refused("1.5M");
    expect_refused("16KiBx");
    expect_refused("0x10");
    size_t v;
    assert_int_equal(mp_parse_size(NULL, &v), -1);
}

static void test_overflow(void **state)
{
    (void)state;
    expect_refused("18446744073709551616");    /* SIZE_MAX + 1 */
    expect_refused("99999999999999999999999"); /* beyond any integer type */
    expect_refused("17179869184G");            /* 2^34 GiB = 2^64 bytes */
    expect_size("17179869183G", (size_t)17179869183 << 30);
}

static void test_env(void **state)
{
    (void)state;
    unsetenv("MSGPASS_TEST_SIZE");
    assert_int_equal(mp_env_size("MSGPASS_TEST_SIZE", 77), 77);
    setenv("MSGPASS_TEST_SIZE", "64K", 1);
    assert_int_equal(mp_env_size("MSGPASS_TEST_SIZE", 77), 65536);
    setenv("MSGPASS_TEST_SIZE", "lots", 1);
    assert_int_equal(mp_env_size("MSGPASS_TEST_SIZE", 77), 77); /* warned, default used */
    setenv("MSGPASS_TEST_LONG", "42", 1);
    assert_int_equal(mp_env_long("MSGPASS_TEST_LONG", 7), 42);
    setenv("MSGPASS_TEST_LONG", "-3", 1);
    assert_int_equal(mp_env_long("MSGPASS_TEST_LONG", 7), 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_overflow),
        cmocka_unit_test(test_env),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
