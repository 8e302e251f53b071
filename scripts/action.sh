#!/usr/bin/env bash
# The GitHub Action's work (action.yml), kept here so it can be run and tested locally.
#
#   INPUT_FILES       JSONL files or glob patterns, separated by spaces or new lines
#   INPUT_ARGS        extra `ftlint check` arguments, separated by spaces
#   INPUT_SARIF_FILE  if set, also write a SARIF report there
#   INPUT_INSTALL     wheel (default: pip install ftlint==this version) or source (cargo install)
#   FTLINT_BIN        an ftlint binary to use instead of installing one
#
# Findings become annotations (--format github); ftlint itself appends the Markdown
# report to $GITHUB_STEP_SUMMARY. The exit code is ftlint's: 1 fails the step on errors.
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
