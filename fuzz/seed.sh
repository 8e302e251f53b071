#!/usr/bin/env bash
# Seeds the `lines` corpus with every fixture and every JSONTestSuite parsing case.
#   fuzz/seed.sh        (from anywhere; writes fuzz/corpus/lines, which git ignores)
set -euo pipefail
cd "$(dirname "$0")"
corpus=corpus/lines
mkdir -p "$corpus"
n=0
for f in ../fixtures/*.json* ../fixtures/*/*.json* ../../shared/jsontestsuite/test_parsing/*.json; do
  [ -f "$f" ] || continue
  # Keep seeds within the run's -max_len, as libFuzzer would cut them anyway.
  head -c 4096 "$f" > "$corpus/seed-$(basename "$(dirname "$f")")-$(basename "$f")"
  n=$((n + 1))
done
echo "seeded $n files into fuzz/$corpus"
