#!/usr/bin/env bash
# The GitHub Action's work (action.yml), kept here so it can be run and tested locally.
#
#   INPUT_FILES       JSONL files or glob patterns, separated by spaces or new lines
#   INPUT_ARGS        extra `ftlint check` arguments, separated by spaces
#   INPUT_CONFIG      if set, the config file to use (`--config`) instead of one found
#                     in the checkout, which a pull request can change
#   INPUT_SARIF_FILE  if set, also write a SARIF report there
#   INPUT_INSTALL     wheel (default: pip install ftlint==this version) or source (cargo install)
#   FTLINT_BIN        an ftlint binary to use instead of installing one
#
# Findings become annotations (--format github); ftlint itself appends the Markdown
# report to $GITHUB_STEP_SUMMARY. The exit code is ftlint's: 1 fails the step on errors;
# 2 when ftlint could not do its job or a file was not read (see below).
#
# File names come from the pull request: they go to ftlint after `--` (a file named
# `--config=evil.jsonl` is a file, not an option), always quoted, and they are escaped
# when this script prints them. A matched file reached through a symbolic link that
# resolves outside the workspace, or into `.git` (where the checkout keeps its token),
# is not read: the script names it and the step fails.
set -euo pipefail

repo=${GITHUB_ACTION_PATH:-"$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"}
if [[ -n "${FTLINT_BIN:-}" ]]; then
    ftlint=$FTLINT_BIN
elif [[ "${INPUT_INSTALL:-wheel}" == source ]]; then
    echo "::group::Install ftlint (cargo)"
    cargo install --path "$repo" --locked
    echo "::endgroup::"
    ftlint=ftlint
else
    # The wheel of this action's version (pip): seconds, no Rust toolchain.
    # FTLINT_PIP_SPEC replaces the requirement (a wheel file in tests).
    version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$repo/Cargo.toml" | head -n 1)
    venv=${RUNNER_TEMP:-${TMPDIR:-/tmp}}/ftlint-venv
    echo "::group::Install ftlint (pip)"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet "${FTLINT_PIP_SPEC:-ftlint==$version}"
    echo "::endgroup::"
    ftlint=$venv/bin/ftlint
fi

# Workflow-command data: `%`, CR and LF escaped as the runner expects, so a file name
# holding a newline cannot start a line of its own (`::add-mask::`, `::error::`).
escape() {
    local s=$1
    s=${s//'%'/%25}
    s=${s//$'\r'/%0D}
    s=${s//$'\n'/%0A}
    printf '%s' "$s"
}

# Is any part of the path (as matched) a symbolic link?
through_link() {
    local p=$1
    while [[ -n "$p" && "$p" != . && "$p" != / ]]; do
        if [[ -L "$p" ]]; then
            return 0
        fi
        [[ "$p" == */* ]] || break
        p=${p%/*}
    done
    return 1
}

# The real path of $1, or nothing when it cannot be resolved (a dangling link).
resolved() {
    local real
    # `x` keeps a trailing newline of the name from being stripped by $(...).
    real=$(realpath -- "$1" 2>/dev/null && printf x) || return 0
    printf '%s' "${real%$'\n'x}"
}

workspace=$(resolved "${GITHUB_WORKSPACE:-$PWD}")

# A linked file is read only when it resolves inside the workspace and outside `.git`.
link_allowed() {
    local real
    real=$(resolved "$1")
    [[ -n "$real" && -n "$workspace" ]] || return 1
    if [[ "$workspace" != / && "$real" != "$workspace"/* ]]; then
        return 1
    fi
    [[ "/$real/" != */.git/* ]]
}

# Globs expand here (not in YAML); a pattern that matches nothing is an error, not a
# silent pass.
set -f # split the inputs on white space without expanding anything yet
patterns=(${INPUT_FILES:-})
args=(${INPUT_ARGS:-})
set +f
if [[ -n "${INPUT_CONFIG:-}" ]]; then
    args+=(--config "$INPUT_CONFIG")
fi
shopt -s globstar nullglob
files=()
refused=0
for pattern in "${patterns[@]}"; do
    matches=($pattern)
    if [[ ${#matches[@]} -eq 0 ]]; then
        echo "::error title=ftlint::no file matches '$(escape "$pattern")'"
        exit 2
    fi
    for f in "${matches[@]}"; do
        if through_link "$f" && ! link_allowed "$f"; then
            echo "::error title=ftlint::$(escape "$f"): a symbolic link that resolves outside the workspace or into .git; not followed, not read"
            refused=$((refused + 1))
            continue
        fi
        files+=("$f")
    done
done
shopt -u nullglob
summarize_refused() {
    if [[ $refused -gt 0 && -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
        printf '\n**ftlint did not read %d file(s): symbolic links that resolve outside the workspace or into `.git` (see the annotations).**\n' \
            "$refused" >>"$GITHUB_STEP_SUMMARY" || true
    fi
}

if [[ ${#files[@]} -eq 0 ]]; then
    summarize_refused
    if [[ $refused -eq 0 ]]; then
        echo "::error title=ftlint::no files given (set the action's 'files' input)"
    fi
    exit 2
fi

if [[ -n "${INPUT_SARIF_FILE:-}" ]]; then
    # Exit 1 (findings) is the github run's to report; only a failure to run stops here.
    status=0
    "$ftlint" check --format sarif --output-file "$INPUT_SARIF_FILE" "${args[@]}" -- "${files[@]}" || status=$?
    if [[ $status -gt 1 ]]; then
        exit "$status"
    fi
fi

status=0
"$ftlint" check --format github "${args[@]}" -- "${files[@]}" || status=$?
summarize_refused
# A file left unread means the check is incomplete: never a green step.
if [[ $refused -gt 0 && $status -lt 2 ]]; then
    status=2
fi
exit "$status"
