/* Reduce-scatter as a binomial reduction of the whole vector to rank 0 and a linear scatter of
 * the parts: few messages, so the choice for short vectors on many ranks. */
#include "collectives/algorithms.h"

void mp_reduce_scatter_reduce_scatterv(struct mp_sched *s, const struct mp_coll_args *a)
{
    const int size = s->size;
    const size_t ext = s->red.extent;
    struct mp_coll_args r = *a;
    r.root = 0;
    r.rbuf = s->rank == 0 ? mp_sched_scratch(s, a->count * ext) : NULL;
    if (s->rank == 0 && !r.rbuf) return;
    mp_reduce_binomial(s, &r);
    mp_sched_round(s);

    size_t *len = mp_sched_scratch(s, 2 * (size_t)size * sizeof *len);
    if (!len) return;
    size_t *off = len + size;
    for (int i = 0; i < size; i++) {
        len[i] = (a->counts ? a->counts[i] : a->count / (size_t)size) * ext;
        off[i] = (a->displs ? a->displs[i] : (size_t)i * (a->count / (size_t)size)) * ext;
    }
    struct mp_coll_args sc = {.sbuf = r.rbuf, .rbuf = a->rbuf, .bytes = len[s->rank], .counts = len, .displs = off};
    mp_scatter_linear(s, &sc);
}
