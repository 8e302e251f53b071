#!/usr/bin/env bash
# Builds the pip wheel (maturin, bindings = "bin"), installs it in a fresh venv and runs
# the installed `ftlint` on a fixture, as a user of `pip install ftlint` would.
#
#   PROFILE=dev (default) reuses the binary `cargo test` just built, so CI pays for
#   packaging only; PROFILE=release builds what a release publishes (2-4 min here).
# maturin's venv is cached in target/ (never in the repository).
set -euo pipefail
cd "$(dirname "$0")/.."
# The default model and the model-retired warning depend on the date: fix it, as the
# tests do, so the checks below mean the same whenever CI runs.
export FTLINT_AS_OF=2026-11-29
profile=${PROFILE:-dev}
venv=target/ci-venvs/maturin
if ! { "$venv/bin/maturin" --version && "$venv/bin/pre-commit" --version; } > /dev/null 2>&1; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "maturin>=1.5,<2.0" "pre-commit>=3,<5"
fi
out=target/wheels-$profile
rm -rf "$out"
"$venv/bin/maturin" build --quiet --locked --profile "$profile" --out "$out" > "$out.log" 2>&1 \
    || { cat "$out.log"; echo "wheel: 0 passed, 1 failed"; exit 1; }
wheel=$(ls "$out"/ftlint-*.whl)
echo "wheel: built $(basename "$wheel") ($(( $(stat -c %s "$wheel") / 1024 / 1024 )) MiB) at ${SECONDS}s"

user=$(mktemp -d)
trap 'rm -rf "$user"' EXIT
python3 -m venv "$user/venv"
"$user/venv/bin/pip" install -q --no-index "$wheel"
ftlint="$user/venv/bin/ftlint"
passed=0
fail() { echo "wheel: FAILED: $*"; echo "wheel: $passed passed, 1 failed"; exit 1; }

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
got=$("$ftlint" --version) || fail "ftlint --version did not run"
[[ "$got" == "ftlint $version" ]] || fail "ftlint --version says '$got', Cargo.toml says $version"
passed=$((passed + 1)); echo "wheel: check $passed passed at ${SECONDS}s"

# The venv's ftlint is on PATH once the venv is active, as after `pip install ftlint`.
json=$(PATH="$user/venv/bin:$PATH" ftlint check fixtures/japanese_refusals.jsonl --model gpt-3.5-turbo-0613 --format json --isolated) \
    || fail "ftlint check on a valid fixture did not exit 0"
python3 - "$json" << 'PY' || fail "the installed ftlint's report is wrong"
import json, sys
d = json.loads(sys.argv[1])
assert d["summary"]["errors"] == 0, d["summary"]
assert d["tokens"]["total"] == 629, d["tokens"]["total"]
PY
passed=$((passed + 1)); echo "wheel: check $passed passed at ${SECONDS}s"

status=0
"$ftlint" check fixtures/formats_known_faults.jsonl --isolated --format concise > /dev/null || status=$?
[[ $status -eq 1 ]] || fail "ftlint check on a faulty fixture exited $status, not 1"
passed=$((passed + 1)); echo "wheel: check $passed passed at ${SECONDS}s"

# The GitHub Action's default install (pip, no cargo), given this wheel.
status=0
out=$(FTLINT_PIP_SPEC="$PWD/$wheel" RUNNER_TEMP="$user" INPUT_FILES=fixtures/japanese_refusals.jsonl \
    INPUT_ARGS=--isolated GITHUB_STEP_SUMMARY="$user/summary.md" bash scripts/action.sh 2>&1) || status=$?
[[ $status -eq 0 && -x "$user/ftlint-venv/bin/ftlint" ]] || fail "action.sh did not install the wheel and pass ($status): $out"
grep -q "ftlint: no errors, no warnings" "$user/summary.md" || fail "action.sh wrote no step summary"
passed=$((passed + 1)); echo "wheel: check $passed passed at ${SECONDS}s"

# A pre-commit hook of `language: python` that installs the wheel, as the README shows
# (there with `ftlint==VERSION` from PyPI), run on a staged file with a fault.
repo="$user/precommit"
mkdir -p "$repo"
cat > "$repo/.pre-commit-config.yaml" << YAML
repos:
  - repo: local
    hooks:
      - id: ftlint
        name: ftlint
        entry: ftlint check --lint-only
        language: python
        additional_dependencies: ["$PWD/$wheel"]
        files: \.jsonl$
YAML
printf '{"messages": [}\n' > "$repo/bad.jsonl"
status=0
out=$(cd "$repo" && git init -q && git add . \
    && PRE_COMMIT_HOME="$user/pre-commit-cache" "$OLDPWD/$venv/bin/pre-commit" run --all-files 2>&1) || status=$?
[[ $status -eq 1 ]] || fail "pre-commit did not fail on a bad file ($status): $out"
grep -q "bad.jsonl:1:" <<< "$out" || fail "pre-commit output does not name the fault: $out"
passed=$((passed + 1)); echo "wheel: check $passed passed at ${SECONDS}s"
echo "wheel: $passed passed, 0 failed"
