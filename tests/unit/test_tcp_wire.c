/* The TCP transport's handshake records, job secret and CIDR parsing: every malformed field is
 * refused with a reason, a good record is accepted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <stdint.h>
#include <string.h>

#include "transports/tcp/tcp_wire.h"

static const struct mp_tcp_job job0 = {0, 4, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}};
static const struct mp_tcp_job job2 = {2, 4, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}};

static void expect_refused(const struct mp_tcp_hello *h, const char *what)
{
    const char *why = NULL;
    if (mp_tcp_hello_check(h, &job0, 1 << MP_TCP_HELLO, -1, &why) != -1) fail_msg("%s accepted", what);
    assert_non_null(why);
}

static void test_good_record(void **state)
{
    (void)state;
    struct mp_tcp_hello h;
    mp_tcp_hello_fill(&h, &job2, MP_TCP_HELLO, 0);
    const char *why = NULL;
    assert_int_equal(mp_tcp_hello_check(&h, &job0, 1 << MP_TCP_HELLO, -1, &why), 2);
    assert_int_equal(mp_tcp_hello_check(&h, &job0, 1 << MP_TCP_HELLO, 2, &why), 2);
    assert_int_equal(mp_tcp_hello_check(&h, &job0, 1 << MP_TCP_HELLO, 3, &why), -1);
    assert_int_equal(mp_tcp_hello_check(&h, &job0, 1 << MP_TCP_ACCEPT, -1, &why), -1);
}

static void test_bad_fields(void **state)
{
    (void)state;
    struct mp_tcp_hello good, h;
    mp_tcp_hello_fill(&good, &job2, MP_TCP_HELLO, 0);
    h = good, h.magic ^= 1, expect_refused(&h, "wrong magic");
    h = good, h.version = 2, expect_refused(&h, "wrong version");
    h = good, h.length = 47, expect_refused(&h, "wrong length");
    h = good, h.type = 0, expect_refused(&h, "type 0");
    h = good, h.type = 0xffff, expect_refused(&h, "type 65535");
    h = good, h.secret[15] ^= 0x80, expect_refused(&h, "wrong secret");
    h = good, h.size = 5, expect_refused(&h, "wrong world size");
    h = good, h.to = 1, expect_refused(&h, "record for rank 1");
    h = good, h.from = 0, expect_refused(&h, "record from itself");
    h = good, h.from = -1, expect_refused(&h, "negative sender");
    h = good, h.from = 4, expect_refused(&h, "sender beyond the job");
}

static void test_secret(void **state)
{
    (void)state;
    uint8_t s[MP_TCP_SECRET_LEN];
    assert_int_equal(mp_tcp_secret_parse("000102030405060708090a0B0c0D0e0F", s), 0);
    for (int i = 0; i < MP_TCP_SECRET_LEN; i++) assert_int_equal(s[i], i);
    assert_int_equal(mp_tcp_secret_parse("000102030405060708090a0b0c0d0e0", s), -1);
    assert_int_equal(mp_tcp_secret_parse("000102030405060708090a0b0c0d0e0f0", s), -1);
    assert_int_equal(mp_tcp_secret_parse("000102030405060708090a0b0c0d0e0g", s), -1);
    assert_int_equal(mp_tcp_secret_parse("", s), -1);
    assert_int_equal(mp_tcp_secret_parse(NULL, s), -1);
}

static void test_cidr(void **state)
{
    (void)state;
    uint32_t net, mask;
    assert_int_equal(mp_tcp_cidr_parse("10.1.2.3/8", &net, &mask), 0);
    assert_int_equal(net, 0x0a000000u);
    assert_int_equal(mask, 0xff000000u);
    assert_int_equal(mp_tcp_cidr_parse("192.168.7.9/32", &net, &mask), 0);
    assert_int_equal(net, 0xc0a80709u);
    assert_int_equal(mask, 0xffffffffu);
    assert_int_equal(mp_tcp_cidr_parse("0.0.0.0/0", &net, &mask), 0);
    assert_int_equal(mask, 0);
    assert_int_equal(mp_tcp_cidr_parse("10.0.0.0/33", &net, &mask), -1);
    assert_int_equal(mp_tcp_cidr_parse("10.0.0.0/", &net, &mask), -1);
    assert_int_equal(mp_tcp_cidr_parse("10.0.0.0/-1", &net, &mask), -1);
    assert_int_equal(mp_tcp_cidr_parse("10.0.0/8", &net, &mask), -1);
    assert_int_equal(mp_tcp_cidr_parse("eth0", &net, &mask), -1);
    assert_int_equal(mp_tcp_cidr_parse("/8", &net, &mask), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_record),
        cmocka_unit_test(test_bad_fields),
        cmocka_unit_test(test_secret),
        cmocka_unit_test(test_cidr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
