#!/usr/bin/env bash
# Fuzzing (issue 20): the decoders of what comes from files and the network (CSV, vCard, journal segments,
# backups, pull pages, the binary base), each a libFuzzer target in tests/fuzz/ built with clang-14,
# AddressSanitizer and UndefinedBehaviorSanitizer in build/fuzz (incrementally; -DKT_FUZZ=ON builds nothing
# else). For each target: every crash reproducer kept in tests/fuzz/regressions/<target>/ runs once, then the
# fuzzer runs for the given seconds from the seeds (tests/fuzz/corpus/<target>/, only read) and what earlier
# runs found (build/fuzz/work/<target>/, where new inputs go).
#   shell/fuzz.sh                  # 60 s per target
#   shell/fuzz.sh 5                # what CI runs (shell/test.sh): a few seconds each
#   shell/fuzz.sh 0                # no fuzzing: the regression inputs and the corpora, each input once
#   shell/fuzz.sh 600 pull base    # some targets (by name, with or without "fuzz_"), ten minutes each
#   shell/fuzz.sh --seeds          # rewrite the seed corpora from the demo workspace (tests/fuzz/make_seeds.cpp)
# A target stops at its first crash, leak, timeout, memory blow-up, sanitizer report or broken invariant and
# says where the reproducer is (build/fuzz/crashes/<target>/); the others still run, and the script exits
# non-zero. Once fixed, keep the reproducer as a regression input:
#   cp build/fuzz/crashes/fuzz_pull/crash-... tests/fuzz/regressions/fuzz_pull/<what-it-was>
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
JOBS="${JOBS:-$(nproc)}"
ALL=(fuzz_csv fuzz_vcard fuzz_journal fuzz_backup fuzz_pull fuzz_base)
say() { echo "fuzz: $*" >&2; }

seeds=0
secs=60
targets=()
for a in "$@"; do
  case "$a" in
    --seeds) seeds=1 ;;
    ''|*[!0-9]*) targets+=("fuzz_${a#fuzz_}") ;;
    *) secs="$a" ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=("${ALL[@]}")
for t in "${targets[@]}"; do
  [[ " ${ALL[*]} " == *" $t "* ]] || { say "no target $t (targets: ${ALL[*]})"; exit 2; }
done

# --- build -------------------------------------------------------------------------------------------------
command -v clang++-14 >/dev/null || { say "clang++-14 is missing: run shell/setup.sh"; exit 1; }
out=build/fuzz
# Through ccache when there is one: the sanitized build of the libraries is most of a CI run's fuzz cost.
# shell/configure.sh recovers a folder that a failed or interrupted configure left unusable.
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
CC=clang-14 CXX=clang++-14 shell/configure.sh "$out" native -DKT_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}"
started=$(date +%s)
if [ $seeds = 1 ]; then
  cmake --build "$out" -j "$JOBS" --target kt_fuzz_seeds >/dev/null
  rm -rf tests/fuzz/corpus
  "$out/tests/fuzz/kt_fuzz_seeds" tests/fuzz/corpus
  exit 0
fi
mkdir -p "$out/logs"
if ! cmake --build "$out" -j "$JOBS" --target "${targets[@]}" >"$out/logs/build.log" 2>&1; then
  tail -n 40 "$out/logs/build.log" >&2
  say "build failed (full log: $out/logs/build.log)"
  exit 1
fi
say "built in $(( $(date +%s) - started )) s"

# --- run ---------------------------------------------------------------------------------------------------
symbolizer="$(command -v llvm-symbolizer-14 || command -v llvm-symbolizer || true)"
[ -n "$symbolizer" ] && export ASAN_SYMBOLIZER_PATH="$symbolizer"
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# Inputs above these sizes are not tried: the seeds of the JSON and binary formats hold a schema (~7 KB).
max_len() {
  case "$1" in
    fuzz_backup|fuzz_pull|fuzz_base) echo 16384 ;;
    *) echo 4096 ;;
  esac
}

status=0
for t in "${targets[@]}"; do
  bin="$out/tests/fuzz/$t"
  log="$out/logs/$t.log"
  mkdir -p "$out/logs" "$out/work/$t" "$out/crashes/$t"
  : >"$log"
  # Regression inputs: each once (a crash found earlier must stay fixed).
  regressions=()
  if [ -d "tests/fuzz/regressions/$t" ]; then
    while IFS= read -r -d '' f; do regressions+=("$f"); done < <(find "tests/fuzz/regressions/$t" -type f ! -name '*.md' -print0 | sort -z)
  fi
  if [ ${#regressions[@]} -gt 0 ]; then
    if ! "$bin" -rss_limit_mb=2048 -timeout=30 "${regressions[@]}" >>"$log" 2>&1; then
      tail -n 60 "$log" >&2
      say "$t: a regression input fails again (full log: $log)"
      status=1
      continue
    fi
  fi
  dict=()
  [ -f "tests/fuzz/dict/$t.dict" ] && dict=("-dict=tests/fuzz/dict/$t.dict")
  # 0 seconds: the seeds and what earlier runs found, each once, without fuzzing (libFuzzer's 0 is no limit).
  limit=("-max_total_time=$secs")
  [ "$secs" = 0 ] && limit=("-runs=0")
  t0=$(date +%s)
  if "$bin" "$out/work/$t" "tests/fuzz/corpus/$t" "${dict[@]}" \
      "${limit[@]}" -max_len="$(max_len "$t")" -rss_limit_mb=2048 -timeout=10 \
      -artifact_prefix="$out/crashes/$t/" -print_final_stats=1 >>"$log" 2>&1; then
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
    say "$t: ok, ${#regressions[@]} regression inputs, ${execs:-?} runs in $(( $(date +%s) - t0 )) s, ${cov:-cov: ?}"
  else
    tail -n 60 "$log" >&2
    found=$(grep -o "Test unit written to [^ ]*" "$log" | tail -1 | sed 's/Test unit written to //' || true)
    say "$t: FAILED (full log: $log)"
    [ -n "$found" ] && say "$t: reproducer: $found   (run it: $bin $found)"
    status=1
  fi
done
exit $status
