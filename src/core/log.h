/* Logging to stderr, prefixed with the rank. Level from MSGPASS_LOG=warn|info|debug, or debug
 * when MSGPASS_DEBUG is set to anything but 0. */
#ifndef MP_LOG_H
#define MP_LOG_H

#include "core/mp.h"

enum mp_log_level { MP_LOG_NONE = 0, MP_LOG_WARN = 1, MP_LOG_INFO = 2, MP_LOG_DEBUG = 3 };

extern int mp_log_level;

void mp_log_init(void);
void mp_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define MP_WARN(...) mp_log(MP_LOG_WARN, __VA_ARGS__)
#define MP_INFO(...)                                                                                                   \
    do {                                                                                                               \
        if (MP_UNLIKELY(mp_log_level >= MP_LOG_INFO)) mp_log(MP_LOG_INFO, __VA_ARGS__);                                \
    } while (0)
#define MP_DEBUG(...)                                                                                                  \
    do {                                                                                                               \
        if (MP_UNLIKELY(mp_log_level >= MP_LOG_DEBUG)) mp_log(MP_LOG_DEBUG, __VA_ARGS__);                              \
    } while (0)

#endif
