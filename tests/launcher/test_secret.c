/* Unit tests for the job secret and the proxy handshake (src/mpprun/secret.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "secret.h"

/* The reference vectors of the SipHash paper: key 00..0f, messages 00..(len-1). */
static void test_siphash_vectors(void **state)
{
    (void)state;
    unsigned char key[16], msg[64];
    for (int i = 0; i < 16; i++) key[i] = (unsigned char)i;
    for (int i = 0; i < 64; i++) msg[i] = (unsigned char)i;
    assert_true(mpprun_siphash(key, msg, 0) == 0x726fdb47dd0e0e31ULL);
    assert_true(mpprun_siphash(key, msg, 1) == 0x74f839c593dc67fdULL);
    assert_true(mpprun_siphash(key, msg, 8) == 0x93f5f5799a932462ULL);
    assert_true(mpprun_siphash(key, msg, 15) == 0xa129ca6149be45e5ULL);
    assert_true(mpprun_siphash(key, msg, 63) == 0x958a324ceb064572ULL);
}

static void test_hex(void **state)
{
    (void)state;
    unsigned char s[16], t[16];
    char hex[33];
    assert_int_equal(mpprun_secret_new(s), 0);
    mpprun_secret_hex(s, hex);
    assert_int_equal(strlen(hex), 32);
    assert_int_equal(mpprun_secret_parse(hex, t), 0);
    assert_memory_equal(s, t, 16);
    assert_int_equal(mpprun_secret_parse("0123456789abcdef0123456789ABCDEF", t), 0);
    assert_int_equal(mpprun_secret_parse("0123456789abcdef0123456789abcde", t), -1);   /* short */
    assert_int_equal(mpprun_secret_parse("0123456789abcdef0123456789abcdef0", t), -1); /* long */
    assert_int_equal(mpprun_secret_parse("0123456789abcdef0123456789abcdeg", t), -1);  /* not hex */
    assert_int_equal(mpprun_secret_parse("", t), -1);
}

static void test_handshake(void **state)
{
    (void)state;
    unsigned char secret[16], other[16], ch[MPPRUN_HS_CHALLENGE_LEN], nonce[MPPRUN_HS_NONCE];
    unsigned char hello[MPPRUN_HS_HELLO_LEN], nonce_p[MPPRUN_HS_NONCE], welcome[MPPRUN_HS_WELCOME_LEN];
    const char *why = NULL;
    assert_int_equal(mpprun_secret_new(secret), 0);
    memcpy(other, secret, 16);
    other[15] ^= 1;
    assert_int_equal(mpprun_hs_challenge(ch, nonce), 0);
    assert_int_equal(mpprun_hs_hello(secret, ch, 7, hello, nonce_p), 0);
    assert_int_equal(mpprun_hs_check_hello(secret, nonce, hello, welcome, &why), 7);
    assert_int_equal(mpprun_hs_check_welcome(secret, nonce_p, ch, welcome), 0);
    assert_int_equal(mpprun_hs_check_welcome(other, nonce_p, ch, welcome), -1);
    /* a proxy without the secret */
    assert_int_equal(mpprun_hs_check_hello(other, nonce, hello, welcome, &why), -1);
    assert_string_equal(why, "wrong job secret");
    /* a replayed HELLO answers an old challenge */
    unsigned char nonce2[MPPRUN_HS_NONCE], ch2[MPPRUN_HS_CHALLENGE_LEN];
    assert_int_equal(mpprun_hs_challenge(ch2, nonce2), 0);
    assert_int_equal(mpprun_hs_check_hello(secret, nonce2, hello, welcome, &why), -1);
    /* another host index under the same tag */
    hello[8] ^= 1;
    assert_int_equal(mpprun_hs_check_hello(secret, nonce, hello, welcome, &why), -1);
    hello[8] ^= 1;
    hello[0] = 'X';
    assert_int_equal(mpprun_hs_check_hello(secret, nonce, hello, welcome, &why), -1);
    assert_string_equal(why, "wrong magic or version");
    /* the proxy checks it is talking to a challenge */
    ch[0] = 'X';
    assert_int_equal(mpprun_hs_hello(secret, ch, 7, hello, nonce_p), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_siphash_vectors),
        cmocka_unit_test(test_hex),
        cmocka_unit_test(test_handshake),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
