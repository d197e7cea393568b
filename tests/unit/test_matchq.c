/* Matching queues: earliest posted receive wins across specific and ANY_SOURCE queues; tag
 * wildcards; unexpected messages found in arrival order per source and across sources. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "p2p/matchq.h"

static struct mp_request reqs[8];

static struct mp_request *posted(struct mp_matchq *mq, int i, int src, int tag)
{
    memset(&reqs[i], 0, sizeof reqs[i]);
    reqs[i].peer = src;
    reqs[i].tag = tag;
    mp_matchq_post(mq, &reqs[i]);
    return &reqs[i];
}

static struct mp_unexp *arrive(struct mp_matchq *mq, int src, int tag, size_t len)
{
    struct mp_unexp *e = calloc(1, sizeof *e);
    assert_non_null(e);
    e->src = src;
    e->tag = tag;
    e->len = len;
    mp_matchq_add_unexp(mq, e);
    return e;
}

static void test_earliest_posted_wins(void **state)
{
    (void)state;
    struct mp_matchq *mq = mp_matchq_create(4, 3);
    assert_non_null(mq);
    struct mp_request *any = posted(mq, 0, MPI_ANY_SOURCE, 5);
    struct mp_request *spec = posted(mq, 1, 1, 5);
    struct mp_request *spec_anytag = posted(mq, 2, 1, MPI_ANY_TAG);
    /* From rank 1 tag 5: the ANY_SOURCE receive was posted first. */
    assert_ptr_equal(mp_matchq_take_posted(mq, 1, 5), any);
    assert_ptr_equal(mp_matchq_take_posted(mq, 1, 5), spec);
    /* Tag 9 only matches the ANY_TAG receive. */
    assert_null(mp_matchq_take_posted(mq, 2, 9));
    assert_ptr_equal(mp_matchq_take_posted(mq, 1, 9), spec_anytag);
    assert_null(mp_matchq_take_posted(mq, 1, 5));
    mp_matchq_destroy(mq);
}

static void test_specific_before_later_any(void **state)
{
    (void)state;
    struct mp_matchq *mq = mp_matchq_create(4, 2);
    struct mp_request *spec = posted(mq, 0, 0, 1);
    struct mp_request *any = posted(mq, 1, MPI_ANY_SOURCE, MPI_ANY_TAG);
    assert_ptr_equal(mp_matchq_take_posted(mq, 0, 1), spec);
    assert_ptr_equal(mp_matchq_take_posted(mq, 0, 1), any);
    struct mp_request *r = posted(mq, 2, 1, 3);
    mp_matchq_remove_posted(mq, r);
    assert_null(mp_matchq_take_posted(mq, 1, 3));
    mp_matchq_destroy(mq);
}

static void test_unexpected_order(void **state)
{
    (void)state;
    struct mp_matchq *mq = mp_matchq_create(6, 3);
    struct mp_unexp *a = arrive(mq, 2, 7, 10);
    struct mp_unexp *b = arrive(mq, 1, 7, 20);
    struct mp_unexp *c = arrive(mq, 2, 8, 30);
    struct mp_unexp *d = arrive(mq, 2, 7, 40);
    /* Probe does not remove. */
    assert_ptr_equal(mp_matchq_find_unexp(mq, MPI_ANY_SOURCE, 7, 0), a);
    assert_ptr_equal(mp_matchq_find_unexp(mq, 2, 8, 0), c);
    /* Source 2, tag 7: in order a, then d. */
    assert_ptr_equal(mp_matchq_find_unexp(mq, 2, 7, 1), a);
    free(a);
    /* Any source, tag 7: b arrived before d. */
    assert_ptr_equal(mp_matchq_find_unexp(mq, MPI_ANY_SOURCE, 7, 1), b);
    free(b);
    assert_ptr_equal(mp_matchq_find_unexp(mq, MPI_ANY_SOURCE, MPI_ANY_TAG, 1), c);
    free(c);
    assert_ptr_equal(mp_matchq_find_unexp(mq, 2, MPI_ANY_TAG, 1), d);
    free(d);
    assert_null(mp_matchq_find_unexp(mq, MPI_ANY_SOURCE, MPI_ANY_TAG, 0));
    assert_null(mq->all.head);
    assert_null(mq->unexp[2].head);
    assert_null(mq->unexp[2].tail);
    mp_matchq_destroy(mq);
}

/* Cancellation finds a message by its sender's request id, whatever its tag, only from that
 * source, and leaves the order of the others alone. */
static void test_take_by_sender(void **state)
{
    (void)state;
    struct mp_matchq *mq = mp_matchq_create(8, 3);
    struct mp_unexp *a = arrive(mq, 1, 4, 10);
    struct mp_unexp *b = arrive(mq, 1, 5, 20);
    struct mp_unexp *c = arrive(mq, 2, 4, 30);
    struct mp_unexp *d = arrive(mq, 1, 4, 40);
    b->sreq = 0x1000;
    c->sreq = 0x2000;
    d->sreq = 0x3000;
    assert_null(mp_matchq_take_unexp_by_sender(mq, 1, 0x2000));
    assert_null(mp_matchq_take_unexp_by_sender(mq, 0, 0x1000));
    assert_ptr_equal(mp_matchq_take_unexp_by_sender(mq, 1, 0x1000), b);
    free(b);
    assert_null(mp_matchq_take_unexp_by_sender(mq, 1, 0x1000));
    assert_ptr_equal(mp_matchq_take_unexp_by_sender(mq, 1, 0x3000), d);
    free(d);
    assert_ptr_equal(mq->unexp[1].tail, a);
    assert_ptr_equal(mp_matchq_find_unexp(mq, MPI_ANY_SOURCE, MPI_ANY_TAG, 1), a);
    free(a);
    assert_ptr_equal(mp_matchq_find_unexp(mq, MPI_ANY_SOURCE, MPI_ANY_TAG, 1), c);
    free(c);
    assert_null(mq->all.head);
    assert_null(mq->all.tail);
    mp_matchq_destroy(mq);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_earliest_posted_wins),
        cmocka_unit_test(test_specific_before_later_any),
        cmocka_unit_test(test_unexpected_order),
        cmocka_unit_test(test_take_by_sender),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
