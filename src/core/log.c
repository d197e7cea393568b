#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mp_log_level = MP_LOG_WARN;

void mp_log_init(void)
{
    const char *lvl = getenv("MSGPASS_LOG");
    const char *dbg = getenv("MSGPASS_DEBUG");
    if (lvl) {
        if (!strcmp(lvl, "none"))
            mp_log_level = MP_LOG_NONE;
        else if (!strcmp(lvl, "warn"))
            mp_log_level = MP_LOG_WARN;
        else if (!strcmp(lvl, "info"))
            mp_log_level = MP_LOG_INFO;
        else if (!strcmp(lvl, "debug"))
            mp_log_level = MP_LOG_DEBUG;
        else
            fprintf(stderr, "msgpass: MSGPASS_LOG=%s is not one of none|warn|info|debug; using warn\n", lvl);
    }
    if (dbg && *dbg && strcmp(dbg, "0") != 0) mp_log_level = MP_LOG_DEBUG;
}

void mp_log(int level, const char *fmt, ...)
{
    static const char *const names[] = {"", "warning", "info", "debug"};
    if (level > mp_log_level) return;
    char line[1024];
    int n = snprintf(line, sizeof line, "msgpass[%d] %s: ", mp_g.world_rank, names[level]);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
    va_end(ap);
    size_t len = strlen(line);
    line[len] = '\n';
    fwrite(line, 1, len + 1, stderr);
}
