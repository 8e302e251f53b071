#!/usr/bin/env bash
# The GitHub Action's work (action.yml), kept here so it can be run and tested locally.
#
#   INPUT_FILES       JSONL files or glob patterns, separated by spaces or new lines
#   INPUT_ARGS        extra `ftlint check` arguments, separated by spaces
#   INPUT_SARIF_FILE  if set, also write a SARIF report there
#   FTLINT_BIN        an ftlint binary to use instead of installing one from this repository
#
# Findings become annotations (--format github); ftlint itself appends the Markdown
# report to $GITHUB_STEP_SUMMARY. The exit code is ftlint's: 1 fails the step on errors.
set -euo pipefail

if [[ -n "${FTLINT_BIN:-}" ]]; then
    ftlint=$FTLINT_BIN
else
    repo=${GITHUB_ACTION_PATH:-"$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"}
    echo "::group::Install ftlint"
    cargo install --path "$repo" --locked
    echo "::endgroup::"
    ftlint=ftlint
fi

# Globs expand here (not in YAML); a pattern that matches nothing is an error, not a
# silent pass.
set -f # split the inputs on white space without expanding anything yet
patterns=(${INPUT_FILES:-})
args=(${INPUT_ARGS:-})
set +f
shopt -s globstar nullglob
files=()
for pattern in "${patterns[@]}"; do
    matches=($pattern)
    if [[ ${#matches[@]} -eq 0 ]]; then
        echo "::error title=ftlint::no file matches '$pattern'"
        exit 2
    fi
    files+=("${matches[@]}")
done
shopt -u nullglob
if [[ ${#files[@]} -eq 0 ]]; then
    echo "::error title=ftlint::no files given (set the action's 'files' input)"
    exit 2
fi

if [[ -n "${INPUT_SARIF_FILE:-}" ]]; then
    # Exit 1 (findings) is the github run's to report; only a failure to run stops here.
    status=0
    "$ftlint" check --format sarif --output-file "$INPUT_SARIF_FILE" "${args[@]}" "${files[@]}" || status=$?
    if [[ $status -gt 1 ]]; then
        exit "$status"
    fi
fi

exec "$ftlint" check --format github "${args[@]}" "${files[@]}"
