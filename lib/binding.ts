// Loads the native addon: a local build (build/Release, build/Debug) first, then the prebuilt
// binary for this platform (prebuilds/<platform>-<arch>/), else an error that says what was looked
// for, what was found, and the commands that fix the install.
import * as path from 'path';
import * as fs from 'fs';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Native = Record<string, any>;

const root = path.join(__dirname, '..');

function listNodeFiles(dir: string): string {
  try {
    return fs.readdirSync(path.join(root, dir)).filter((f) => f.endsWith('.node')).join(', ') || 'no .node file';
  } catch {
    return 'missing';
  }
}

function loadError(cause: unknown): Error {
  const target = `${process.platform}-${process.arch}`;
  // The same libc test node-gyp-build uses to pick a prebuild.
  const libc = process.platform === 'linux' ? (fs.existsSync('/etc/alpine-release') ? 'musl' : 'glibc') : '';
  let shipped: string[] = [];
  try {
    shipped = fs.readdirSync(path.join(root, 'prebuilds'));
  } catch {
    /* none */
  }
  const causeText = String((cause as Error)?.message ?? cause).trim().split('\n')[0];
  const foundButFailed = !/No native build was found/.test(causeText);
  const msg = [
    `losskit: could not load its native addon (${target}${libc ? `, ${libc}` : ''}, Node ${process.version}, ` +
      `N-API ${process.versions.napi}; the addon needs N-API 8).`,
    'Looked for a local build, then a prebuilt binary for this platform:',
    `  build/Release: ${listNodeFiles('build/Release')}`,
    `  build/Debug: ${listNodeFiles('build/Debug')}`,
    `  prebuilds/${target}: ${listNodeFiles(`prebuilds/${target}`)}` +
      ` (this package ships prebuilt binaries for: ${shipped.join(', ') || 'none'})`,
    foundButFailed ? `A binary was found but did not load: ${causeText}` : `Cause: ${causeText}`,
    'To fix it, build the addon from source (needs Python 3, make and a C++17 compiler):',
    '  npm rebuild losskit          (its install script compiles when no prebuilt binary fits;',
    '                               pnpm: pnpm rebuild losskit; bun: bun pm trust losskit)',
    'No compiler yet? Debian/Ubuntu: sudo apt-get install -y python3 make g++;',
    '  Alpine: apk add python3 make g++; Fedora/RHEL: sudo dnf install python3 make gcc-c++;',
    '  macOS: xcode-select --install; Windows: Visual Studio Build Tools, "Desktop development with C++".',
    'If your package manager skipped losskit\'s install script (npm --ignore-scripts, pnpm, bun),',
    'allow it, then rebuild: pnpm: add "losskit" to "pnpm.onlyBuiltDependencies" in package.json',
    '  (or run pnpm approve-builds), then pnpm rebuild losskit; bun: bun pm trust losskit.',
  ].join('\n');
  const err = new Error(msg);
  (err as { cause?: unknown }).cause = cause;
  return err;
}

function load(): Native {
  try {
    // node-gyp-build: build/Release, build/Debug, then prebuilds/<platform>-<arch>/ by libc tag.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('node-gyp-build')(root) as Native;
  } catch (e) {
    throw loadError(e);
  }
}

export const native: Native = load();
