#!/usr/bin/env bash
# Benchmark ftlint against the reference data-prep recipe on the same generated files,
# in the same run. Prints seconds, MB/s, records/s, peak RSS, the speed ratio per file,
# whether the token counts are identical, and the peak RSS of an endless line.
#
#   scripts/bench.sh                     # 50 MB and 200 MB mixed files, seed 42, 1% faulty lines
#   SIZES="200MB" scripts/bench.sh       # other sizes
#   MEMORY=1 scripts/bench.sh            # also peak RSS on 100 MB vs 1 GB (bounded memory)
#
# Needs ../shared beside the repo (generator and reference), python3, and GNU time.
# The machine may be shared: wall times move with its load, so each ftlint run is the
# best of 3 and its CPU time (user+sys) is printed too.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=../shared
SIZES="${SIZES:-${SIZE:-50MB 200MB}}"
DATA="${BENCH_DIR:-bench-data}"
THREADS="${RAYON_NUM_THREADS:-$(nproc)}"
mkdir -p "$DATA"
cargo build --release --quiet --bin ftlint --example bare_tokenizer
bin=target/release/ftlint
eval "$(bash "$SHARED/peers/setup_peers.sh" 2>/dev/null | grep '^export ')"
py="${PEERS_VENV:-/tmp/ftlint-peers/venv}/bin/python"
export RAYON_NUM_THREADS=$THREADS

# run NAME CMD...: best of 3 wall times (1 for the slow reference), peak RSS and CPU of the best.
run() {
  local name=$1; shift
  local reps=3; [ "$name" = reference ] && reps=1
  local best="" rss="" cpu=""
  for _ in $(seq $reps); do
    /usr/bin/time -f "%e %M %U %S" -o "$DATA/time.txt" "$@" > "$DATA/out.txt" 2>/dev/null || true
    read -r t m u s < <(tail -n 1 "$DATA/time.txt")
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then
      best=$t; rss=$m; cpu=$(awk "BEGIN{print $u+$s}")
    fi
  done
  printf '%-22s %8.2f s %9.1f MB/s %11.0f rec/s %8.1f MB RSS %8.2f s CPU\n' "$name" "$best" \
    "$(awk "BEGIN{print $bytes/1e6/$best}")" "$(awk "BEGIN{print $lines/$best}")" \
    "$(awk "BEGIN{print $rss/1024}")" "$cpu"
  eval "T_${name//[^a-z]/_}=$best"
}

for size in $SIZES; do
  file="$DATA/mix-$size-seed42.jsonl"
  [ -s "$file" ] || python3 "$SHARED/bench/gen_dataset.py" --size "$size" --seed 42 --invalid-rate 0.01 --out "$file" 2>/dev/null
  bytes=$(stat -c %s "$file")
  lines=$(wc -l < "$file")
  echo "== $file ($(awk "BEGIN{print $bytes/1e6}") MB, $lines lines), $THREADS threads, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
  run lint_only        "$bin" check "$file" --lint-only --format json
  run full             "$bin" check "$file" --format json
  run full_tiktoken    "$bin" check "$file" --format json --tokenizer tiktoken
  run reference        "$py" "$SHARED/peers/cookbook_check.py" "$file" --json-only
  target/release/examples/bare_tokenizer "$file" bpe
  target/release/examples/bare_tokenizer "$file" tiktoken
  echo "ratio full check vs reference ($size): $(awk "BEGIN{printf \"%.1f\", $T_reference/$T_full}")x"
done

# Identical counts: on a clean text-only file (the recipe counts tool calls and faulty
# records its own way, so the mixed files are not comparable line for line).
clean="$DATA/textonly-20MB-seed7.jsonl"
if [ ! -s "$clean" ]; then
  python3 "$SHARED/bench/gen_dataset.py" --size 20MB --seed 7 --invalid-rate 0 --out "$DATA/clean.tmp" 2>/dev/null
  grep -v '"tool_calls"' "$DATA/clean.tmp" > "$clean"; rm -f "$DATA/clean.tmp"
fi
ours=$("$bin" check "$clean" --format json | python3 -c 'import json,sys; d=json.load(sys.stdin)["tokens"]; print(d["total"], d["billable"])')
# The default model (gpt-3.5-turbo) bills at most 4,096 tokens an example.
theirs=$("$py" "$SHARED/peers/cookbook_check.py" "$clean" --max-tokens 4096 --json-only 2>/dev/null | sed -n '/^{/,/^}/p' \
  | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["n_tokens_unclamped"], d["n_billing_tokens_in_dataset"])')
echo "counts on $clean (total, billable): ftlint $ours, reference $theirs: $([ "$ours" = "$theirs" ] && echo identical || echo DIFFERENT)"

# Endless line: 400 MB without a newline, piped in, skipped with a 16 MiB limit.
/usr/bin/time -f "%e %M" -o "$DATA/time.txt" bash -c \
  "head -c 400000000 /dev/zero | tr '\\0' a | $bin check - --max-line-bytes 16MiB --lint-only --format json > /dev/null" || true
read -r t m < <(tail -n 1 "$DATA/time.txt")
printf 'endless line (400 MB piped, --max-line-bytes 16MiB): %.2f s, %.1f MB peak RSS\n' "$t" "$(awk "BEGIN{print $m/1024}")"

if [ "${MEMORY:-0}" = 1 ]; then
  small="$DATA/mix-100MB-seed42.jsonl"; big="$DATA/mix-1GB-seed42.jsonl"
  [ -s "$small" ] || python3 "$SHARED/bench/gen_dataset.py" --size 100MB --seed 42 --invalid-rate 0.01 --out "$small"
  [ -s "$big" ] || python3 "$SHARED/bench/gen_dataset.py" --size 1GB --seed 42 --invalid-rate 0.01 --out "$big"
  # Peak RSS of a full check and of --lint-only on each file given.
  measure() {
    for f in "$@"; do
      for mode in "" "--lint-only"; do
        /usr/bin/time -f "%e %M" -o "$DATA/time.txt" "$bin" check "$f" --format json $mode > /dev/null 2>&1 || true
        read -r t m < <(tail -n 1 "$DATA/time.txt")
        printf 'memory %-32s %-12s %6.2f s %8.1f MB RSS\n' "$(basename "$f")" "${mode:-full}" "$t" "$(awk "BEGIN{print $m/1024}")"
      done
    done
  }
  measure "$small" "$big"
  # Duplicate-heavy: ten copies of the 100 MB file, so 9 in 10 records are FT071
  # findings; they are counted, and only --max-diagnostics of them are ever built.
  copies="$DATA/mix-100MB-x10.jsonl"
  [ -s "$copies" ] || for _ in 1 2 3 4 5 6 7 8 9 10; do cat "$small"; done > "$copies"
  measure "$copies"
fi
