'use strict';
// npm pack / npm publish run this first (the "prepack" script), so a tarball always holds fresh
// dist/ and a prebuilt addon for this machine; `npm run prebuildify` runs only the addon part.
//
//   1. dist/ emptied; npm then runs "prepare" (tsc + ESM wrappers), so no file of a deleted
//      module ships.
//   2. prebuildify --napi --strip --tag-libc for this platform, against this Node's headers
//      (Node-API is ABI-stable, so one build serves every Node >= 18); on linux-x64 also
//      linux-arm64, cross-compiled when the cross compiler is installed. Skipped when
//      LOSSKIT_USE_PREBUILDS=1: a release job that collected prebuilds/* from a CI matrix
//      (see README, "Installing") packs those as they are.
//   3. tools/check-portable.js: baseline objects free of AVX/SSE4 code, no -march=native.
//
// prebuildify moves build/Release/losskit.node into prebuilds/; it is copied back so the working
// tree keeps loading the build a developer expects (node-gyp-build prefers build/Release).
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const prebuildOnly = process.argv.includes('--prebuild-only');

// Everything goes to stderr: `npm pack --json` prints its JSON on stdout after this script.
const log = (line) => process.stderr.write(`prepack: ${line}\n`);

function run(cmd, args, env = {}) {
  log([...Object.entries(env).map(([k, v]) => `${k}=${v}`), cmd, ...args].join(' '));
  const r = spawnSync(cmd, args, {
    cwd: root,
    stdio: ['ignore', 2, 2],
    shell: process.platform === 'win32',
    env: { JOBS: 'max', ...process.env, ...env }, // node-gyp: compile on every core
  });
  if (r.status !== 0) {
    log(`${cmd} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

function bin(name) {
  return path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);
}

if (!prebuildOnly) {
  // npm pack runs "prepare" (tsc + ESM wrappers) right after this script, into an empty dist/.
  fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
}

const hostDir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
if (process.env.LOSSKIT_USE_PREBUILDS === '1' && !prebuildOnly) {
  log('LOSSKIT_USE_PREBUILDS=1, packing prebuilds/ as collected');
} else {
  // linux-arm64 too (Graviton, Ampere, Raspberry Pi 4/5 on a 64-bit OS), cross-compiled, when this
  // is linux-x64 with Debian's cross compiler (apt-get install g++-aarch64-linux-gnu). Built
  // first: the host build below then leaves build/Release as the developer expects.
  // test/package/install-as-user.js runs it under qemu-aarch64 with an arm64 Node. Skipped with
  // LOSSKIT_CROSS_ARM64=0, or when the compiler is missing (said so).
  const armDir = path.join(root, 'prebuilds', 'linux-arm64');
  if (process.platform === 'linux' && process.arch === 'x64' && process.env.LOSSKIT_CROSS_ARM64 !== '0') {
    fs.rmSync(armDir, { recursive: true, force: true });
    if (spawnSync('aarch64-linux-gnu-g++', ['--version'], { stdio: 'ignore' }).status === 0) {
      run(bin('prebuildify'), ['--napi', '--strip', '--tag-libc', '--arch=arm64', `--target=node@${process.versions.node}`], {
        CC: 'aarch64-linux-gnu-gcc',
        CXX: 'aarch64-linux-gnu-g++',
        LINK: 'aarch64-linux-gnu-g++',
        AR: 'aarch64-linux-gnu-ar',
        PREBUILD_STRIP_BIN: 'aarch64-linux-gnu-strip',
      });
    } else {
      log('no aarch64-linux-gnu-g++ here: no linux-arm64 prebuild (apt-get install g++-aarch64-linux-gnu)');
    }
  }
  fs.rmSync(hostDir, { recursive: true, force: true });
  run(bin('prebuildify'), ['--napi', '--strip', '--tag-libc', `--target=node@${process.versions.node}`]);
  const built = fs.readdirSync(hostDir).filter((f) => f.endsWith('.node'));
  if (built.length !== 1) {
    log(`expected one addon in ${hostDir}, found: ${built.join(', ') || 'none'}`);
    process.exit(1);
  }
  fs.copyFileSync(path.join(hostDir, built[0]), path.join(root, 'build', 'Release', 'losskit.node'));
  run(process.execPath, ['tools/check-portable.js']);
}

let platforms = [];
try {
  platforms = fs.readdirSync(path.join(root, 'prebuilds'))
    .flatMap((d) => fs.readdirSync(path.join(root, 'prebuilds', d)).filter((f) => f.endsWith('.node')).map((f) => `${d}/${f}`));
} catch {
  /* none */
}
if (platforms.length === 0) {
  log('prebuilds/ is empty; the package would need a compiler everywhere');
  process.exit(1);
}
log(`prebuilds: ${platforms.join(', ')}`);
