#include "core/attr.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"

struct keyval {
    enum mp_attr_kind kind;
    int live;       /* the user still holds the handle */
    int refs;       /* the handle (while live) plus one per attribute using it */
    int predefined; /* MPI_TAG_UB ... MPI_LASTUSEDCODE: read-only, values computed here */
    mp_attr_copy_fn *copy;
    mp_attr_delete_fn *del;
    void *extra;
};

/* Slot i is keyval i; slot 0 is unused, 1..MPI_LASTUSEDCODE are the predefined keys. */
static struct keyval *keyvals;
static int nkeyvals;

struct attr {
    int keyval;
    void *value;
    struct attr *next;
};

/* Attribute lists per kind, indexed by the object's handle; the most recently set first. */
static struct attr **lists[MP_ATTR_KINDS];
static int list_cap[MP_ATTR_KINDS];

int mp_attr_null_copy_fn(int handle, int keyval, void *extra_state, void *in, void *out, int *flag)
{
    (void)handle, (void)keyval, (void)extra_state, (void)in, (void)out;
    *flag = 0;
    return MPI_SUCCESS;
}

int mp_attr_dup_fn(int handle, int keyval, void *extra_state, void *in, void *out, int *flag)
{
    (void)handle, (void)keyval, (void)extra_state;
    *(void **)out = in;
    *flag = 1;
    return MPI_SUCCESS;
}

int mp_attr_null_delete_fn(int handle, int keyval, void *attribute_val, void *extra_state)
{
    (void)handle, (void)keyval, (void)attribute_val, (void)extra_state;
    return MPI_SUCCESS;
}

/* The table starts with the predefined keys, so user keyvals never collide with them. */
static int ensure_table(void)
{
    if (keyvals) return MPI_SUCCESS;
    keyvals = calloc(MPI_LASTUSEDCODE + 1, sizeof *keyvals);
    if (!keyvals) return MPI_ERR_NO_MEM;
    nkeyvals = MPI_LASTUSEDCODE + 1;
    for (int i = 1; i <= MPI_LASTUSEDCODE; i++)
        keyvals[i] = (struct keyval){.kind = MP_ATTR_COMM, .live = 1, .refs = 1, .predefined = 1};
    return MPI_SUCCESS;
}

int mp_keyval_create(enum mp_attr_kind kind, mp_attr_copy_fn *copy, mp_attr_delete_fn *del, void *extra_state,
                     int *keyval)
{
    if (ensure_table() != MPI_SUCCESS) return MPI_ERR_NO_MEM;
    int i = MPI_LASTUSEDCODE + 1;
    while (i < nkeyvals && keyvals[i].refs) i++;
    if (i == nkeyvals) {
        struct keyval *grown = realloc(keyvals, (size_t)(2 * nkeyvals) * sizeof *grown);
        if (!grown) return MPI_ERR_NO_MEM;
        memset(grown + nkeyvals, 0, (size_t)nkeyvals * sizeof *grown);
        keyvals = grown;
        nkeyvals *= 2;
    }
    keyvals[i] = (struct keyval){.kind = kind, .live = 1, .refs = 1, .copy = copy, .del = del, .extra = extra_state};
    *keyval = i;
    return MPI_SUCCESS;
}

/* The keyval when it exists for `kind`; one freed by the user still exists while attributes use it. */
static struct keyval *lookup(enum mp_attr_kind kind, int keyval)
{
    if (ensure_table() != MPI_SUCCESS) return NULL;
    if (keyval <= 0 || keyval >= nkeyvals || !keyvals[keyval].refs || keyvals[keyval].kind != kind) return NULL;
    return &keyvals[keyval];
}

int mp_keyval_check(enum mp_attr_kind kind, int keyval, int predefined_ok)
{
    const struct keyval *k = lookup(kind, keyval);
    if (!k || !k->live || (k->predefined && !predefined_ok)) return MPI_ERR_KEYVAL;
    return MPI_SUCCESS;
}

static void unref(struct keyval *k)
{
    if (--k->refs == 0) *k = (struct keyval){0};
}

int mp_keyval_free(enum mp_attr_kind kind, int *keyval)
{
    int rc = mp_keyval_check(kind, *keyval, 0);
    if (rc != MPI_SUCCESS) return rc;
    struct keyval *k = &keyvals[*keyval];
    k->live = 0;
    unref(k);
    *keyval = MPI_KEYVAL_INVALID;
    return MPI_SUCCESS;
}

/* The slot holding the list of `handle`, grown on demand; NULL when out of memory. */
static struct attr **list_of(enum mp_attr_kind kind, int handle, int grow)
{
    if (handle < 0) return NULL;
    if (handle >= list_cap[kind]) {
        if (!grow) return NULL;
        int cap = list_cap[kind] ? list_cap[kind] : 16;
        while (cap <= handle) cap *= 2;
        struct attr **l = realloc(lists[kind], (size_t)cap * sizeof *l);
        if (!l) return NULL;
        memset(l + list_cap[kind], 0, (size_t)(cap - list_cap[kind]) * sizeof *l);
        lists[kind] = l;
        list_cap[kind] = cap;
    }
    return &lists[kind][handle];
}

static struct attr **find(enum mp_attr_kind kind, int handle, int keyval)
{
    struct attr **link = list_of(kind, handle, 0);
    while (link && *link && (*link)->keyval != keyval) link = &(*link)->next;
    return link && *link ? link : NULL;
}

/* Runs the delete callback of *link's attribute and, when it succeeds, unlinks it. */
static int drop(int handle, struct attr **link)
{
    struct attr *a = *link;
    struct keyval *k = &keyvals[a->keyval];
    int rc = k->del ? k->del(handle, a->keyval, a->value, k->extra) : MPI_SUCCESS;
    if (rc != MPI_SUCCESS) return rc;
    *link = a->next;
    free(a);
    unref(k);
    return MPI_SUCCESS;
}

int mp_attr_set(enum mp_attr_kind kind, int handle, int keyval, void *value)
{
    int rc = mp_keyval_check(kind, keyval, 0);
    if (rc != MPI_SUCCESS) return rc;
    struct attr **link = find(kind, handle, keyval);
    if (link && (rc = drop(handle, link)) != MPI_SUCCESS) return rc;
    struct attr **head = list_of(kind, handle, 1);
    struct attr *a = malloc(sizeof *a);
    if (!head || !a) {
        free(a);
        return MPI_ERR_NO_MEM;
    }
    *a = (struct attr){.keyval = keyval, .value = value, .next = *head};
    *head = a;
    keyvals[keyval].refs++;
    return MPI_SUCCESS;
}

/* Values of the predefined communicator keys: every process may do I/O, there is no host process,
 * clocks are per process, and the universe is the job. */
static int predefined_value(int keyval)
{
    switch (keyval) {
    case MPI_TAG_UB: return MP_TAG_UB;
    case MPI_HOST: return MPI_PROC_NULL;
    case MPI_IO: return MPI_ANY_SOURCE;
    case MPI_WTIME_IS_GLOBAL: return 0;
    case MPI_UNIVERSE_SIZE: return mp_g.world_size;
    case MPI_APPNUM: return 0;
    default: return mp_error_last_code();
    }
}

int mp_attr_get(enum mp_attr_kind kind, int handle, int keyval, void **value, int *flag)
{
    int rc = mp_keyval_check(kind, keyval, 1);
    if (rc != MPI_SUCCESS) return rc;
    if (keyvals[keyval].predefined) {
        static int values[MPI_LASTUSEDCODE + 1];
        values[keyval] = predefined_value(keyval);
        *value = &values[keyval];
        *flag = 1;
        return MPI_SUCCESS;
    }
    struct attr **link = find(kind, handle, keyval);
    *flag = link != NULL;
    if (link) *value = (*link)->value;
    return MPI_SUCCESS;
}

int mp_attr_delete(enum mp_attr_kind kind, int handle, int keyval)
{
    int rc = mp_keyval_check(kind, keyval, 0);
    if (rc != MPI_SUCCESS) return rc;
    /* Deleting an attribute that is not set is not an error (as in MPICH). */
    struct attr **link = find(kind, handle, keyval);
    return link ? drop(handle, link) : MPI_SUCCESS;
}

int mp_attr_copy_all(enum mp_attr_kind kind, int old_handle, int new_handle)
{
    struct attr **head = list_of(kind, old_handle, 0);
    /* Copies go in oldest first, so the new object's list keeps the old one's order. */
    int n = 0;
    for (struct attr *a = head ? *head : NULL; a; a = a->next) n++;
    struct attr **order = malloc((size_t)(n ? n : 1) * sizeof *order);
    if (!order) return MPI_ERR_NO_MEM;
    int i = n;
    for (struct attr *a = head ? *head : NULL; a; a = a->next) order[--i] = a;
    int rc = MPI_SUCCESS;
    for (i = 0; i < n && rc == MPI_SUCCESS; i++) {
        struct keyval *k = &keyvals[order[i]->keyval];
        void *out = NULL;
        int flag = 0;
        if (k->copy) rc = k->copy(old_handle, order[i]->keyval, k->extra, order[i]->value, &out, &flag);
        if (rc == MPI_SUCCESS && flag) {
            struct attr **nhead = list_of(kind, new_handle, 1);
            struct attr *a = malloc(sizeof *a);
            if (!nhead || !a) {
                free(a);
                rc = MPI_ERR_NO_MEM;
                break;
            }
            *a = (struct attr){.keyval = order[i]->keyval, .value = out, .next = *nhead};
            *nhead = a;
            k->refs++;
        }
    }
    free(order);
    if (rc != MPI_SUCCESS) mp_attr_delete_all(kind, new_handle);
    return rc;
}

int mp_attr_delete_all(enum mp_attr_kind kind, int handle)
{
    struct attr **head = list_of(kind, handle, 0);
    while (head && *head) {
        int rc = drop(handle, head);
        if (rc != MPI_SUCCESS) return rc;
    }
    return MPI_SUCCESS;
}

void mp_attr_finalize(void)
{
    for (int kind = 0; kind < MP_ATTR_KINDS; kind++) {
        for (int h = 0; h < list_cap[kind]; h++)
            for (struct attr *a = lists[kind][h], *next; a; a = next) {
                next = a->next;
                free(a);
            }
        free(lists[kind]);
        lists[kind] = NULL;
        list_cap[kind] = 0;
    }
    free(keyvals);
    keyvals = NULL;
    nkeyvals = 0;
}
