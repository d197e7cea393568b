/* The shared-memory ring: one single-producer/single-consumer ring per sender -> receiver pair.
 *
 * The ring is a power-of-two array of 64-byte cells in the receiver's segment. An entry starts on
 * a cell with an 8-byte control word {valid bit, wrap bit, payload length}, followed by the
 * payload, and covers whole cells. The producer writes the payload, then stores the entry's
 * control word with release semantics; the consumer polls one control word at its read position
 * and sees either 0 (nothing yet) or a complete entry.
 *
 * Stale bytes from an earlier lap can never look valid. Before the consumer hands space back to
 * the producer (publishes its tail), it clears the first word of every cell of each entry it
 * consumed — of entries up to MP_RING_CLEAR_CELLS cells; of larger ones only the control word,
 * since clearing hundreds of lines would cost more than the copy. The producer, which wrote those
 * large entries, remembers which cells still hold payload in their first word (a private bitmap),
 * and when a new entry ends right before such a cell — the next place the consumer will look —
 * it clears that cell before publishing the entry. So a small send touches only its own cache
 * line, and no entry costs a per-cell clearing pass on the critical path.
 *
 * No locks, no atomics beyond acquire/release ordering, no syscalls. The consumer publishes its
 * tail lazily: every quarter ring, and whenever it finds the ring empty (off the critical path:
 * it has nothing else to do then), so a producer waiting for space is never stranded. The
 * producer caches the tail and rereads it only when the ring looks full. Head and tail never
 * share a cache line. */
#ifndef MP_SHM_RING_H
#define MP_SHM_RING_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/mp.h"

#define MP_RING_CELL 64u
#define MP_RING_VALID (1ull << 63)
#define MP_RING_WRAP (1ull << 62)
#define MP_RING_LEN_MASK 0xffffffffull
/* Entries up to this many cells are cleared whole by the consumer (see above). */
#define MP_RING_CLEAR_CELLS 256u

struct mp_ring_shared {
    _Alignas(64) volatile uint64_t tail; /* bytes consumed, written by the consumer only */
    char pad[56];
    _Alignas(64) unsigned char cells[]; /* ring_size bytes */
};

static inline size_t mp_ring_footprint(size_t ring_size)
{
    return sizeof(struct mp_ring_shared) + ring_size;
}

static inline uint64_t mp_ring_entry_bytes(size_t len)
{
    return (8 + (uint64_t)len + MP_RING_CELL - 1) & ~(uint64_t)(MP_RING_CELL - 1);
}

/* Largest payload one entry may carry in a ring of `ring_size` bytes: an entry plus its wrap
 * filler must always fit. */
static inline size_t mp_ring_max_payload(size_t ring_size)
{
    return ring_size / 2 - 8 - MP_RING_CELL;
}

struct mp_ring_tx {
    struct mp_ring_shared *ring;
    uint64_t head;       /* bytes produced */
    uint64_t tail_cache; /* last tail read from the consumer */
    uint64_t mask;
    uint64_t *payload_cells; /* bit per cell: its first word holds payload of an earlier entry */
};

struct mp_ring_rx {
    struct mp_ring_shared *ring;
    uint64_t pos;       /* bytes consumed */
    uint64_t published; /* last value stored to ring->tail */
    uint64_t mask;
};

/* Returns -1 when the producer's bitmap cannot be allocated. */
static inline int mp_ring_tx_init(struct mp_ring_tx *tx, struct mp_ring_shared *ring, size_t ring_size)
{
    tx->ring = ring;
    tx->head = 0;
    tx->tail_cache = 0;
    tx->mask = ring_size - 1;
    tx->payload_cells = calloc((ring_size / MP_RING_CELL + 63) / 64, sizeof(uint64_t));
    return tx->payload_cells ? 0 : -1;
}

static inline void mp_ring_tx_destroy(struct mp_ring_tx *tx)
{
    free(tx->payload_cells);
    tx->payload_cells = NULL;
}

/* Makes the cell at byte offset `off` safe to poll: clear unless it holds an earlier payload. */
static inline void mp_ring_clean_cell(struct mp_ring_tx *tx, uint64_t off)
{
    const uint64_t cell = off / MP_RING_CELL;
    uint64_t *word = &tx->payload_cells[cell / 64];
    const uint64_t bit = 1ull << (cell % 64);
    if (MP_UNLIKELY(*word & bit)) {
        *(uint64_t *)(void *)(tx->ring->cells + off) = 0;
        *word &= ~bit;
    }
}

/* Records which cells of the entry of `need` bytes at `off` will still hold payload in their
 * first word once the consumer is done with it: none for small entries (cleared whole), all but
 * the first for large ones. */
static inline void mp_ring_note_entry(struct mp_ring_tx *tx, uint64_t off, uint64_t need)
{
    const uint64_t first = off / MP_RING_CELL, end = first + need / MP_RING_CELL;
    const int dirty = need / MP_RING_CELL > MP_RING_CLEAR_CELLS;
    /* Whole 64-bit words of the bitmap at a time: a 4 KiB entry spans 65 cells. */
    for (uint64_t c = first; c < end;) {
        const uint64_t bit = c % 64, n = end - c < 64 - bit ? end - c : 64 - bit;
        const uint64_t mask = (n == 64 ? ~0ull : ((1ull << n) - 1)) << bit;
        uint64_t *word = &tx->payload_cells[c / 64];
        *word = dirty ? *word | mask : *word & ~mask;
        c += n;
    }
    if (dirty) tx->payload_cells[first / 64] &= ~(1ull << (first % 64));
}

static inline void mp_ring_rx_init(struct mp_ring_rx *rx, struct mp_ring_shared *ring, size_t ring_size)
{
    rx->ring = ring;
    rx->pos = 0;
    rx->published = 0;
    rx->mask = ring_size - 1;
}

static inline uint64_t *mp_ring_ctl(struct mp_ring_shared *ring, uint64_t offset)
{
    return (uint64_t *)(void *)(ring->cells + offset);
}

/* Returns where to write `len` payload bytes, or NULL when the ring has no room now. The entry
 * becomes visible with mp_ring_commit(tx, len). */
static inline void *mp_ring_reserve(struct mp_ring_tx *tx, size_t len)
{
    const uint64_t size = tx->mask + 1;
    const uint64_t need = mp_ring_entry_bytes(len);
    uint64_t off = tx->head & tx->mask;
    const uint64_t filler = off + need > size ? size - off : 0;
    if (tx->head + filler + need - tx->tail_cache > size) {
        tx->tail_cache = __atomic_load_n(&tx->ring->tail, __ATOMIC_ACQUIRE);
        if (tx->head + filler + need - tx->tail_cache > size) return NULL;
    }
    if (filler) {
        mp_ring_note_entry(tx, off, MP_RING_CELL);
        mp_ring_clean_cell(tx, 0);
        __atomic_store_n(mp_ring_ctl(tx->ring, off), MP_RING_VALID | MP_RING_WRAP, __ATOMIC_RELEASE);
        tx->head += filler;
        off = 0;
    }
    return tx->ring->cells + off + 8;
}

static inline void mp_ring_commit(struct mp_ring_tx *tx, size_t len)
{
    const uint64_t off = tx->head & tx->mask;
    const uint64_t need = mp_ring_entry_bytes(len);
    mp_ring_note_entry(tx, off, need);
    mp_ring_clean_cell(tx, (off + need) & tx->mask);
    __atomic_store_n(mp_ring_ctl(tx->ring, off), MP_RING_VALID | (uint64_t)len, __ATOMIC_RELEASE);
    tx->head += need;
}

/* Clears what was consumed since the last publication (see above), then hands the space back
 * to the producer. */
static inline void mp_ring_publish(struct mp_ring_rx *rx)
{
    for (uint64_t at = rx->published; at != rx->pos;) {
        const uint64_t off = at & rx->mask;
        const uint64_t v = *mp_ring_ctl(rx->ring, off);
        const uint64_t bytes =
            (v & MP_RING_WRAP) ? rx->mask + 1 - off : mp_ring_entry_bytes((size_t)(v & MP_RING_LEN_MASK));
        const uint64_t clear = bytes / MP_RING_CELL > MP_RING_CLEAR_CELLS ? MP_RING_CELL : bytes;
        for (uint64_t c = 0; c < clear; c += MP_RING_CELL) *mp_ring_ctl(rx->ring, off + c) = 0;
        at += bytes;
    }
    __atomic_store_n(&rx->ring->tail, rx->pos, __ATOMIC_RELEASE);
    rx->published = rx->pos;
}

/* Returns the next entry's payload and stores its length, or returns NULL when the ring is
 * empty. The payload stays valid until mp_ring_consume. */
static inline const void *mp_ring_peek(struct mp_ring_rx *rx, size_t *len)
{
    for (;;) {
        const uint64_t off = rx->pos & rx->mask;
        const uint64_t ctl = __atomic_load_n(mp_ring_ctl(rx->ring, off), __ATOMIC_ACQUIRE);
        if (!ctl) {
            if (rx->published != rx->pos) mp_ring_publish(rx);
            return NULL;
        }
        if (ctl & MP_RING_WRAP) {
            rx->pos += rx->mask + 1 - off;
            continue;
        }
        *len = (size_t)(ctl & MP_RING_LEN_MASK);
        return rx->ring->cells + off + 8;
    }
}

static inline void mp_ring_consume(struct mp_ring_rx *rx, size_t len)
{
    rx->pos += mp_ring_entry_bytes(len);
    if (rx->pos - rx->published >= (rx->mask + 1) / 4) mp_ring_publish(rx);
}

#endif
