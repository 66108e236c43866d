'use strict';
// npm pack / npm publish run this first (the "prepack" script), so a tarball always holds fresh
// dist/ and a prebuilt addon for this machine; `npm run prebuildify` runs only the addon part.
//
//   1. dist/ emptied; npm then runs "prepare" (tsc + ESM wrappers), so no file of a deleted
//      module ships.
//   2. prebuildify --napi --strip --tag-libc for this platform, against this Node's headers
//      (Node-API is ABI-stable, so one build serves every Node >= 18). Skipped when
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

function run(cmd, args) {
  log([cmd, ...args].join(' '));
  const r = spawnSync(cmd, args, {
    cwd: root,
    stdio: ['ignore', 2, 2],
    shell: process.platform === 'win32',
    env: { JOBS: 'max', ...process.env }, // node-gyp: compile on every core
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
