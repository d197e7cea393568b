#!/bin/sh
# A launch agent with ssh's calling convention that starts COMMAND on this very host:
#   local-agent.sh HOST COMMAND...
# Like ssh, it hands the words of COMMAND to a shell as one line. With LT_AGENT_LOG set, each call
# appends "HOST COMMAND..." to that file; with LT_AGENT_SLOW=HOST, starting on HOST waits until
# the file $LT_AGENT_SLOW_GO exists (the test's chance to talk to mpprun's open port first).
host=$1
shift
[ -n "${LT_AGENT_LOG:-}" ] && echo "$host $*" >>"$LT_AGENT_LOG"
if [ "$host" = "${LT_AGENT_SLOW:-}" ]; then
    while [ ! -e "$LT_AGENT_SLOW_GO" ]; do sleep 0.05; done
fi
exec sh -c "$*"
