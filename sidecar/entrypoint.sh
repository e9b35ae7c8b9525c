#!/bin/sh
# The oz sidecar (WK-3, WK-9, WK-11): run as the task's entrypoint, it reads the run's task
# document, prepares the workspace, runs the harness CLI and leaves agent_output.txt and
# result.json in $OZ_WORKSPACE/.oz for the worker. Files the harness writes to $OZ_HANDOFF_DIR,
# $OZ_ARTIFACTS_DIR and $OZ_SCREENSHOTS_DIR (folders of .oz) become the run's handoff
# attachments, FILE and SCREENSHOT artifacts (CP-13).
#
# Locations (the container's defaults; the direct backend points them at a run folder):
#   OZ_WORKSPACE  the workspace and the harness's cwd            (/workspace)
#   OZ_TASK_FILE  the task document, see oz_app/task_input.py      (/oz/in/task.json, read-only)
#   OZ_ALIVE_FILE a FIFO the worker holds open while it lives      (/oz/in/alive, read-only)
#
# The document is JSON written by json.dumps(indent=1, ensure_ascii=False): one key or item per
# line and no raw newline inside a string, so a line reader with a small state machine reads it
# exactly. Its keys are acted on in order: env, repos, setup_commands, files, argv, stdin.
#
# POSIX sh only, nothing from the image but /bin/sh (git for repositories, tee if present): it
# must run under busybox sh, dash and bash. Its own variables start with _oz_ (the worker refuses
# environment variables with that prefix), so exporting the run's variables cannot change them.

set -u
set -f # no globbing: every value below comes from the user

OZ_WORKSPACE=${OZ_WORKSPACE:-/workspace}
OZ_TASK_FILE=${OZ_TASK_FILE:-/oz/in/task.json}
OZ_ALIVE_FILE=${OZ_ALIVE_FILE:-/oz/in/alive}
_oz_dir=$OZ_WORKSPACE/.oz
_oz_output=$_oz_dir/agent_output.txt
_oz_result=$_oz_dir/result.json
_oz_nl='
'
_oz_watchdog=''

_oz_say() {
    printf 'oz-sidecar: %s\n' "$*"
}

# _oz_json_text TEXT: TEXT as the body of a JSON string. Messages are short sentences, so a
# character loop is fine; control characters become spaces.
_oz_json_text() {
    _oz_t=$1
    while [ -n "$_oz_t" ]; do
        _oz_rest=${_oz_t#?}
        _oz_c=${_oz_t%"$_oz_rest"}
        _oz_t=$_oz_rest
        case $_oz_c in
        \" | \\) printf '\\%s' "$_oz_c" ;;
        [[:cntrl:]]) printf ' ' ;;
        *) printf '%s' "$_oz_c" ;;
        esac
    done
}

# _oz_write_result CODE STAGE MESSAGE
_oz_write_result() {
    printf '{"exit_code": %d, "stage": "%s", "message": "%s"}\n' "$1" "$2" "$(_oz_json_text "$3")" >"$_oz_result"
}

# _oz_end CODE: stop the watchdog, then exit.
_oz_end() {
    if [ -n "$_oz_watchdog" ]; then
        kill "$_oz_watchdog" 2>/dev/null
    fi
    exit "$1"
}

# _oz_fail STAGE CODE MESSAGE: the message is the run's failure reason.
_oz_fail() {
    _oz_say "error: $3"
    _oz_write_result "$2" "$1" "$3"
    _oz_end "$2"
}

# --- decoding JSON string bodies --------------------------------------------------------------

# _oz_decode BODY: print the text of a JSON string body (what is between its quotes).
_oz_decode() {
    case $1 in
    *\\*) ;;
    *)
        printf '%s' "$1"
        return
        ;;
    esac
    case $1 in
    *\\u* | *\\/*)
        _oz_decode_slow "$1"
        return
        ;;
    esac
    # \\ \n \r \t \b \f are printf %b escapes too. Every " in the body is escaped, so each field
    # but the last ends with the backslash escaping the " that followed it; the x keeps a
    # trailing empty field.
    _oz_ifs=$IFS
    IFS='"'
    set -- ${1}x
    IFS=$_oz_ifs
    while [ $# -gt 1 ]; do
        printf '%b"' "${1%\\}"
        shift
    done
    printf '%b' "${1%x}"
}

# _oz_decode_slow BODY: every escape, \uXXXX included, one backslash-separated piece at a time.
_oz_decode_slow() {
    _oz_ifs=$IFS
    IFS='\'
    set -- ${1}x
    IFS=$_oz_ifs
    printf '%s' "$1"
    shift
    _oz_text=0 # 1: the piece follows the second backslash of \\, so it is plain text
    while [ $# -gt 0 ]; do
        _oz_p=$1
        shift
        [ $# -eq 0 ] && _oz_p=${_oz_p%x}
        if [ "$_oz_text" = 1 ]; then
            printf '%s' "$_oz_p"
            _oz_text=0
            continue
        fi
        case $_oz_p in
        '')
            printf '\\'
            _oz_text=1
            ;;
        u????*)
            _oz_rest=${_oz_p#u????}
            _oz_hex=${_oz_p#u}
            _oz_hex=${_oz_hex%"$_oz_rest"}
            _oz_utf8 $((0x$_oz_hex))
            printf '%s' "$_oz_rest"
            ;;
        *)
            _oz_rest=${_oz_p#?}
            case ${_oz_p%"$_oz_rest"} in
            n) printf '\n' ;;
            t) printf '\t' ;;
            r) printf '\r' ;;
            b) printf '\b' ;;
            f) printf '\f' ;;
            *) printf '%s' "${_oz_p%"$_oz_rest"}" ;; # \" \/
            esac
            printf '%s' "$_oz_rest"
            ;;
        esac
    done
}

# _oz_utf8 CODE: the UTF-8 bytes of a code point below 65536, through printf octal escapes.
_oz_utf8() {
    if [ "$1" -lt 128 ]; then
        _oz_byte "$1"
    elif [ "$1" -lt 2048 ]; then
        _oz_byte $((192 + $1 / 64))
        _oz_byte $((128 + $1 % 64))
    else
        _oz_byte $((224 + $1 / 4096))
        _oz_byte $((128 + $1 / 64 % 64))
        _oz_byte $((128 + $1 % 64))
    fi
}

_oz_byte() {
    # shellcheck disable=SC2059 # the format is the escape on purpose
    printf "\\$(($1 / 64))$(($1 / 8 % 8))$(($1 % 8))"
}

# _oz_take BODY: set _oz_value to the decoded text (a command substitution only when needed).
_oz_take() {
    case $1 in
    *\\*)
        _oz_value=$(
            _oz_decode "$1"
            printf x
        )
        _oz_value=${_oz_value%x}
        ;;
    *) _oz_value=$1 ;;
    esac
}

# --- the steps --------------------------------------------------------------------------------

_oz_export() { # NAME BODY
    case $1 in
    '' | [0-9]* | *[!A-Za-z0-9_]* | _oz_* | IFS | PS1 | PS2 | PS4 | ENV | OPTIND | OPTARG | PPID | LINENO)
        _oz_fail input 65 "The environment variable name '$1' cannot be set in the task."
        ;;
    esac
    _oz_take "$2"
    export "$1=$_oz_value" || _oz_fail input 65 "The environment variable $1 cannot be set in the task."
}

_oz_repo_urls=''
_oz_repo_dirs=''

_oz_add_repo() { # SPEC
    _oz_spec=$1
    case $_oz_spec in
    -*) _oz_fail repos 64 "Refusing repository '$_oz_spec': a spec must not start with '-'." ;;
    *[!A-Za-z0-9._/:@~+-]*) _oz_fail repos 64 "Refusing a repository: it contains spaces or characters a repository spec cannot have." ;;
    https://?*/?* | http://?*/?* | ssh://?*/?*) _oz_url=$_oz_spec ;;
    ?*@?*:?*) _oz_url=$_oz_spec ;; # scp-like ssh: git@github.com:owner/repo.git
    *:*) _oz_fail repos 64 "Refusing repository '$_oz_spec': only owner/repo, https://, http:// and ssh:// specs are accepted." ;;
    [A-Za-z0-9_]*/[A-Za-z0-9._-]*)
        case ${_oz_spec#*/} in
        */* | '') _oz_fail repos 64 "Refusing repository '$_oz_spec': write it as owner/repo or as a full URL." ;;
        esac
        _oz_url=https://github.com/$_oz_spec.git
        ;;
    *) _oz_fail repos 64 "Refusing repository '$_oz_spec': write it as owner/repo or as a full URL." ;;
    esac
    _oz_d=${_oz_spec%/}
    _oz_d=${_oz_d##*/}
    _oz_d=${_oz_d##*:}
    _oz_d=${_oz_d%.git}
    case $_oz_d in
    '' | . | .. | -*) _oz_fail repos 64 "Refusing repository '$_oz_spec': it does not name a repository." ;;
    esac
    _oz_repo_urls=$_oz_repo_urls$_oz_url$_oz_nl
    _oz_repo_dirs=$_oz_repo_dirs$_oz_d$_oz_nl
}

_oz_clone_repos() {
    [ -n "$_oz_repo_urls" ] || return 0
    command -v git >/dev/null 2>&1 ||
        _oz_fail repos 69 "git is not installed in the environment's image, so its repositories cannot be cloned; use an image with git."
    export GIT_TERMINAL_PROMPT=0
    _oz_ifs=$IFS
    IFS=$_oz_nl
    set -- $_oz_repo_dirs
    for _oz_url in $_oz_repo_urls; do
        IFS=$_oz_ifs
        if [ -e "$OZ_WORKSPACE/$1" ]; then
            _oz_say "$OZ_WORKSPACE/$1 already exists; not cloning $_oz_url again."
        else
            _oz_say "cloning $_oz_url into $OZ_WORKSPACE/$1"
            git clone -- "$_oz_url" "$OZ_WORKSPACE/$1" </dev/null 2>&1 ||
                _oz_fail repos 65 "Cloning $_oz_url failed; check the repository name and the image's credentials."
        fi
        shift
        IFS=$_oz_nl
    done
    IFS=$_oz_ifs
    _oz_repo_urls=''
}

_oz_setup_number=0

_oz_setup() { # BODY: one setup command, however many lines, as one script
    _oz_setup_number=$((_oz_setup_number + 1))
    _oz_take "$1"
    _oz_say "setup command $_oz_setup_number"
    /bin/sh -c "$_oz_value" </dev/null 2>&1
    _oz_code=$?
    if [ "$_oz_code" -ne 0 ]; then
        _oz_fail setup "$_oz_code" "Setup command $_oz_setup_number failed with exit code $_oz_code."
    fi
}

_oz_write_file() { # PATH BODY
    case $1 in
    /* | ../* | */../* | */.. | .. | *\\* | *\"*) _oz_fail input 65 "The task document names a file outside the workspace." ;;
    esac
    case $1 in
    */*)
        [ -d "$OZ_WORKSPACE/${1%/*}" ] || mkdir -p "$OZ_WORKSPACE/${1%/*}" ||
            _oz_fail input 73 "Cannot create the folder of $1 in the workspace."
        ;;
    esac
    _oz_decode "$2" >"$OZ_WORKSPACE/$1" || _oz_fail input 73 "Cannot write $1 in the workspace."
}

# --- start ------------------------------------------------------------------------------------

cd "$OZ_WORKSPACE" 2>/dev/null || {
    _oz_say "error: cannot enter the workspace $OZ_WORKSPACE."
    exit 70
}
[ -d "$_oz_dir" ] || mkdir -p "$_oz_dir" || {
    _oz_say "error: cannot create $_oz_dir; the image must allow writing to $OZ_WORKSPACE."
    exit 70
}
: >"$_oz_output"

# The watchdog (WK-11): the worker holds the FIFO open while it lives, so reading it ends (EOF)
# only when the worker is gone, even killed with SIGKILL. The task then ends at once: its
# process group is killed, this script's too, and the container's init exits with it.
if [ -p "$OZ_ALIVE_FILE" ]; then
    (
        # Output may go to a pipe the dead worker read (the direct backend): a write to it
        # must not kill the watchdog (SIGPIPE) before it has killed the task.
        trap '' PIPE
        while IFS= read -r _oz_ignored; do :; done <"$OZ_ALIVE_FILE"
        _oz_say "error: the worker is gone; stopping the run."
        _oz_write_result 137 worker_lost "The worker stopped while the run was executing; start the run again."
        kill -s KILL 0
    ) &
    _oz_watchdog=$!
fi

[ -r "$OZ_TASK_FILE" ] || _oz_fail input 66 "The task document $OZ_TASK_FILE is missing."

# The folders for files the run leaves: after the environment's variables, so these names
# always mean what the worker reads.
for _oz_folder in handoff artifacts screenshots; do
    [ -d "$_oz_dir/$_oz_folder" ] || mkdir -p "$_oz_dir/$_oz_folder" ||
        _oz_fail input 70 "Cannot create the folders in $_oz_dir; the image must allow writing to $OZ_WORKSPACE."
done

# --- the reader ---------------------------------------------------------------------------------

_oz_section=''
_oz_version=''
_oz_stdin=/dev/null
_oz_argv=0
set --
while IFS= read -r _oz_line || [ -n "$_oz_line" ]; do
    case $_oz_line in
    '  "'*)
        _oz_item=${_oz_line#  \"}
        _oz_item=${_oz_item%,}
        _oz_item=${_oz_item%\"}
        case $_oz_section in
        env) _oz_export "${_oz_item%%\"*}" "${_oz_item#*\": \"}" ;;
        files) _oz_write_file "${_oz_item%%\"*}" "${_oz_item#*\": \"}" ;;
        repos)
            _oz_take "$_oz_item"
            _oz_add_repo "$_oz_value"
            ;;
        setup) _oz_setup "$_oz_item" ;;
        argv)
            _oz_take "$_oz_item"
            set -- "$@" "$_oz_value"
            _oz_argv=1
            ;;
        *) _oz_fail input 65 "The task document has an item outside a known section." ;;
        esac
        ;;
    ' "version": '*)
        _oz_version=${_oz_line#' "version": '}
        _oz_version=${_oz_version%,}
        [ "$_oz_version" = 1 ] ||
            _oz_fail input 65 "The task document has version $_oz_version; this sidecar reads version 1, so update the worker and sidecar together."
        ;;
    ' "env": {'*) _oz_section=env ;;
    ' "repos": ['*) _oz_section=repos ;;
    ' "setup_commands": ['*)
        _oz_clone_repos
        _oz_section=setup
        ;;
    ' "files": {'*) _oz_section=files ;;
    ' "argv": ['*) _oz_section=argv ;;
    ' "stdin": "'*)
        _oz_item=${_oz_line#' "stdin": "'}
        _oz_item=${_oz_item%,}
        _oz_stdin=$_oz_dir/stdin
        _oz_decode "${_oz_item%\"}" >"$_oz_stdin" || _oz_fail input 73 "Cannot write the prompt to $_oz_stdin."
        ;;
    ' }'* | ' ]'*) _oz_section='' ;;
    '{' | '}') ;;
    *) _oz_fail input 65 "The task document has a line this sidecar does not understand; update the worker and sidecar together." ;;
    esac
done <"$OZ_TASK_FILE"
_oz_clone_repos
[ -n "$_oz_version" ] || _oz_fail input 65 "The task document has no version; it is not a task document."
[ "$_oz_argv" = 1 ] || _oz_fail input 65 "The task document names no harness command."

OZ_HANDOFF_DIR=$_oz_dir/handoff
OZ_ARTIFACTS_DIR=$_oz_dir/artifacts
OZ_SCREENSHOTS_DIR=$_oz_dir/screenshots
export OZ_HANDOFF_DIR OZ_ARTIFACTS_DIR OZ_SCREENSHOTS_DIR

# --- the harness ------------------------------------------------------------------------------

command -v "$1" >/dev/null 2>&1 ||
    _oz_fail harness 127 "The harness CLI '$1' is not installed in the environment's image; install it there or choose another harness."

_oz_say "running $1"
if command -v tee >/dev/null 2>&1; then
    # No pipefail in POSIX sh: the CLI's exit code travels through a file.
    {
        "$@" <"$_oz_stdin" 2>&1
        echo $? >"$_oz_dir/.exit_code"
    } | tee "$_oz_output"
    _oz_code=''
    read -r _oz_code <"$_oz_dir/.exit_code"
else
    {
        "$@" <"$_oz_stdin" 2>&1
        echo $? >"$_oz_dir/.exit_code"
    } | while IFS= read -r _oz_out || [ -n "$_oz_out" ]; do
        printf '%s\n' "$_oz_out"
        printf '%s\n' "$_oz_out" >&3
    done 3>"$_oz_output"
    _oz_code=''
    read -r _oz_code <"$_oz_dir/.exit_code"
fi
case $_oz_code in
'' | *[!0-9]*) _oz_code=1 ;;
esac
if [ "$_oz_code" -eq 0 ]; then
    _oz_write_result 0 harness ""
else
    _oz_write_result "$_oz_code" harness "The agent exited with code $_oz_code."
fi
_oz_end "$_oz_code"
