#!/usr/bin/env bash
# Benchmark ftlint against the reference data-prep recipe on the same generated file,
# in the same run. Prints seconds, MB/s, records/s, peak RSS and the ratio.
#
#   scripts/bench.sh                 # 200 MB mixed file, seed 42, 1% faulty lines
#   SIZE=50MB scripts/bench.sh       # another size
#   MEMORY=1 scripts/bench.sh        # also peak RSS on 100 MB vs 1 GB (bounded memory)
#
# Needs ../shared beside the repo (generator and reference), python3, and GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=../shared
SIZE="${SIZE:-200MB}"
DATA="${BENCH_DIR:-bench-data}"
THREADS="${RAYON_NUM_THREADS:-$(nproc)}"
mkdir -p "$DATA"
file="$DATA/mix-$SIZE-seed42.jsonl"
[ -s "$file" ] || python3 "$SHARED/bench/gen_dataset.py" --size "$SIZE" --seed 42 --invalid-rate 0.01 --out "$file"
cargo build --release --quiet --bin ftlint --example bare_tokenizer
bin=target/release/ftlint
eval "$(bash "$SHARED/peers/setup_peers.sh" 2>/dev/null | grep '^export ')"
py="${PEERS_VENV:-/tmp/ftlint-peers/venv}/bin/python"

bytes=$(stat -c %s "$file")
lines=$(wc -l < "$file")
# run NAME CMD...: best of 3 wall times (1 for the slow reference), peak RSS of the best.
run() {
  local name=$1; shift
  local reps=3; [ "$name" = reference ] && reps=1
  local best="" rss=""
  for _ in $(seq $reps); do
    /usr/bin/time -f "%e %M" -o "$DATA/time.txt" "$@" > /dev/null 2>&1 || true
    read -r t m < <(tail -n 1 "$DATA/time.txt")
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; rss=$m; fi
  done
  printf '%-34s %8.2f s %9.1f MB/s %11.0f rec/s %8.1f MB RSS\n' "$name" "$best" \
    "$(awk "BEGIN{print $bytes/1e6/$best}")" "$(awk "BEGIN{print $lines/$best}")" "$(awk "BEGIN{print $rss/1024}")"
  eval "T_${name//[^a-z]/_}=$best"
}

echo "file: $file ($(awk "BEGIN{print $bytes/1e6}") MB, $lines lines), $THREADS threads, $(nproc) cores"
export RAYON_NUM_THREADS=$THREADS
run lint_only        "$bin" check "$file" --lint-only --format json
run full             "$bin" check "$file" --format json
run full_tiktoken    "$bin" check "$file" --format json --tokenizer tiktoken
run reference        "$py" "$SHARED/peers/cookbook_check.py" "$file" --json-only
target/release/examples/bare_tokenizer "$file" bpe
target/release/examples/bare_tokenizer "$file" tiktoken
echo "ratio full check vs reference: $(awk "BEGIN{printf \"%.1f\", $T_reference/$T_full}")x"

if [ "${MEMORY:-0}" = 1 ]; then
  small="$DATA/mix-100MB-seed42.jsonl"; big="$DATA/mix-1GB-seed42.jsonl"
  [ -s "$small" ] || python3 "$SHARED/bench/gen_dataset.py" --size 100MB --seed 42 --invalid-rate 0.01 --out "$small"
  [ -s "$big" ] || python3 "$SHARED/bench/gen_dataset.py" --size 1GB --seed 42 --invalid-rate 0.01 --out "$big"
  for f in "$small" "$big"; do
    for mode in "" "--lint-only"; do
      /usr/bin/time -f "%e %M" -o "$DATA/time.txt" "$bin" check "$f" --format json $mode > /dev/null 2>&1 || true
      read -r t m < <(tail -n 1 "$DATA/time.txt")
      printf 'memory %-32s %-12s %6.2f s %8.1f MB RSS\n' "$(basename "$f")" "${mode:-full}" "$t" "$(awk "BEGIN{print $m/1024}")"
    done
  done
fi
