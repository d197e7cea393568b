#!/bin/sh
# A launch agent with ssh's calling convention for "hosts" that are network namespaces:
#   netns-agent.sh HOST COMMAND...
# runs COMMAND in namespace HOST with its own hostname HOST (a new UTS namespace). Like ssh, it
# hands the words of COMMAND to a shell as one command line.
host=$1
shift
exec ip netns exec "$host" unshare --uts sh -c "hostname $host && exec $*"
