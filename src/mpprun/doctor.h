/* mpprun --doctor: pre-flight checks of what a job needs from this host (docs/mpprun.md,
 * "Pre-flight checks"). One line per check: ok, note (works, with the fallback the library takes
 * by itself) or problem (with the fix, and what happens if nothing is done). */
#ifndef MPPRUN_DOCTOR_H
#define MPPRUN_DOCTOR_H

#include <stdio.h>

#include "mpprun.h"

/* Checks for `job` (placed by mpprun_place) and writes the lines to `out`; with problems_only,
 * only the problems, and the checks that can only yield notes are skipped. Returns the number of
 * problems. */
int mpprun_doctor(const struct mpprun_job *job, int problems_only, FILE *out);

#endif
