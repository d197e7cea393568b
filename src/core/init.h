/* Start-up and shut-down of the library. */
#ifndef MP_INIT_H
#define MP_INIT_H

int mp_init(int required, int *provided);
int mp_finalize(void);

#endif
