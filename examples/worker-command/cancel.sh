#!/bin/sh
# An example cancel command for the oz worker's `command` backend (WK-13), the partner of
# dispatch.sh: the worker runs it with the task id as its argument (and in OZ_TASK_ID) when a
# run is cancelled, then ends the dispatch command itself if it is still running. A site with a
# scheduler would cancel the job here (scancel, nomad job stop, kubectl delete job ...).

set -u

task_id=${1:-${OZ_TASK_ID:-}}
case $task_id in
'' | *[!A-Za-z0-9_.-]*)
    echo "cancel.sh: give the task id as the argument" >&2
    exit 64
    ;;
esac
state=${DISPATCH_STATE_DIR:-${TMPDIR:-/tmp}/oz-command}
pid=$(cat "$state/$task_id.pid" 2>/dev/null) || {
    echo "cancel.sh: task $task_id is not running here"
    exit 0
}
# dispatch.sh leads its own process group (the worker starts it in a new session): end it all.
kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
echo "cancel.sh: stopped task $task_id"
