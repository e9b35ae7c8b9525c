#!/bin/sh
# The oz sidecar (WK-3): mounted read-only at /agent in the task container and run as its
# entrypoint. It prepares /workspace from the environment, runs the harness CLI, and leaves
# /workspace/.oz/agent_output.txt and /workspace/.oz/result.json behind for the worker. Files the
# harness writes to $OZ_HANDOFF_DIR, $OZ_ARTIFACTS_DIR and $OZ_SCREENSHOTS_DIR (folders of
# /workspace/.oz) become the run's handoff attachments, FILE and SCREENSHOT artifacts (CP-13).
#
# Inputs (all optional): OZ_ENV_VARS (NAME=value lines), OZ_ENV_REPOS (owner/repo or URL
# lines), OZ_ENV_SETUP_COMMANDS (shell command lines), OZ_MODEL_ID, OZ_TASK_PROMPT, OZ_HARNESS,
# OZ_HARNESS_MODEL, OZ_REASONING_LEVEL, OZ_RUN_MODE, OZ_MCP_CONFIG, OZ_HARNESS_CMD (a command
# that receives the prompt as its last argument).
#
# POSIX sh only: it must run under dash, bash and busybox sh, and needs no /tmp.

set -u
set -f # no globbing: every value below comes from the user

WORKSPACE=/workspace
OZ_DIR=$WORKSPACE/.oz
OUTPUT_FILE=$OZ_DIR/agent_output.txt
RESULT_FILE=$OZ_DIR/result.json
NL='
'
CR=$(printf '\r')

say() {
    printf 'oz-sidecar: %s\n' "$*"
}

write_result() {
    # Only a number and a fixed path go in, so the JSON is valid without escaping.
    printf '{"exit_code": %d, "output_file": "%s", "stage": "%s"}\n' "$1" "$OUTPUT_FILE" "$2" >"$RESULT_FILE"
}

fail() {
    # fail STAGE CODE MESSAGE: the message is the run's failure reason (the worker reports
    # the last "oz-sidecar: error:" line).
    say "error: $3"
    write_result "$2" "$1"
    exit "$2"
}

mkdir -p "$OZ_DIR" || {
    say "error: cannot create $OZ_DIR; the image must allow writing to $WORKSPACE."
    exit 70
}
cd "$WORKSPACE" || exit 70
: >"$OUTPUT_FILE"

# --- environment variables -------------------------------------------------------------
saved_ifs=$IFS
IFS=$NL
for entry in ${OZ_ENV_VARS:-}; do
    IFS=$saved_ifs
    entry=${entry%"$CR"}
    case $entry in
    *=*) ;;
    *)
        say "skipping OZ_ENV_VARS line without '=': it must look like NAME=value."
        IFS=$NL
        continue
        ;;
    esac
    name=${entry%%=*}
    value=${entry#*=}
    case $name in
    '' | [0-9]* | *[!A-Za-z0-9_]*)
        say "skipping OZ_ENV_VARS entry '$name': a name must match [A-Za-z_][A-Za-z0-9_]*."
        ;;
    *)
        export "$name=$value"
        ;;
    esac
    IFS=$NL
done
IFS=$saved_ifs

# --- folders for files the run leaves -------------------------------------------------------
# Set after the environment's variables, so that these names always mean what the worker reads.
OZ_HANDOFF_DIR=$OZ_DIR/handoff
OZ_ARTIFACTS_DIR=$OZ_DIR/artifacts
OZ_SCREENSHOTS_DIR=$OZ_DIR/screenshots
export OZ_HANDOFF_DIR OZ_ARTIFACTS_DIR OZ_SCREENSHOTS_DIR
mkdir -p "$OZ_HANDOFF_DIR" "$OZ_ARTIFACTS_DIR" "$OZ_SCREENSHOTS_DIR" || {
    say "error: cannot create the folders in $OZ_DIR; the image must allow writing to $WORKSPACE."
    exit 70
}

# --- repositories ----------------------------------------------------------------------
repo_urls=''
repo_dirs=''
IFS=$NL
for spec in ${OZ_ENV_REPOS:-}; do
    IFS=$saved_ifs
    spec=${spec%"$CR"}
    case $spec in
    -*) fail repos 64 "refusing repository '$spec': a spec must not start with '-'." ;;
    *[!A-Za-z0-9._/:@~+-]*) fail repos 64 "refusing repository '$spec': it contains spaces or characters a repository spec cannot have." ;;
    https://?*/?* | http://?*/?* | ssh://?*/?*) url=$spec ;;
    ?*@?*:?*) url=$spec ;; # scp-like ssh: git@github.com:owner/repo.git
    *:*) fail repos 64 "refusing repository '$spec': only owner/repo, https://, http:// and ssh:// specs are accepted." ;;
    [A-Za-z0-9_]*/[A-Za-z0-9._-]*)
        case ${spec#*/} in
        */* | '') fail repos 64 "refusing repository '$spec': write it as owner/repo or as a full URL." ;;
        esac
        url=https://github.com/$spec.git
        ;;
    *) fail repos 64 "refusing repository '$spec': write it as owner/repo or as a full URL." ;;
    esac
    dir=${spec%/}
    dir=${dir##*/}
    dir=${dir##*:}
    dir=${dir%.git}
    case $dir in
    '' | . | .. | -*) fail repos 64 "refusing repository '$spec': it does not name a repository." ;;
    esac
    repo_urls=$repo_urls$url$NL
    repo_dirs=$repo_dirs$dir$NL
    IFS=$NL
done
IFS=$saved_ifs

if [ -n "$repo_urls" ]; then
    command -v git >/dev/null 2>&1 ||
        fail repos 69 "git is not installed in the environment's image, so its repositories cannot be cloned; use an image with git."
    export GIT_TERMINAL_PROMPT=0
    set -- $repo_dirs
    IFS=$NL
    for url in $repo_urls; do
        IFS=$saved_ifs
        dir=$1
        shift
        if [ -e "$WORKSPACE/$dir" ]; then
            say "$WORKSPACE/$dir already exists; not cloning $url again."
        else
            say "cloning $url into $WORKSPACE/$dir"
            git clone -- "$url" "$WORKSPACE/$dir" </dev/null 2>&1 || fail repos 65 "cloning $url failed; check the repository name and the image's credentials."
        fi
        IFS=$NL
    done
    IFS=$saved_ifs
fi

# --- setup commands --------------------------------------------------------------------
number=0
IFS=$NL
for command in ${OZ_ENV_SETUP_COMMANDS:-}; do
    IFS=$saved_ifs
    command=${command%"$CR"}
    number=$((number + 1))
    say "setup command $number: $command"
    (cd "$WORKSPACE" && sh -c "$command" </dev/null 2>&1)
    code=$?
    if [ "$code" -ne 0 ]; then
        fail setup "$code" "setup command $number failed with exit code $code: $command"
    fi
    IFS=$NL
done
IFS=$saved_ifs

# --- the harness -----------------------------------------------------------------------
# The run's config.harness (OZ_HARNESS: claude, codex or gemini; OZ_HARNESS_MODEL,
# OZ_REASONING_LEVEL), its mode (OZ_RUN_MODE) and its MCP servers (OZ_MCP_CONFIG, JSON in the
# {"mcpServers": {...}} shape) reach the CLI as its own flags and files, after the prompt.
prompt=${OZ_TASK_PROMPT:-}
harness=${OZ_HARNESS:-}
if [ -z "$harness" ]; then
    case ${OZ_MODEL_ID:-} in
    codex* | gpt*) harness=codex ;;
    gemini*) harness=gemini ;;
    *) harness=claude ;;
    esac
fi
model=${OZ_HARNESS_MODEL:-}
mcp_file=''
if [ -n "${OZ_MCP_CONFIG:-}" ]; then
    mcp_file=$OZ_DIR/mcp.json
    printf '%s\n' "$OZ_MCP_CONFIG" >"$mcp_file"
fi
if [ -n "${OZ_HARNESS_CMD:-}" ]; then
    set -- $OZ_HARNESS_CMD "$prompt" # split on purpose: it is a command with arguments
else
    case $harness in
    codex)
        set -- codex exec "$prompt"
        [ -n "$model" ] && set -- "$@" --model "$model"
        [ -n "${OZ_REASONING_LEVEL:-}" ] && set -- "$@" -c "model_reasoning_effort=$OZ_REASONING_LEVEL"
        ;;
    gemini)
        set -- gemini -p "$prompt"
        [ -n "$model" ] && set -- "$@" --model "$model"
        if [ -n "$mcp_file" ]; then # gemini reads MCP servers from the project's settings
            mkdir -p "$WORKSPACE/.gemini" && cp "$mcp_file" "$WORKSPACE/.gemini/settings.json"
        fi
        ;;
    *)
        set -- claude -p "$prompt"
        [ -n "$model" ] && set -- "$@" --model "$model"
        [ -n "$mcp_file" ] && set -- "$@" --mcp-config "$mcp_file"
        [ "${OZ_RUN_MODE:-}" = plan ] && set -- "$@" --permission-mode plan
        ;;
    esac
fi
command -v "$1" >/dev/null 2>&1 ||
    fail harness 127 "the harness CLI '$1' is not installed in the environment's image; install it or set OZ_HARNESS_CMD."

say "running $1"
if command -v tee >/dev/null 2>&1; then
    # No pipefail in POSIX sh: the CLI's exit code travels through a file.
    { "$@" </dev/null 2>&1; echo $? >"$OZ_DIR/exit_code"; } | tee "$OUTPUT_FILE"
    code=$(cat "$OZ_DIR/exit_code" 2>/dev/null)
    rm -f "$OZ_DIR/exit_code"
else
    "$@" </dev/null >"$OUTPUT_FILE" 2>&1
    code=$?
    cat "$OUTPUT_FILE"
fi
case $code in
'' | *[!0-9]*) code=1 ;;
esac
write_result "$code" harness
exit "$code"
