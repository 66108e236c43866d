#!/usr/bin/env bash
# Kernel fuzzing (npm run fuzz): builds each test/fuzz/fuzz_<family>.cc with libFuzzer, ASan and
# UBSan against the kernel sources only (native/kernels, the list and per-ISA flags read from
# native/sources.gypi), then runs each target for SECONDS (default 60) from its seed corpus
# test/fuzz/corpus/<family>/ (new inputs go to build-fuzz/corpus/, the committed seeds are not
# touched). Prints executions per target and exits non-zero on any finding; the input that
# triggered it is saved under build-fuzz/artifacts/ (replay: build-fuzz/fuzz_<family> FILE).
#   tools/fuzz.sh [SECONDS] [family...]        FUZZ_JOBS=N runs N targets at once (default 1);
#                                              FUZZ_SEED=N fixes the mutation sequence
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
shift || true
CLANGXX=${CLANGXX:-clang++}
command -v "$CLANGXX" >/dev/null || { echo "fuzz: $CLANGXX not found (apt-get install clang libclang-rt-14-dev)" >&2; exit 2; }
out=build-fuzz
mkdir -p "$out/obj" "$out/artifacts" "$out/corpus"

# Sources and per-ISA flags from the one list binding.gyp uses.
eval "$(/usr/bin/env python3 - <<'PY'
import ast
v = ast.literal_eval(open('native/sources.gypi').read())['variables']
def sh(name, xs): print('%s="%s"' % (name, ' '.join(xs)))
sh('SCALAR_SRC', v['losskit_scalar_sources']); sh('SCALAR_FLAGS', v['losskit_scalar_flags'])
sh('SSE2_SRC', v['losskit_sse2_sources'])
sh('AVX2_SRC', v['losskit_avx2_sources']); sh('AVX2_FLAGS', v['losskit_avx2_flags'])
sh('AVX512_SRC', v['losskit_avx512_sources']); sh('AVX512_FLAGS', v['losskit_avx512_flags'])
sh('KERNEL_SRC', v['losskit_kernel_sources']); sh('COMMON_FLAGS', v['losskit_common_flags'])
PY
)"
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
cxx="$CLANGXX -std=c++17 -O2 -g $san $COMMON_FLAGS"
# Every compile runs in the background (the sanitized kernels take about a minute one after the
# other); `wait PID` fails the script if any of them fails.
objs=() pids=()
compile() {  # src flags...
  local src=$1; shift
  local o="$out/obj/$(basename "${src%.cc}").o"
  $cxx -fsanitize=fuzzer-no-link "$@" -c "$src" -o "$o" & pids+=($!)
  objs+=("$o")
}
wait_all() { for p in "${pids[@]}"; do wait "$p"; done; pids=(); }
echo "== fuzz: building kernels with $($CLANGXX --version | head -1)"
for s in $SCALAR_SRC; do compile "$s" $SCALAR_FLAGS; done
for s in $SSE2_SRC $KERNEL_SRC; do compile "$s"; done
for s in $AVX2_SRC; do compile "$s" $AVX2_FLAGS; done
for s in $AVX512_SRC; do compile "$s" $AVX512_FLAGS; done
wait_all

families=("$@")
if [ ${#families[@]} -eq 0 ]; then
  for f in test/fuzz/fuzz_*.cc; do b=$(basename "$f" .cc); families+=("${b#fuzz_}"); done
fi
for fam in "${families[@]}"; do
  $cxx -fsanitize=fuzzer "test/fuzz/fuzz_$fam.cc" "${objs[@]}" -o "$out/fuzz_$fam" & pids+=($!)
done
wait_all

export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run() {  # family
  local fam=$1 log="$out/fuzz_$1.log"
  mkdir -p "$out/corpus/$fam" "test/fuzz/corpus/$fam"
  # FUZZ_SEED fixes libFuzzer's mutation sequence (CI sets it, so a run explores the same inputs
  # up to its time limit instead of new random ones each time).
  if "$out/fuzz_$fam" ${FUZZ_SEED:+-seed=$FUZZ_SEED} -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 \
      -artifact_prefix="$out/artifacts/$fam-" "$out/corpus/$fam" "test/fuzz/corpus/$fam" >"$log" 2>&1; then
    echo "fuzz_$fam: $(grep -o 'number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$') executions in ${secs}s, 0 findings"
  else
    echo "fuzz_$fam: FINDING (see $log and $out/artifacts/$fam-*)"
    grep -E 'FUZZ MISMATCH|ERROR: |runtime error|SUMMARY' "$log" | head -5
    return 1
  fi
}
status=0
jobs=${FUZZ_JOBS:-1}
if [ "$jobs" -gt 1 ]; then
  pids=()
  for fam in "${families[@]}"; do run "$fam" > "$out/fuzz_$fam.summary" & pids+=($!); done
  for i in "${!pids[@]}"; do wait "${pids[$i]}" || status=1; cat "$out/fuzz_${families[$i]}.summary"; done
else
  for fam in "${families[@]}"; do run "$fam" || status=1; done
fi
exit $status
