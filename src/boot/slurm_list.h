/* Slurm's compressed lists in the environment of jobs and steps (shared by the library's PMI
 * back ends and by mpprun). */
#ifndef MP_SLURM_LIST_H
#define MP_SLURM_LIST_H

#include <stddef.h>

/* Tasks per node from a list such as SLURM_TASKS_PER_NODE="2(x3),1": writes up to `max` counts
 * (one per node) to out. Returns the number of nodes the list describes, or -1 when it is
 * malformed (a count below 1, a bad repeat). */
int mp_slurm_tasks_per_node(const char *list, int *out, int max);

/* Host names from a node list such as SLURM_JOB_NODELIST="node[1-3,07],gpu[01-02]-ib,login":
 * writes up to `max` malloc'd names to out. Returns the number of hosts the list describes, or
 * -1 when it is malformed (unbalanced brackets, a bad range) or out of memory. A range keeps the
 * width of its zero-padded bounds (07-10 gives 07 08 09 10). */
int mp_slurm_nodelist(const char *list, char **out, int max);

#endif
