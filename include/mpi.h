/* libmsgpass: public MPI interface (subset of MPI-3.1/4.0, C bindings).
 * Handles are integers (communicators, groups, datatypes, ops, errhandlers, info, windows)
 * or opaque pointers (requests), so every predefined handle is a constant expression. */
#ifndef MSGPASS_MPI_H
#define MSGPASS_MPI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MPI_VERSION 3
#define MPI_SUBVERSION 1
#define MSGPASS_VERSION_STRING "0.1.0"

/* ---- handle types ---- */
typedef int MPI_Comm;
typedef int MPI_Group;
typedef int MPI_Datatype;
typedef int MPI_Op;
typedef int MPI_Errhandler;
typedef int MPI_Info;
typedef int MPI_Win;
typedef struct mp_request *MPI_Request;
typedef intptr_t MPI_Aint;
typedef long long MPI_Offset;
typedef long long MPI_Count;
typedef int MPI_Fint;

typedef struct MPI_Status {
    int MPI_SOURCE;
    int MPI_TAG;
    int MPI_ERROR;
    int mp_cancelled;
    long long mp_count; /* received bytes */
} MPI_Status;

typedef void MPI_User_function(void *invec, void *inoutvec, int *len, MPI_Datatype *datatype);
typedef void MPI_Comm_errhandler_function(MPI_Comm *comm, int *errcode, ...);
typedef MPI_Comm_errhandler_function MPI_Comm_errhandler_fn;

/* ---- error classes ---- */
#define MPI_SUCCESS 0
#define MPI_ERR_BUFFER 1
#define MPI_ERR_COUNT 2
#define MPI_ERR_TYPE 3
#define MPI_ERR_TAG 4
#define MPI_ERR_COMM 5
#define MPI_ERR_RANK 6
#define MPI_ERR_REQUEST 7
#define MPI_ERR_ROOT 8
#define MPI_ERR_GROUP 9
#define MPI_ERR_OP 10
#define MPI_ERR_TOPOLOGY 11
#define MPI_ERR_DIMS 12
#define MPI_ERR_ARG 13
#define MPI_ERR_UNKNOWN 14
#define MPI_ERR_TRUNCATE 15
#define MPI_ERR_OTHER 16
#define MPI_ERR_INTERN 17
#define MPI_ERR_IN_STATUS 18
#define MPI_ERR_PENDING 19
#define MPI_ERR_NO_MEM 20
#define MPI_ERR_UNSUPPORTED_OPERATION 21
#define MPI_ERR_KEYVAL 22
#define MPI_ERR_INFO_KEY 23
#define MPI_ERR_INFO_VALUE 24
#define MPI_ERR_INFO_NOKEY 25
#define MPI_ERR_INFO 26
#define MPI_ERR_LASTCODE 64

/* ---- predefined handles ---- */
#define MPI_COMM_NULL ((MPI_Comm)0)
#define MPI_COMM_WORLD ((MPI_Comm)1)
#define MPI_COMM_SELF ((MPI_Comm)2)

#define MPI_GROUP_NULL ((MPI_Group)0)
#define MPI_GROUP_EMPTY ((MPI_Group)1)

#define MPI_REQUEST_NULL ((MPI_Request)0)
#define MPI_ERRHANDLER_NULL ((MPI_Errhandler)0)
#define MPI_ERRORS_ARE_FATAL ((MPI_Errhandler)1)
#define MPI_ERRORS_RETURN ((MPI_Errhandler)2)
#define MPI_INFO_NULL ((MPI_Info)0)
#define MPI_WIN_NULL ((MPI_Win)0)

/* Predefined datatypes: small integers indexing the library's type table. */
#define MPI_DATATYPE_NULL ((MPI_Datatype)0)
#define MPI_CHAR ((MPI_Datatype)1)
#define MPI_SIGNED_CHAR ((MPI_Datatype)2)
#define MPI_UNSIGNED_CHAR ((MPI_Datatype)3)
#define MPI_BYTE ((MPI_Datatype)4)
#define MPI_WCHAR ((MPI_Datatype)5)
#define MPI_SHORT ((MPI_Datatype)6)
#define MPI_UNSIGNED_SHORT ((MPI_Datatype)7)
#define MPI_INT ((MPI_Datatype)8)
#define MPI_UNSIGNED ((MPI_Datatype)9)
#define MPI_LONG ((MPI_Datatype)10)
#define MPI_UNSIGNED_LONG ((MPI_Datatype)11)
#define MPI_LONG_LONG_INT ((MPI_Datatype)12)
#define MPI_LONG_LONG MPI_LONG_LONG_INT
#define MPI_UNSIGNED_LONG_LONG ((MPI_Datatype)13)
#define MPI_FLOAT ((MPI_Datatype)14)
#define MPI_DOUBLE ((MPI_Datatype)15)
#define MPI_LONG_DOUBLE ((MPI_Datatype)16)
#define MPI_C_BOOL ((MPI_Datatype)17)
#define MPI_INT8_T ((MPI_Datatype)18)
#define MPI_INT16_T ((MPI_Datatype)19)
#define MPI_INT32_T ((MPI_Datatype)20)
#define MPI_INT64_T ((MPI_Datatype)21)
#define MPI_UINT8_T ((MPI_Datatype)22)
#define MPI_UINT16_T ((MPI_Datatype)23)
#define MPI_UINT32_T ((MPI_Datatype)24)
#define MPI_UINT64_T ((MPI_Datatype)25)
#define MPI_AINT ((MPI_Datatype)26)
#define MPI_OFFSET ((MPI_Datatype)27)
#define MPI_COUNT ((MPI_Datatype)28)
#define MPI_PACKED ((MPI_Datatype)29)
#define MPI_FLOAT_INT ((MPI_Datatype)30)
#define MPI_DOUBLE_INT ((MPI_Datatype)31)
#define MPI_LONG_INT ((MPI_Datatype)32)
#define MPI_2INT ((MPI_Datatype)33)
#define MPI_SHORT_INT ((MPI_Datatype)34)
#define MPI_LONG_DOUBLE_INT ((MPI_Datatype)35)
#define MPI_C_FLOAT_COMPLEX ((MPI_Datatype)36)
#define MPI_C_COMPLEX MPI_C_FLOAT_COMPLEX
#define MPI_C_DOUBLE_COMPLEX ((MPI_Datatype)37)
#define MPI_C_LONG_DOUBLE_COMPLEX ((MPI_Datatype)38)
#define MPI_UNSIGNED_LONG_LONG_INT MPI_UNSIGNED_LONG_LONG

/* ---- derived datatypes: constants ---- */
#define MPI_CXX_BOOL ((MPI_Datatype)39)
#define MPI_CXX_FLOAT_COMPLEX ((MPI_Datatype)40)
#define MPI_CXX_DOUBLE_COMPLEX ((MPI_Datatype)41)
#define MPI_CXX_LONG_DOUBLE_COMPLEX ((MPI_Datatype)42)

#define MPI_COMBINER_NAMED 1
#define MPI_COMBINER_DUP 2
#define MPI_COMBINER_CONTIGUOUS 3
#define MPI_COMBINER_VECTOR 4
#define MPI_COMBINER_HVECTOR 5
#define MPI_COMBINER_INDEXED 6
#define MPI_COMBINER_HINDEXED 7
#define MPI_COMBINER_INDEXED_BLOCK 8
#define MPI_COMBINER_HINDEXED_BLOCK 9
#define MPI_COMBINER_STRUCT 10
#define MPI_COMBINER_SUBARRAY 11
#define MPI_COMBINER_DARRAY 12
#define MPI_COMBINER_F90_REAL 13
#define MPI_COMBINER_F90_COMPLEX 14
#define MPI_COMBINER_F90_INTEGER 15
#define MPI_COMBINER_RESIZED 16

#define MPI_ORDER_C 56
#define MPI_ORDER_FORTRAN 57

#define MPI_DISTRIBUTE_BLOCK 121
#define MPI_DISTRIBUTE_CYCLIC 122
#define MPI_DISTRIBUTE_NONE 123
#define MPI_DISTRIBUTE_DFLT_DARG (-49767)

#define MPI_OP_NULL ((MPI_Op)0)
#define MPI_MAX ((MPI_Op)1)
#define MPI_MIN ((MPI_Op)2)
#define MPI_SUM ((MPI_Op)3)
#define MPI_PROD ((MPI_Op)4)
#define MPI_LAND ((MPI_Op)5)
#define MPI_BAND ((MPI_Op)6)
#define MPI_LOR ((MPI_Op)7)
#define MPI_BOR ((MPI_Op)8)
#define MPI_LXOR ((MPI_Op)9)
#define MPI_BXOR ((MPI_Op)10)
#define MPI_MAXLOC ((MPI_Op)11)
#define MPI_MINLOC ((MPI_Op)12)
#define MPI_REPLACE ((MPI_Op)13)
#define MPI_NO_OP ((MPI_Op)14)

/* ---- special values ---- */
#define MPI_ANY_SOURCE (-2)
#define MPI_ANY_TAG (-1)
#define MPI_PROC_NULL (-3)
#define MPI_ROOT (-4)
#define MPI_UNDEFINED (-32766)
#define MPI_KEYVAL_INVALID (-1)

#define MPI_IN_PLACE ((void *)-1)
#define MPI_BOTTOM ((void *)0)
#define MPI_STATUS_IGNORE ((MPI_Status *)0)
#define MPI_STATUSES_IGNORE ((MPI_Status *)0)

#define MPI_IDENT 0
#define MPI_CONGRUENT 1
#define MPI_SIMILAR 2
#define MPI_UNEQUAL 3

#define MPI_THREAD_SINGLE 0
#define MPI_THREAD_FUNNELED 1
#define MPI_THREAD_SERIALIZED 2
#define MPI_THREAD_MULTIPLE 3

#define MPI_MAX_PROCESSOR_NAME 256
#define MPI_MAX_ERROR_STRING 512
#define MPI_MAX_LIBRARY_VERSION_STRING 256
#define MPI_MAX_OBJECT_NAME 128

/* ---- communicators, groups, topologies, attributes, info, errors (comm area) ---- */
#define MPI_COMM_TYPE_SHARED 1
#define MPI_CART 1
#define MPI_GRAPH 2
#define MPI_DIST_GRAPH 3
#define MPI_MAX_INFO_KEY 255
#define MPI_MAX_INFO_VAL 1024

/* Predefined attribute keys (MPI_Comm_get_attr on any communicator). */
#define MPI_TAG_UB 1
#define MPI_HOST 2
#define MPI_IO 3
#define MPI_WTIME_IS_GLOBAL 4
#define MPI_UNIVERSE_SIZE 5
#define MPI_APPNUM 6
#define MPI_LASTUSEDCODE 7

/* MPI_Comm and MPI_Datatype are both int, so one set of predefined callbacks serves both. */
typedef int MPI_Comm_copy_attr_function(MPI_Comm oldcomm, int comm_keyval, void *extra_state, void *attribute_val_in,
                                        void *attribute_val_out, int *flag);
typedef int MPI_Comm_delete_attr_function(MPI_Comm comm, int comm_keyval, void *attribute_val, void *extra_state);
typedef int MPI_Type_copy_attr_function(MPI_Datatype oldtype, int type_keyval, void *extra_state,
                                        void *attribute_val_in, void *attribute_val_out, int *flag);
typedef int MPI_Type_delete_attr_function(MPI_Datatype datatype, int type_keyval, void *attribute_val,
                                          void *extra_state);
typedef MPI_Comm_copy_attr_function MPI_Copy_function;
typedef MPI_Comm_delete_attr_function MPI_Delete_function;
int mp_attr_null_copy_fn(int handle, int keyval, void *extra_state, void *in, void *out, int *flag);
int mp_attr_dup_fn(int handle, int keyval, void *extra_state, void *in, void *out, int *flag);
int mp_attr_null_delete_fn(int handle, int keyval, void *attribute_val, void *extra_state);
#define MPI_COMM_NULL_COPY_FN mp_attr_null_copy_fn
#define MPI_COMM_DUP_FN mp_attr_dup_fn
#define MPI_COMM_NULL_DELETE_FN mp_attr_null_delete_fn
#define MPI_TYPE_NULL_COPY_FN mp_attr_null_copy_fn
#define MPI_TYPE_DUP_FN mp_attr_dup_fn
#define MPI_TYPE_NULL_DELETE_FN mp_attr_null_delete_fn
#define MPI_NULL_COPY_FN mp_attr_null_copy_fn
#define MPI_DUP_FN mp_attr_dup_fn
#define MPI_NULL_DELETE_FN mp_attr_null_delete_fn

/* ---- functions: every MPI_ name has a PMPI_ twin ---- */
#define MP_DECLARE(ret, name, args)                                                                                    \
    ret MPI_##name args;                                                                                               \
    ret PMPI_##name args

MP_DECLARE(int, Init, (int *argc, char ***argv));
MP_DECLARE(int, Init_thread, (int *argc, char ***argv, int required, int *provided));
MP_DECLARE(int, Finalize, (void));
MP_DECLARE(int, Initialized, (int *flag));
MP_DECLARE(int, Finalized, (int *flag));
MP_DECLARE(int, Abort, (MPI_Comm comm, int errorcode));
MP_DECLARE(int, Query_thread, (int *provided));
MP_DECLARE(int, Is_thread_main, (int *flag));
/* ---- link-only names: one-sided windows and distributed graphs are not supported; these exist
 * so codes that merely reference them link, and they fail with MPI_ERR_UNSUPPORTED_OPERATION ---- */
MP_DECLARE(int, Win_create, (void *base, MPI_Aint size, int disp_unit, MPI_Info info, MPI_Comm comm, MPI_Win *win));
MP_DECLARE(int, Win_allocate,
           (MPI_Aint size, int disp_unit, MPI_Info info, MPI_Comm comm, void *baseptr, MPI_Win *win));
MP_DECLARE(int, Win_create_dynamic, (MPI_Info info, MPI_Comm comm, MPI_Win *win));
MP_DECLARE(int, Win_attach, (MPI_Win win, void *base, MPI_Aint size));
MP_DECLARE(int, Win_free, (MPI_Win * win));
MP_DECLARE(int, Dist_graph_neighbors,
           (MPI_Comm comm, int maxindegree, int sources[], int sourceweights[], int maxoutdegree, int destinations[],
            int destweights[]));

MP_DECLARE(double, Wtime, (void));
MP_DECLARE(double, Wtick, (void));
MP_DECLARE(int, Get_processor_name, (char *name, int *resultlen));
MP_DECLARE(int, Get_version, (int *version, int *subversion));
MP_DECLARE(int, Get_library_version, (char *version, int *resultlen));

MP_DECLARE(int, Comm_rank, (MPI_Comm comm, int *rank));
MP_DECLARE(int, Comm_size, (MPI_Comm comm, int *size));
MP_DECLARE(int, Comm_dup, (MPI_Comm comm, MPI_Comm *newcomm));
MP_DECLARE(int, Comm_split, (MPI_Comm comm, int color, int key, MPI_Comm *newcomm));
MP_DECLARE(int, Comm_free, (MPI_Comm * comm));
MP_DECLARE(int, Comm_set_errhandler, (MPI_Comm comm, MPI_Errhandler errhandler));
MP_DECLARE(int, Comm_get_errhandler, (MPI_Comm comm, MPI_Errhandler *errhandler));
MP_DECLARE(int, Errhandler_free, (MPI_Errhandler * errhandler));
MP_DECLARE(int, Error_string, (int errorcode, char *string, int *resultlen));
MP_DECLARE(int, Error_class, (int errorcode, int *errorclass));

/* ---- communicators, groups, topologies, attributes, info, errors (comm area) ---- */
MP_DECLARE(int, Comm_group, (MPI_Comm comm, MPI_Group *group));
MP_DECLARE(int, Group_size, (MPI_Group group, int *size));
MP_DECLARE(int, Group_rank, (MPI_Group group, int *rank));
MP_DECLARE(int, Group_free, (MPI_Group * group));
MP_DECLARE(int, Group_incl, (MPI_Group group, int n, const int ranks[], MPI_Group *newgroup));
MP_DECLARE(int, Group_excl, (MPI_Group group, int n, const int ranks[], MPI_Group *newgroup));
MP_DECLARE(int, Group_range_incl, (MPI_Group group, int n, int ranges[][3], MPI_Group *newgroup));
MP_DECLARE(int, Group_range_excl, (MPI_Group group, int n, int ranges[][3], MPI_Group *newgroup));
MP_DECLARE(int, Group_union, (MPI_Group group1, MPI_Group group2, MPI_Group *newgroup));
MP_DECLARE(int, Group_intersection, (MPI_Group group1, MPI_Group group2, MPI_Group *newgroup));
MP_DECLARE(int, Group_difference, (MPI_Group group1, MPI_Group group2, MPI_Group *newgroup));
MP_DECLARE(int, Group_translate_ranks, (MPI_Group group1, int n, const int ranks1[], MPI_Group group2, int ranks2[]));
MP_DECLARE(int, Group_compare, (MPI_Group group1, MPI_Group group2, int *result));

MP_DECLARE(int, Comm_idup, (MPI_Comm comm, MPI_Comm *newcomm, MPI_Request *request));
MP_DECLARE(int, Comm_dup_with_info, (MPI_Comm comm, MPI_Info info, MPI_Comm *newcomm));
MP_DECLARE(int, Comm_split_type, (MPI_Comm comm, int split_type, int key, MPI_Info info, MPI_Comm *newcomm));
MP_DECLARE(int, Comm_create, (MPI_Comm comm, MPI_Group group, MPI_Comm *newcomm));
MP_DECLARE(int, Comm_create_group, (MPI_Comm comm, MPI_Group group, int tag, MPI_Comm *newcomm));
MP_DECLARE(int, Comm_compare, (MPI_Comm comm1, MPI_Comm comm2, int *result));
MP_DECLARE(int, Comm_set_name, (MPI_Comm comm, const char *comm_name));
MP_DECLARE(int, Comm_get_name, (MPI_Comm comm, char *comm_name, int *resultlen));
MP_DECLARE(int, Comm_set_info, (MPI_Comm comm, MPI_Info info));
MP_DECLARE(int, Comm_get_info, (MPI_Comm comm, MPI_Info *info_used));
MP_DECLARE(int, Comm_test_inter, (MPI_Comm comm, int *flag));
MP_DECLARE(int, Comm_remote_size, (MPI_Comm comm, int *size));
MP_DECLARE(int, Intercomm_create,
           (MPI_Comm local_comm, int local_leader, MPI_Comm peer_comm, int remote_leader, int tag,
            MPI_Comm *newintercomm));
MP_DECLARE(int, Intercomm_merge, (MPI_Comm intercomm, int high, MPI_Comm *newintracomm));

MP_DECLARE(int, Dims_create, (int nnodes, int ndims, int dims[]));
MP_DECLARE(int, Cart_create,
           (MPI_Comm comm_old, int ndims, const int dims[], const int periods[], int reorder, MPI_Comm *comm_cart));
MP_DECLARE(int, Cart_get, (MPI_Comm comm, int maxdims, int dims[], int periods[], int coords[]));
MP_DECLARE(int, Cartdim_get, (MPI_Comm comm, int *ndims));
MP_DECLARE(int, Cart_coords, (MPI_Comm comm, int rank, int maxdims, int coords[]));
MP_DECLARE(int, Cart_rank, (MPI_Comm comm, const int coords[], int *rank));
MP_DECLARE(int, Cart_shift, (MPI_Comm comm, int direction, int disp, int *rank_source, int *rank_dest));
MP_DECLARE(int, Cart_sub, (MPI_Comm comm, const int remain_dims[], MPI_Comm *newcomm));
MP_DECLARE(int, Cart_map, (MPI_Comm comm, int ndims, const int dims[], const int periods[], int *newrank));
MP_DECLARE(int, Topo_test, (MPI_Comm comm, int *status));

MP_DECLARE(int, Comm_create_keyval,
           (MPI_Comm_copy_attr_function * comm_copy_attr_fn, MPI_Comm_delete_attr_function *comm_delete_attr_fn,
            int *comm_keyval, void *extra_state));
MP_DECLARE(int, Comm_free_keyval, (int *comm_keyval));
MP_DECLARE(int, Comm_set_attr, (MPI_Comm comm, int comm_keyval, void *attribute_val));
MP_DECLARE(int, Comm_get_attr, (MPI_Comm comm, int comm_keyval, void *attribute_val, int *flag));
MP_DECLARE(int, Comm_delete_attr, (MPI_Comm comm, int comm_keyval));
MP_DECLARE(int, Type_create_keyval,
           (MPI_Type_copy_attr_function * type_copy_attr_fn, MPI_Type_delete_attr_function *type_delete_attr_fn,
            int *type_keyval, void *extra_state));
MP_DECLARE(int, Type_free_keyval, (int *type_keyval));
MP_DECLARE(int, Type_set_attr, (MPI_Datatype datatype, int type_keyval, void *attribute_val));
MP_DECLARE(int, Type_get_attr, (MPI_Datatype datatype, int type_keyval, void *attribute_val, int *flag));
MP_DECLARE(int, Type_delete_attr, (MPI_Datatype datatype, int type_keyval));

MP_DECLARE(int, Info_create, (MPI_Info * info));
MP_DECLARE(int, Info_set, (MPI_Info info, const char *key, const char *value));
MP_DECLARE(int, Info_get, (MPI_Info info, const char *key, int valuelen, char *value, int *flag));
MP_DECLARE(int, Info_get_valuelen, (MPI_Info info, const char *key, int *valuelen, int *flag));
MP_DECLARE(int, Info_delete, (MPI_Info info, const char *key));
MP_DECLARE(int, Info_dup, (MPI_Info info, MPI_Info *newinfo));
MP_DECLARE(int, Info_free, (MPI_Info * info));
MP_DECLARE(int, Info_get_nkeys, (MPI_Info info, int *nkeys));
MP_DECLARE(int, Info_get_nthkey, (MPI_Info info, int n, char *key));

MP_DECLARE(int, Comm_create_errhandler,
           (MPI_Comm_errhandler_function * comm_errhandler_fn, MPI_Errhandler *errhandler));
MP_DECLARE(int, Comm_call_errhandler, (MPI_Comm comm, int errorcode));
MP_DECLARE(int, Add_error_class, (int *errorclass));
MP_DECLARE(int, Add_error_code, (int errorclass, int *errorcode));
MP_DECLARE(int, Add_error_string, (int errorcode, const char *string));

MP_DECLARE(int, Send, (const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm));
MP_DECLARE(int, Ssend, (const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm));
MP_DECLARE(int, Rsend, (const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm));
MP_DECLARE(int, Recv,
           (void *buf, int count, MPI_Datatype datatype, int source, int tag, MPI_Comm comm, MPI_Status *status));
MP_DECLARE(int, Isend,
           (const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm, MPI_Request *request));
MP_DECLARE(int, Issend,
           (const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm, MPI_Request *request));
MP_DECLARE(int, Irsend,
           (const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm, MPI_Request *request));
MP_DECLARE(int, Irecv,
           (void *buf, int count, MPI_Datatype datatype, int source, int tag, MPI_Comm comm, MPI_Request *request));
MP_DECLARE(int, Send_init,
           (const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm, MPI_Request *request));
MP_DECLARE(int, Ssend_init,
           (const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm, MPI_Request *request));
MP_DECLARE(int, Rsend_init,
           (const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm, MPI_Request *request));
MP_DECLARE(int, Recv_init,
           (void *buf, int count, MPI_Datatype datatype, int source, int tag, MPI_Comm comm, MPI_Request *request));
MP_DECLARE(int, Start, (MPI_Request * request));
MP_DECLARE(int, Startall, (int count, MPI_Request array_of_requests[]));
MP_DECLARE(int, Sendrecv,
           (const void *sendbuf, int sendcount, MPI_Datatype sendtype, int dest, int sendtag, void *recvbuf,
            int recvcount, MPI_Datatype recvtype, int source, int recvtag, MPI_Comm comm, MPI_Status *status));
MP_DECLARE(int, Sendrecv_replace,
           (void *buf, int count, MPI_Datatype datatype, int dest, int sendtag, int source, int recvtag, MPI_Comm comm,
            MPI_Status *status));
MP_DECLARE(int, Wait, (MPI_Request * request, MPI_Status *status));
MP_DECLARE(int, Waitall, (int count, MPI_Request array_of_requests[], MPI_Status array_of_statuses[]));
MP_DECLARE(int, Waitany, (int count, MPI_Request array_of_requests[], int *index, MPI_Status *status));
MP_DECLARE(int, Waitsome,
           (int incount, MPI_Request array_of_requests[], int *outcount, int array_of_indices[],
            MPI_Status array_of_statuses[]));
MP_DECLARE(int, Test, (MPI_Request * request, int *flag, MPI_Status *status));
MP_DECLARE(int, Testall, (int count, MPI_Request array_of_requests[], int *flag, MPI_Status array_of_statuses[]));
MP_DECLARE(int, Testany, (int count, MPI_Request array_of_requests[], int *index, int *flag, MPI_Status *status));
MP_DECLARE(int, Testsome,
           (int incount, MPI_Request array_of_requests[], int *outcount, int array_of_indices[],
            MPI_Status array_of_statuses[]));
MP_DECLARE(int, Request_free, (MPI_Request * request));
MP_DECLARE(int, Probe, (int source, int tag, MPI_Comm comm, MPI_Status *status));
MP_DECLARE(int, Iprobe, (int source, int tag, MPI_Comm comm, int *flag, MPI_Status *status));
MP_DECLARE(int, Get_count, (const MPI_Status *status, MPI_Datatype datatype, int *count));

/* ---- point-to-point extras: buffered sends, cancel, request and status queries, matched probes,
 * Isendrecv ---- */
#define MPI_BSEND_OVERHEAD 64
MP_DECLARE(int, Buffer_attach, (void *buffer, int size));
MP_DECLARE(int, Buffer_detach, (void *buffer_addr, int *size));
MP_DECLARE(int, Bsend, (const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm));
MP_DECLARE(int, Ibsend,
           (const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm, MPI_Request *request));
MP_DECLARE(int, Bsend_init,
           (const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm, MPI_Request *request));
MP_DECLARE(int, Cancel, (MPI_Request * request));
MP_DECLARE(int, Test_cancelled, (const MPI_Status *status, int *flag));
MP_DECLARE(int, Status_set_cancelled, (MPI_Status * status, int flag));
MP_DECLARE(int, Status_set_elements, (MPI_Status * status, MPI_Datatype datatype, int count));
MP_DECLARE(int, Status_set_elements_x, (MPI_Status * status, MPI_Datatype datatype, MPI_Count count));
MP_DECLARE(int, Request_get_status, (MPI_Request request, int *flag, MPI_Status *status));

/* Matched probes: a message taken out of matching by Mprobe/Improbe, for Mrecv/Imrecv. */
typedef struct mp_unexp *MPI_Message;
#define MPI_MESSAGE_NULL ((MPI_Message)0)
#define MPI_MESSAGE_NO_PROC ((MPI_Message)1)
MP_DECLARE(int, Improbe, (int source, int tag, MPI_Comm comm, int *flag, MPI_Message *message, MPI_Status *status));
MP_DECLARE(int, Mprobe, (int source, int tag, MPI_Comm comm, MPI_Message *message, MPI_Status *status));
MP_DECLARE(int, Mrecv, (void *buf, int count, MPI_Datatype datatype, MPI_Message *message, MPI_Status *status));
MP_DECLARE(int, Imrecv, (void *buf, int count, MPI_Datatype datatype, MPI_Message *message, MPI_Request *request));
MP_DECLARE(int, Isendrecv,
           (const void *sendbuf, int sendcount, MPI_Datatype sendtype, int dest, int sendtag, void *recvbuf,
            int recvcount, MPI_Datatype recvtype, int source, int recvtag, MPI_Comm comm, MPI_Request *request));
MP_DECLARE(int, Isendrecv_replace,
           (void *buf, int count, MPI_Datatype datatype, int dest, int sendtag, int source, int recvtag, MPI_Comm comm,
            MPI_Request *request));

MP_DECLARE(int, Type_size, (MPI_Datatype datatype, int *size));
MP_DECLARE(int, Type_contiguous, (int count, MPI_Datatype oldtype, MPI_Datatype *newtype));
MP_DECLARE(int, Type_commit, (MPI_Datatype * datatype));
MP_DECLARE(int, Type_free, (MPI_Datatype * datatype));
MP_DECLARE(int, Type_get_name, (MPI_Datatype datatype, char *type_name, int *resultlen));

/* ---- derived datatypes ---- */
MP_DECLARE(int, Type_vector, (int count, int blocklength, int stride, MPI_Datatype oldtype, MPI_Datatype *newtype));
MP_DECLARE(int, Type_create_hvector,
           (int count, int blocklength, MPI_Aint stride, MPI_Datatype oldtype, MPI_Datatype *newtype));
MP_DECLARE(int, Type_indexed,
           (int count, const int array_of_blocklengths[], const int array_of_displacements[], MPI_Datatype oldtype,
            MPI_Datatype *newtype));
MP_DECLARE(int, Type_create_hindexed,
           (int count, const int array_of_blocklengths[], const MPI_Aint array_of_displacements[], MPI_Datatype oldtype,
            MPI_Datatype *newtype));
MP_DECLARE(int, Type_create_indexed_block,
           (int count, int blocklength, const int array_of_displacements[], MPI_Datatype oldtype,
            MPI_Datatype *newtype));
MP_DECLARE(int, Type_create_hindexed_block,
           (int count, int blocklength, const MPI_Aint array_of_displacements[], MPI_Datatype oldtype,
            MPI_Datatype *newtype));
MP_DECLARE(int, Type_create_struct,
           (int count, const int array_of_blocklengths[], const MPI_Aint array_of_displacements[],
            const MPI_Datatype array_of_types[], MPI_Datatype *newtype));
MP_DECLARE(int, Type_create_resized, (MPI_Datatype oldtype, MPI_Aint lb, MPI_Aint extent, MPI_Datatype *newtype));
MP_DECLARE(int, Type_create_subarray,
           (int ndims, const int array_of_sizes[], const int array_of_subsizes[], const int array_of_starts[],
            int order, MPI_Datatype oldtype, MPI_Datatype *newtype));
MP_DECLARE(int, Type_dup, (MPI_Datatype oldtype, MPI_Datatype *newtype));
MP_DECLARE(int, Type_create_darray,
           (int size, int rank, int ndims, const int array_of_gsizes[], const int array_of_distribs[],
            const int array_of_dargs[], const int array_of_psizes[], int order, MPI_Datatype oldtype,
            MPI_Datatype *newtype));
MP_DECLARE(int, Type_size_x, (MPI_Datatype datatype, MPI_Count *size));
MP_DECLARE(int, Type_get_extent, (MPI_Datatype datatype, MPI_Aint *lb, MPI_Aint *extent));
MP_DECLARE(int, Type_get_extent_x, (MPI_Datatype datatype, MPI_Count *lb, MPI_Count *extent));
MP_DECLARE(int, Type_get_true_extent, (MPI_Datatype datatype, MPI_Aint *true_lb, MPI_Aint *true_extent));
MP_DECLARE(int, Type_get_true_extent_x, (MPI_Datatype datatype, MPI_Count *true_lb, MPI_Count *true_extent));
MP_DECLARE(int, Type_get_envelope,
           (MPI_Datatype datatype, int *num_integers, int *num_addresses, int *num_datatypes, int *combiner));
MP_DECLARE(int, Type_get_contents,
           (MPI_Datatype datatype, int max_integers, int max_addresses, int max_datatypes, int array_of_integers[],
            MPI_Aint array_of_addresses[], MPI_Datatype array_of_datatypes[]));
MP_DECLARE(int, Type_set_name, (MPI_Datatype datatype, const char *type_name));
MP_DECLARE(int, Get_elements, (const MPI_Status *status, MPI_Datatype datatype, int *count));
MP_DECLARE(int, Get_elements_x, (const MPI_Status *status, MPI_Datatype datatype, MPI_Count *count));
MP_DECLARE(int, Get_address, (const void *location, MPI_Aint *address));
MP_DECLARE(int, Pack,
           (const void *inbuf, int incount, MPI_Datatype datatype, void *outbuf, int outsize, int *position,
            MPI_Comm comm));
MP_DECLARE(int, Unpack,
           (const void *inbuf, int insize, int *position, void *outbuf, int outcount, MPI_Datatype datatype,
            MPI_Comm comm));
MP_DECLARE(int, Pack_size, (int incount, MPI_Datatype datatype, MPI_Comm comm, int *size));
/* MPI-1 names, removed in MPI-3.0 but still used by older codes. */
MP_DECLARE(int, Type_hvector,
           (int count, int blocklength, MPI_Aint stride, MPI_Datatype oldtype, MPI_Datatype *newtype));
MP_DECLARE(int, Type_hindexed,
           (int count, int array_of_blocklengths[], MPI_Aint array_of_displacements[], MPI_Datatype oldtype,
            MPI_Datatype *newtype));
MP_DECLARE(int, Type_struct,
           (int count, int array_of_blocklengths[], MPI_Aint array_of_displacements[], MPI_Datatype array_of_types[],
            MPI_Datatype *newtype));
MP_DECLARE(int, Type_extent, (MPI_Datatype datatype, MPI_Aint *extent));
MP_DECLARE(int, Type_lb, (MPI_Datatype datatype, MPI_Aint *displacement));
MP_DECLARE(int, Type_ub, (MPI_Datatype datatype, MPI_Aint *displacement));
MP_DECLARE(int, Address, (void *location, MPI_Aint *address));

MP_DECLARE(int, Barrier, (MPI_Comm comm));
MP_DECLARE(int, Bcast, (void *buffer, int count, MPI_Datatype datatype, int root, MPI_Comm comm));
MP_DECLARE(int, Reduce,
           (const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op, int root, MPI_Comm comm));
MP_DECLARE(int, Allreduce,
           (const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op, MPI_Comm comm));

/* ---- collectives and reduction ops (issue 4) ---- */
MP_DECLARE(int, Allgather,
           (const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, int recvcount,
            MPI_Datatype recvtype, MPI_Comm comm));
MP_DECLARE(int, Allgatherv,
           (const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, const int recvcounts[],
            const int displs[], MPI_Datatype recvtype, MPI_Comm comm));
MP_DECLARE(int, Alltoall,
           (const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, int recvcount,
            MPI_Datatype recvtype, MPI_Comm comm));
MP_DECLARE(int, Alltoallv,
           (const void *sendbuf, const int sendcounts[], const int sdispls[], MPI_Datatype sendtype, void *recvbuf,
            const int recvcounts[], const int rdispls[], MPI_Datatype recvtype, MPI_Comm comm));
MP_DECLARE(int, Alltoallw,
           (const void *sendbuf, const int sendcounts[], const int sdispls[], const MPI_Datatype sendtypes[],
            void *recvbuf, const int recvcounts[], const int rdispls[], const MPI_Datatype recvtypes[],
            MPI_Comm comm));
MP_DECLARE(int, Gather,
           (const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, int recvcount,
            MPI_Datatype recvtype, int root, MPI_Comm comm));
MP_DECLARE(int, Gatherv,
           (const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, const int recvcounts[],
            const int displs[], MPI_Datatype recvtype, int root, MPI_Comm comm));
MP_DECLARE(int, Scatter,
           (const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, int recvcount,
            MPI_Datatype recvtype, int root, MPI_Comm comm));
MP_DECLARE(int, Scatterv,
           (const void *sendbuf, const int sendcounts[], const int displs[], MPI_Datatype sendtype, void *recvbuf,
            int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm));
MP_DECLARE(int, Reduce_scatter,
           (const void *sendbuf, void *recvbuf, const int recvcounts[], MPI_Datatype datatype, MPI_Op op,
            MPI_Comm comm));
MP_DECLARE(int, Reduce_scatter_block,
           (const void *sendbuf, void *recvbuf, int recvcount, MPI_Datatype datatype, MPI_Op op, MPI_Comm comm));
MP_DECLARE(int, Scan,
           (const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op, MPI_Comm comm));
MP_DECLARE(int, Exscan,
           (const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op, MPI_Comm comm));
MP_DECLARE(int, Ibarrier, (MPI_Comm comm, MPI_Request *request));
MP_DECLARE(int, Ibcast,
           (void *buffer, int count, MPI_Datatype datatype, int root, MPI_Comm comm, MPI_Request *request));
MP_DECLARE(int, Ireduce,
           (const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op, int root, MPI_Comm comm,
            MPI_Request *request));
MP_DECLARE(int, Iallreduce,
           (const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op, MPI_Comm comm,
            MPI_Request *request));
MP_DECLARE(int, Iallgather,
           (const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, int recvcount,
            MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *request));
MP_DECLARE(int, Iallgatherv,
           (const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, const int recvcounts[],
            const int displs[], MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *request));
MP_DECLARE(int, Ialltoall,
           (const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, int recvcount,
            MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *request));
MP_DECLARE(int, Ialltoallv,
           (const void *sendbuf, const int sendcounts[], const int sdispls[], MPI_Datatype sendtype, void *recvbuf,
            const int recvcounts[], const int rdispls[], MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *request));
MP_DECLARE(int, Ialltoallw,
           (const void *sendbuf, const int sendcounts[], const int sdispls[], const MPI_Datatype sendtypes[],
            void *recvbuf, const int recvcounts[], const int rdispls[], const MPI_Datatype recvtypes[],
            MPI_Comm comm, MPI_Request *request));
MP_DECLARE(int, Igather,
           (const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, int recvcount,
            MPI_Datatype recvtype, int root, MPI_Comm comm, MPI_Request *request));
MP_DECLARE(int, Igatherv,
           (const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, const int recvcounts[],
            const int displs[], MPI_Datatype recvtype, int root, MPI_Comm comm, MPI_Request *request));
MP_DECLARE(int, Iscatter,
           (const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, int recvcount,
            MPI_Datatype recvtype, int root, MPI_Comm comm, MPI_Request *request));
MP_DECLARE(int, Iscatterv,
           (const void *sendbuf, const int sendcounts[], const int displs[], MPI_Datatype sendtype, void *recvbuf,
            int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm, MPI_Request *request));
MP_DECLARE(int, Ireduce_scatter,
           (const void *sendbuf, void *recvbuf, const int recvcounts[], MPI_Datatype datatype, MPI_Op op,
            MPI_Comm comm, MPI_Request *request));
MP_DECLARE(int, Ireduce_scatter_block,
           (const void *sendbuf, void *recvbuf, int recvcount, MPI_Datatype datatype, MPI_Op op, MPI_Comm comm,
            MPI_Request *request));
MP_DECLARE(int, Iscan,
           (const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op, MPI_Comm comm,
            MPI_Request *request));
MP_DECLARE(int, Iexscan,
           (const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op, MPI_Comm comm,
            MPI_Request *request));
MP_DECLARE(int, Op_create, (MPI_User_function * user_fn, int commute, MPI_Op *op));
MP_DECLARE(int, Op_free, (MPI_Op * op));
MP_DECLARE(int, Op_commutative, (MPI_Op op, int *commute));
MP_DECLARE(int, Reduce_local,
           (const void *inbuf, void *inoutbuf, int count, MPI_Datatype datatype, MPI_Op op));

#undef MP_DECLARE

#ifdef __cplusplus
}
#endif
#endif
