'use strict';
// Checks that the addon in build/ (the one prebuildify just packed) runs on any x86-64 CPU:
//   - no -march/-mtune=native anywhere, and -m<isa> flags only in the per-ISA targets;
//   - the baseline objects (glue, dispatch, scalar, sse2) contain no instruction above x86-64's
//     SSE2 baseline (VEX/EVEX-encoded AVX/AVX2/AVX-512/FMA, BMI, SSE3..SSE4.2, POPCNT, LZCNT);
//   - the per-ISA objects define no global or weak symbol outside their own namespace (plus their
//     fill_<isa> entry and the test-only math_eval_<isa> probes), so the linker cannot pick an AVX
//     copy of an inline function for the baseline path;
//   - the glibc and libstdc++ symbol versions the Linux prebuilds need stay at the floor README.md
//     promises (glibc 2.29, GLIBCXX_3.4.29).
// Linux x64 with binutils only; elsewhere it says so and passes.
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const build = path.join(root, 'build');
const isaTargets = ['losskit_avx2', 'losskit_avx512'];

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error(`check-portable: skipped on ${process.platform}-${process.arch} (checks x86-64 ELF objects)`);
  process.exit(0);
}
try {
  execFileSync('objdump', ['--version'], { stdio: 'ignore' });
} catch {
  console.error('check-portable: skipped, objdump (binutils) is not installed');
  process.exit(0);
}

const problems = [];

// 1. Flags, from the generated makefiles and gyp's config.
for (const f of fs.readdirSync(build).filter((n) => n.endsWith('.mk') || n === 'config.gypi')) {
  const text = fs.readFileSync(path.join(build, f), 'utf8');
  if (/-m(arch|tune|cpu)=native/.test(text)) problems.push(`${f}: -march/-mtune=native`);
  const isaFile = isaTargets.some((t) => f.startsWith(`${t}.`));
  const m = text.match(/-m(avx\w*|fma|bmi\w*|sse[34]\w*|ssse3|popcnt|lzcnt|f16c|arch=\S+)/g);
  if (m && !isaFile) problems.push(`${f}: ISA flags outside the per-ISA targets: ${[...new Set(m)].join(' ')}`);
}

// 2 and 3. Objects.
const objRoot = path.join(build, 'Release', 'obj.target');
const objects = [];
(function walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.o')) objects.push(p);
  }
})(objRoot);
if (objects.length === 0) problems.push(`no objects under ${objRoot}: build first`);

const aboveBaseline = new RegExp(
  '^(v(?!err|erw)\\w+|andn|bextr|blsi|blsmsk|blsr|bzhi|mulx|pdep|pext|rorx|sarx|shlx|shrx|' +
    'popcnt|lzcnt|tzcnt|crc32|movbe|' +
    'addsubp[sd]|hadd|hsub|lddqu|movddup|movs[hl]dup|' + // SSE3
    'pshufb|phadd|phsub|pmaddubsw|pmulhrsw|psign|pabs|palignr|' + // SSSE3
    'blendv?p[sd]|pblend|dpp[sd]|insertps|extractps|pextr[bdq]|pinsr[bdq]|pmax(s[bd]|u[dw])|' +
    'pmin(s[bd]|u[dw])|pmov[sz]x|pmuldq|pmulld|ptest|round[sp][sd]|packusdw|pcmp[eg][qt]q|' +
    'pcmp[ei]str|movntdqa|mpsadbw|phminposuw)$', // SSE4.1 / SSE4.2
);

const report = [];
for (const obj of objects) {
  const rel = path.relative(objRoot, obj);
  const target = rel.split(path.sep)[0];
  if (isaTargets.includes(target)) {
    const isa = target.replace('losskit_', '');
    const syms = execFileSync('nm', ['-C', '--defined-only', obj], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => / [TWVuBDR] /.test(l))
      .map((l) => l.replace(/^\S+ \S /, ''))
      .filter((s) => !s.startsWith(`losskit::${isa}::`) && s !== `losskit::fill_${isa}(losskit::KernelTable&)` &&
        !s.startsWith(`losskit::math_eval_${isa}(`));
    if (syms.length) problems.push(`${rel}: symbols outside namespace losskit::${isa}: ${syms.slice(0, 5).join('; ')}`);
    report.push(`${rel}: per-ISA, symbols confined to losskit::${isa}`);
    continue;
  }
  const asm = execFileSync('objdump', ['-d', '-M', 'intel', '--no-show-raw-insn', obj], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const hits = new Map();
  for (const line of asm.split('\n')) {
    const m = line.match(/^\s+[0-9a-f]+:\s+(?:(?:rep[nz]?|lock|data16|notrack|bnd)\s+)*([a-z][a-z0-9]*)/);
    if (m && aboveBaseline.test(m[1])) hits.set(m[1], (hits.get(m[1]) || 0) + 1);
  }
  if (hits.size) {
    problems.push(`${rel}: above-baseline instructions: ${[...hits].map(([k, v]) => `${k}×${v}`).join(' ')}`);
  }
  report.push(`${rel}: baseline x86-64 (SSE2) only`);
}

// 4. glibc and libstdc++ floors of the Linux prebuilds (x64, and the cross-built arm64), against
// what README.md ("Installing") promises: glibc 2.29 and GCC 11's libstdc++ (GLIBCXX_3.4.29).
// A toolchain that raised either would break installs the README says work: that fails here.
const FLOOR = { GLIBC: '2.29', GLIBCXX: '3.4.29' };
const newer = (a, b) => a.localeCompare(b, 'en', { numeric: true }) > 0;
for (const dir of ['linux-x64', 'linux-arm64']) {
  const prebuildDir = path.join(root, 'prebuilds', dir);
  for (const f of fs.existsSync(prebuildDir) ? fs.readdirSync(prebuildDir) : []) {
    if (!f.endsWith('.node')) continue;
    const dyn = execFileSync('objdump', ['-T', path.join(prebuildDir, f)], { encoding: 'utf8' });
    const need = {};
    for (const lib of Object.keys(FLOOR)) {
      const vs = [...new Set((dyn.match(new RegExp(`\\b${lib}_[0-9.]+`, 'g')) || []).map((v) => v.slice(lib.length + 1)))];
      need[lib] = vs.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).pop() || 'none';
      if (need[lib] !== 'none' && newer(need[lib], FLOOR[lib])) {
        problems.push(`prebuilds/${dir}/${f} needs ${lib}_${need[lib]}, above the ${lib}_${FLOOR[lib]} README.md promises`);
      }
    }
    report.push(`prebuilds/${dir}/${f}: needs GLIBC_${need.GLIBC}, GLIBCXX_${need.GLIBCXX}`);
  }
}

for (const line of report) console.error(`check-portable: ${line}`);
if (problems.length) {
  for (const p of problems) console.error(`check-portable: FAIL ${p}`);
  process.exit(1);
}
console.error('check-portable: ok');
