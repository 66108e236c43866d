// Loads the native addon: a local build (build/Release) first, then a prebuilt binary for this
// platform (prebuilds/<platform>-<arch>/), else an error that says what was looked for and how
// to fix the install.
import * as path from 'path';
import * as fs from 'fs';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Native = Record<string, any>;

const root = path.join(__dirname, '..');

function loadError(cause: unknown): Error {
  const tried: string[] = [];
  for (const dir of ['build/Release', 'build/Debug', `prebuilds/${process.platform}-${process.arch}`]) {
    const full = path.join(root, dir);
    let found = 'missing';
    try {
      found = fs.readdirSync(full).filter((f) => f.endsWith('.node')).join(', ') || 'no .node file';
    } catch {
      /* missing */
    }
    tried.push(`  ${dir}: ${found}`);
  }
  const msg = [
    `losskit: could not load its native addon for ${process.platform}-${process.arch}, Node ${process.version} (N-API ${process.versions.napi}).`,
    'Looked in:',
    ...tried,
    `Cause: ${(cause as Error)?.message ?? String(cause)}`,
    'To fix it, build the addon from source (needs python3, make and a C++17 compiler):',
    '  npm rebuild losskit            (or: npm install losskit --build-from-source)',
    'If your package manager skips install scripts (pnpm, bun, --ignore-scripts), allow them for losskit',
    '(pnpm: add it to onlyBuiltDependencies; bun: trustedDependencies) and reinstall.',
  ].join('\n');
  const err = new Error(msg);
  (err as { cause?: unknown }).cause = cause;
  return err;
}

function load(): Native {
  // A specific build of the addon, e.g. the sanitized one tools/asan.sh makes (build-asan/).
  const forced = process.env.LOSSKIT_ADDON_PATH;
  if (forced) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return require(path.resolve(forced)) as Native;
    } catch (e) {
      throw loadError(e);
    }
  }
  try {
    // node-gyp-build checks build/Release, build/Debug and prebuilds/ with the right ABI tags.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('node-gyp-build')(root) as Native;
  } catch (e) {
    throw loadError(e);
  }
}

export const native: Native = load();
