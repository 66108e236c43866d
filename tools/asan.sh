#!/usr/bin/env bash
# Sanitized test run (npm run test:asan): builds the addon with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer into build-asan/ (the normal build/ is left alone), then runs the
# whole jest suite against it with the ASan runtime preloaded into node, which is not itself
# instrumented. Any finding aborts the process, so the suite fails.
#   tools/asan.sh [jest args...]      e.g. tools/asan.sh test/bad-input.test.ts (default: every test
#                                     but test/report.test.ts, see below)
# Needs clang and its runtime (Debian: apt-get install clang libclang-rt-14-dev).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
CLANG=${CLANG:-clang}
CLANGXX=${CLANGXX:-clang++}
command -v "$CLANG" >/dev/null || { echo "asan: $CLANG not found (apt-get install clang libclang-rt-14-dev)" >&2; exit 2; }
rt=$("$CLANG" -print-file-name=libclang_rt.asan-x86_64.so)
[ -f "$rt" ] || { echo "asan: ASan runtime not found ($rt); install libclang-rt-14-dev" >&2; exit 2; }

# node-gyp always builds into ./build, so build from a directory that links back to the sources.
stage=$root/build-asan
mkdir -p "$stage"
for f in binding.gyp native package.json node_modules; do ln -sfn "$root/$f" "$stage/$f"; done
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g"
echo "== asan: building $stage/build/Release/losskit.node with $("$CLANGXX" --version | head -1)"
(cd "$stage" && CC=$CLANG CXX=$CLANGXX CFLAGS="$san" CXXFLAGS="$san" LDFLAGS="-fsanitize=address,undefined" \
  npx --no-install node-gyp rebuild --loglevel=error >"$stage/build.log" 2>&1) ||
  { tail -40 "$stage/build.log" >&2; exit 1; }
addon=$stage/build/Release/losskit.node
# The addon must carry the instrumentation (and leave the runtime to the preload).
grep -q __asan_report < <(nm -D "$addon") || { echo "asan: $addon is not instrumented" >&2; exit 1; }

[ -f dist/index.js ] || npx tsc -p tsconfig.json
export LOSSKIT_ADDON_PATH=$addon
export LD_PRELOAD=$rt
# V8 keeps its heap to the end by design, so leak detection would only report it; node installs
# its own SIGSEGV handler for wasm, which ASan must not replace.
export ASAN_OPTIONS=detect_leaks=0:halt_on_error=1:abort_on_error=1:handle_segv=0:allow_user_segv_handler=1:print_summary=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# The package must load the sanitized addon (and the runtime must be in the process), or the run
# below would prove nothing.
node -e "require('./dist'); const m = require('fs').readFileSync('/proc/self/maps', 'utf8');
  if (!m.includes('build-asan/build/Release/losskit.node') || !m.includes('libclang_rt.asan')) {
    console.error('asan: the sanitized addon is not the one loaded'); process.exit(1); }"
# Jest's summary says how many cases ran under the sanitizers. The report test drives headless
# Chromium, which cannot run with the ASan runtime preloaded and never loads the addon: left out.
# test/native.test.ts builds and runs the C++ kernel tests with CMake (no addon): left out too.
if [ $# -eq 0 ]; then set -- --testPathIgnorePatterns 'test/report\.test' 'test/native\.test'; fi
npx jest --maxWorkers=2 "$@"
