// The C++ tests, through plain CMake: configures build-cmake/ once (reused afterwards; CMake
// re-configures itself when CMakeLists.txt or native/sources.gypi change), builds the kernels
// library and the tests, and runs ctest: ulp_test (exp/log/log1p accuracy per ISA, exhaustive
// float32, prints the ULP table) and kernels_test (each ISA's kernels against the scalar
// reference). Skipped with a message when cmake is not installed.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const root = path.join(__dirname, '..');
const build = path.join(root, 'build-cmake');

function have(cmd: string): boolean {
  return spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
}

function run(cmd: string, args: string[], cwd = root): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`}):\n${out}`);
  return out;
}

const hasCmake = have('cmake') && have('ctest');
if (!hasCmake) {
  // eslint-disable-next-line no-console
  console.warn('test/native.test.ts: SKIPPED the C++ tests (ulp_test, kernels_test): cmake/ctest not found on PATH. Install CMake >= 3.19 to run them.');
}

(hasCmake ? describe : describe.skip)('native C++ tests (CMake, ctest)', () => {
  test('build and ctest', () => {
    if (!fs.existsSync(path.join(build, 'CMakeCache.txt'))) run('cmake', ['-S', root, '-B', build, '-DCMAKE_BUILD_TYPE=Release']);
    run('cmake', ['--build', build, '--parallel', '2']);
    const out = run('ctest', ['--output-on-failure', '-V', '-j', '2'], build);
    // The ULP table and the kernel-check summary, for the CI log.
    const keep = out
      .split('\n')
      .map((l) => l.replace(/^\d+: /, ''))
      .filter((l) => /^(routine|vexp|vlog|skip|sse2|avx|neon|ok|FAIL|\d+% tests)/.test(l));
    // eslint-disable-next-line no-console
    console.log(keep.join('\n'));
    expect(out).toMatch(/100% tests passed/);
  }, 20 * 60 * 1000);
});
