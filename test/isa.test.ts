// Every fixture under every instruction set this CPU can run, each in its own node process
// (LOSSKIT_ISA is read once, when the addon loads).
import { execFileSync } from 'child_process';
import * as path from 'path';
import * as lk from '../lib';
import { backend } from '../lib';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fx = require('./support/fixtures.js');

// Families whose functions all exist (a family lands with its fixtures before its code).
const families: string[] = fx.fixtureNames().filter((name: string) =>
  fx.loadFixtures(name).cases.every((c: { fn: string }) => typeof (lk as Record<string, unknown>)[c.fn] === 'function'),
);

const root = path.join(__dirname, '..');
const runner = path.join(__dirname, 'support', 'fixtures.js');

describe('fixtures under each ISA', () => {
  const isas = backend().supported;
  test('the CPU offers at least the scalar path', () => {
    expect(isas).toContain('scalar');
  });
  test.each(isas)('LOSSKIT_ISA=%s', (isa) => {
    const env = { ...process.env, LOSSKIT_ISA: isa };
    const used = execFileSync(process.execPath, ['-p', "require('.').backend().isa"], { cwd: root, env }).toString().trim();
    expect(used).toBe(isa);
    let out = '';
    try {
      out = execFileSync(process.execPath, [runner, root, ...families], { cwd: root, env, maxBuffer: 64 << 20 }).toString();
    } catch (e) {
      const err = e as { stdout?: Buffer; stderr?: Buffer };
      throw new Error(`fixtures failed under ${isa}:\n${err.stdout?.toString()}\n${err.stderr?.toString()}`);
    }
    expect(out).toMatch(/(\d+)\/\1 fixture cases passed/);
  });
  test('a request above what the CPU has falls back to the best available', () => {
    const env = { ...process.env, LOSSKIT_ISA: 'bogus' };
    const used = execFileSync(process.execPath, ['-p', "require('.').backend().isa"], { cwd: root, env }).toString().trim();
    expect(used).toBe(backend().best);
  });
});
