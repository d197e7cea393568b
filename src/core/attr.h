/* Attribute caching, generic over the kind of object (communicators, datatypes): keyvals in one
 * table, attributes kept per (kind, handle). The object's code calls mp_attr_copy_all when it
 * duplicates an object and mp_attr_delete_all before it frees one. */
#ifndef MP_ATTR_H
#define MP_ATTR_H

#include "core/mp.h"

enum mp_attr_kind { MP_ATTR_COMM = 0, MP_ATTR_TYPE = 1, MP_ATTR_KINDS = 2 };

/* MPI_Comm and MPI_Datatype are both int: one callback type serves every kind. */
typedef int mp_attr_copy_fn(int handle, int keyval, void *extra_state, void *in, void *out, int *flag);
typedef int mp_attr_delete_fn(int handle, int keyval, void *value, void *extra_state);

/* Each returns an error class (or the failing callback's code). */
int mp_keyval_create(enum mp_attr_kind kind, mp_attr_copy_fn *copy, mp_attr_delete_fn *del, void *extra_state,
                     int *keyval);
/* A freed keyval lives on while attributes still use it; sets *keyval to MPI_KEYVAL_INVALID. */
int mp_keyval_free(enum mp_attr_kind kind, int *keyval);
/* MPI_SUCCESS when `keyval` is a live keyval of `kind` (predefined ones count when `predefined_ok`),
 * else MPI_ERR_KEYVAL. */
int mp_keyval_check(enum mp_attr_kind kind, int keyval, int predefined_ok);

/* Setting a present attribute first runs its delete callback, as MPI_Comm_delete_attr would. */
int mp_attr_set(enum mp_attr_kind kind, int handle, int keyval, void *value);
/* *value receives the stored value (for predefined communicator keys: a pointer to an int). */
int mp_attr_get(enum mp_attr_kind kind, int handle, int keyval, void **value, int *flag);
int mp_attr_delete(enum mp_attr_kind kind, int handle, int keyval);

/* Runs the copy callback of every attribute of `old_handle`, storing the copies on `new_handle`.
 * On failure the copies made so far are deleted again and the callback's code is returned. */
int mp_attr_copy_all(enum mp_attr_kind kind, int old_handle, int new_handle);
/* Runs the delete callback of every attribute of `handle` (the most recently set first) and
 * drops them; stops at the first failing callback and returns its code. */
int mp_attr_delete_all(enum mp_attr_kind kind, int handle);

/* Drops every attribute and keyval without running callbacks (MPI_Finalize). */
void mp_attr_finalize(void);

#endif
