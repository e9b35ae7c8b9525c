#!/bin/sh
# An example dispatch command for the oz worker's `command` backend (WK-13). Adapt it to your
# site: this one runs the task right here, with the host's sh, in a folder of its own; a site
# with a scheduler would submit the same task document as a job and follow its output instead.
#
#   OZ_WORKER_BACKEND=command \
#   OZ_WORKER_COMMAND_DISPATCH=/path/to/dispatch.sh \
#   OZ_WORKER_COMMAND_CANCEL=/path/to/cancel.sh \
#   OZ_API_KEY=... oz-app --worker site-1 --server http://cp:8080
#
# What the worker gives it:
#   stdin                  the run as ONE JSON document (one line): {"version": 1, "task_id",
#                          "worker_id", "prompt", "harness": {"type", "model_id",
#                          "reasoning_effort"}, "docker_image", "task": {the task document}}
#                          (read it with jq or python if your site needs more than below)
#   OZ_TASK_ID             the run's id (also in the document)
#   OZ_TASK_FILE           the document's "task" written as the oz sidecar reads it: env, repos,
#                          setup_commands, files, and the harness command (argv, stdin)
#   OZ_SIDECAR_ENTRYPOINT  the oz sidecar script installed with the worker (POSIX sh): it applies
#                          the task document and runs the harness
#   OZ_RESULTS_DIR         a folder the worker uploads from after this command ends: files in its
#                          handoff/, artifacts/ and screenshots/ subfolders reach the run
# What the worker reads:
#   every line on stdout and stderr is the run's live output, except one stdout line
#   {"oz_result": {"exit_code": N, "stage": "...", "message": "..."}}, which is the result.
#   Without it, this command's exit status decides (0: succeeded).
#
# The worker passes its own environment less every OZ_* variable and its other secrets.
# Optional: DISPATCH_STATE_DIR (default $TMPDIR/oz-command or /tmp/oz-command) is where the
# process id is kept for cancel.sh; DISPATCH_KEEP=true keeps each run's folder for a look.

set -u

task_id=${OZ_TASK_ID:?OZ_TASK_ID is not set: run this from the oz worker}
case $task_id in
'' | *[!A-Za-z0-9_.-]*)
    echo "dispatch.sh: refusing the task id '$task_id'" >&2
    exit 64
    ;;
esac
sidecar=${OZ_SIDECAR_ENTRYPOINT:?OZ_SIDECAR_ENTRYPOINT is not set: run this from the oz worker}
task_file=${OZ_TASK_FILE:?OZ_TASK_FILE is not set: run this from the oz worker}
state=${DISPATCH_STATE_DIR:-${TMPDIR:-/tmp}/oz-command}
mkdir -p "$state" || exit 70

run=$(mktemp -d "${TMPDIR:-/tmp}/oz-task-$task_id.XXXXXX") || exit 70
mkdir "$run/in" "$run/workspace" "$run/tmp" || exit 70
cat >"$run/in/run.json" || exit 70          # the whole document, for a scheduler that wants it
cp "$task_file" "$run/in/task.json" || exit 70 # a scheduler would ship this file to its node
echo $$ >"$state/$task_id.pid"

# The sidecar's watchdog ends the harness when nobody holds this FIFO open any more: this
# script holds it, so the harness does not outlive it (kill -9 included).
mkfifo "$run/in/alive" || exit 70
exec 3<>"$run/in/alive"

finish() {
    rm -f "$state/$task_id.pid"
    [ "${DISPATCH_KEEP:-}" = true ] || rm -rf "$run"
}
stop() {
    [ -n "${child:-}" ] && kill -TERM "$child" 2>/dev/null
    finish
    exit 143
}
trap stop TERM INT HUP

# The sidecar prints its own progress and the harness's output: both stream to the worker.
OZ_WORKSPACE=$run/workspace OZ_TASK_FILE=$run/in/task.json OZ_ALIVE_FILE=$run/in/alive TMPDIR=$run/tmp \
    sh "$sidecar" 3>&- </dev/null &
child=$!
wait "$child"
code=$?
child=''

# Files the harness left for the run go back to the worker.
for folder in handoff artifacts screenshots; do
    if [ -d "$run/workspace/.oz/$folder" ] && [ -n "${OZ_RESULTS_DIR:-}" ]; then
        cp -R "$run/workspace/.oz/$folder" "$OZ_RESULTS_DIR/" 2>/dev/null
    fi
done

# The sidecar's result.json is one JSON object {"exit_code", "stage", "message"}: pass it on.
if [ -s "$run/workspace/.oz/result.json" ]; then
    printf '{"oz_result": %s}\n' "$(cat "$run/workspace/.oz/result.json")"
fi
finish
exit "$code"
