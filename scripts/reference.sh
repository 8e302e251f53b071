#!/usr/bin/env bash
# Regenerates tests/reference/: what the public OpenAI data-prep recipe
# (../shared/peers/cookbook_check.py, real Python tiktoken) computes for generated files,
# so `cargo test` can prove ftlint's counts equal it without Python tiktoken at test time.
# Needs ../shared beside the repo; sets up the peer venv offline (setup_peers.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=../shared
OUT=tests/reference
eval "$(bash "$SHARED/peers/setup_peers.sh" | grep '^export ')"
PY="${PEERS_VENV:-/tmp/ftlint-peers/venv}/bin/python"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$OUT"

# The same generator arguments are in tests/reference.rs: keep them in step.
python3 "$SHARED/bench/gen_dataset.py" --records 3000 --seed 7 --invalid-rate 0.05 --out "$tmp/mixed.jsonl" 2>/dev/null
python3 "$SHARED/bench/gen_dataset.py" --records 2000 --seed 11 --invalid-rate 0 --out "$tmp/clean.jsonl" 2>/dev/null
# Text-only: drop tool records (the recipe does not count tools the way the model reads them).
grep -v '"tool_calls"' "$tmp/clean.jsonl" > "$tmp/textonly.jsonl"

for enc in cl100k_base:4096 o200k_base:65536; do
  name=${enc%%:*}; limit=${enc##*:}
  "$PY" "$SHARED/peers/cookbook_check.py" "$tmp/mixed.jsonl" --encoding "$name" --max-tokens "$limit" \
    --json-only --per-example "$OUT/mixed_$name.per_example.txt" > /dev/null 2>&1
  "$PY" "$SHARED/peers/cookbook_check.py" "$tmp/textonly.jsonl" --encoding "$name" --max-tokens "$limit" \
    --json-only 2>/dev/null | sed -n '/^{/,/^}/p' > "$OUT/textonly_$name.json"
  for f in fixtures/japanese_refusals.jsonl; do
    base=$(basename "$f" .jsonl)
    "$PY" "$SHARED/peers/cookbook_check.py" "$f" --encoding "$name" --max-tokens "$limit" \
      --json-only 2>/dev/null | sed -n '/^{/,/^}/p' > "$OUT/${base}_$name.json"
  done
done
ls -la "$OUT"
