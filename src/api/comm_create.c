/* MPI bindings: communicators made from a parent: split, split_type, create, create_group, and
 * intercommunicators. */
#include "api/comm_args.h"
#include "core/info.h"

MP_WEAK_ALIAS(Comm_split)
int PMPI_Comm_split(MPI_Comm comm, int color, int key, MPI_Comm *newcomm)
{
    MP_CHECK_INIT("MPI_Comm_split");
    MP_GET_COMM(c, comm, "MPI_Comm_split");
    MP_CHECK_INTRA(c, "MPI_Comm_split");
    if (color < 0 && color != MPI_UNDEFINED)
        return mp_error(c, MPI_ERR_ARG, "MPI_Comm_split", "color %d is negative and not MPI_UNDEFINED (argument color)",
                        color);
    if (!newcomm) return mp_error(c, MPI_ERR_ARG, "MPI_Comm_split", "NULL output pointer (argument newcomm)");
    int rc = mp_comm_split(c, color, key, newcomm);
    if (rc != MPI_SUCCESS) return mp_error(c, rc, "MPI_Comm_split", "could not create the communicator");
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Comm_split_type)
int PMPI_Comm_split_type(MPI_Comm comm, int split_type, int key, MPI_Info info, MPI_Comm *newcomm)
{
    const char *call = "MPI_Comm_split_type";
    MP_CHECK_INIT(call);
    MP_GET_COMM(c, comm, call);
    MP_CHECK_INTRA(c, call);
    if (split_type != MPI_COMM_TYPE_SHARED && split_type != MPI_UNDEFINED)
        return mp_error(c, MPI_ERR_ARG, call,
                        "split_type %d is neither MPI_COMM_TYPE_SHARED nor MPI_UNDEFINED (argument split_type)",
                        split_type);
    if (info != MPI_INFO_NULL && !mp_info_get(info))
        return mp_error(c, MPI_ERR_INFO, call, "invalid info object %d (argument info)", info);
    MP_CHECK_PTR(c, newcomm, call);
    int rc = split_type == MPI_UNDEFINED ? mp_comm_split(c, MPI_UNDEFINED, key, newcomm)
                                         : mp_comm_split_shared(c, key, newcomm);
    MP_CHECK_RC(c, rc, call);
    return MPI_SUCCESS;
}

/* The world ranks of g when every one of them is in c; else reports MPI_ERR_GROUP. */
static int check_subgroup(struct mp_comm *c, const struct mp_group *g, const char *call)
{
    for (int i = 0; i < g->size; i++) {
        int w = g->world_of[i], found = 0;
        for (int r = 0; r < c->size && !found; r++) found = mp_comm_world_rank(c, r) == w;
        if (!found)
            return mp_error(c, MPI_ERR_GROUP, call, "rank %d of the group is not in the communicator (argument group)",
                            i);
    }
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Comm_create)
int PMPI_Comm_create(MPI_Comm comm, MPI_Group group, MPI_Comm *newcomm)
{
    MP_CHECK_INIT("MPI_Comm_create");
    MP_GET_COMM(c, comm, "MPI_Comm_create");
    MP_CHECK_INTRA(c, "MPI_Comm_create");
    MP_GET_GROUP(g, group, "MPI_Comm_create");
    MP_CHECK_PTR(c, newcomm, "MPI_Comm_create");
    int rc = check_subgroup(c, g, "MPI_Comm_create");
    if (rc != MPI_SUCCESS) return rc;
    MP_CHECK_RC(c, mp_comm_create(c, g->size, g->world_of, g->rank, newcomm), "MPI_Comm_create");
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Comm_create_group)
int PMPI_Comm_create_group(MPI_Comm comm, MPI_Group group, int tag, MPI_Comm *newcomm)
{
    const char *call = "MPI_Comm_create_group";
    MP_CHECK_INIT(call);
    MP_GET_COMM(c, comm, call);
    MP_CHECK_INTRA(c, call);
    MP_GET_GROUP(g, group, call);
    MP_CHECK_PTR(c, newcomm, call);
    if (tag < 0 || tag > MP_TAG_UB)
        return mp_error(c, MPI_ERR_TAG, call, "tag %d is not in 0..%d (argument tag)", tag, MP_TAG_UB);
    int rc = check_subgroup(c, g, call);
    if (rc != MPI_SUCCESS) return rc;
    if (g->rank == MPI_UNDEFINED)
        return mp_error(c, MPI_ERR_GROUP, call, "the calling process is not in the group (argument group)");
    MP_CHECK_RC(c, mp_comm_create_group(c, g->size, g->world_of, g->rank, tag, newcomm), call);
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Intercomm_create)
int PMPI_Intercomm_create(MPI_Comm local_comm, int local_leader, MPI_Comm peer_comm, int remote_leader, int tag,
                          MPI_Comm *newintercomm)
{
    const char *call = "MPI_Intercomm_create";
    MP_CHECK_INIT(call);
    MP_GET_COMM(lc, local_comm, call);
    MP_CHECK_INTRA(lc, call);
    MP_CHECK_PTR(lc, newintercomm, call);
    if (local_leader < 0 || local_leader >= lc->size)
        return mp_error(lc, MPI_ERR_RANK, call, "local_leader %d is not a rank of local_comm of size %d", local_leader,
                        lc->size);
    if (tag < 0 || tag > MP_TAG_UB)
        return mp_error(lc, MPI_ERR_TAG, call, "tag %d is not in 0..%d (argument tag)", tag, MP_TAG_UB);
    struct mp_comm *pc = NULL;
    /* peer_comm and remote_leader matter at the local leader only. */
    if (lc->rank == local_leader) {
        pc = mp_comm_get(peer_comm);
        if (!pc) return mp_error(lc, MPI_ERR_COMM, call, "invalid communicator %d (argument peer_comm)", peer_comm);
        if (remote_leader < 0 || remote_leader >= pc->size || remote_leader == pc->rank)
            return mp_error(lc, MPI_ERR_RANK, call, "remote_leader %d is not another rank of peer_comm of size %d",
                            remote_leader, pc->size);
    }
    MP_CHECK_RC(lc, mp_intercomm_create(lc, local_leader, pc, remote_leader, tag, newintercomm), call);
    return MPI_SUCCESS;
}

MP_WEAK_ALIAS(Intercomm_merge)
int PMPI_Intercomm_merge(MPI_Comm intercomm, int high, MPI_Comm *newintracomm)
{
    const char *call = "MPI_Intercomm_merge";
    MP_CHECK_INIT(call);
    MP_GET_COMM(c, intercomm, call);
    if (!mp_comm_is_inter(c))
        return mp_error(c, MPI_ERR_COMM, call, "%s is not an intercommunicator (argument intercomm)",
                        c->name[0] ? c->name : "the communicator");
    MP_CHECK_PTR(c, newintracomm, call);
    MP_CHECK_RC(c, mp_intercomm_merge(c, high, newintracomm), call);
    return MPI_SUCCESS;
}
