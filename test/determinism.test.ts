// Determinism (issue 8): under each ISA (a child process per LOSSKIT_ISA value), every exported
// function gives the same bits on every run and at every byteOffset, plain or SharedArrayBuffer
// (test/support/determinism.js). Across ISAs results may differ in the last bits (different exp/log
// polynomials and summation orders, see README "Reliability"); the test reports where they do.
import { execFileSync } from 'child_process';
import * as path from 'path';
import { backend } from '../lib';

const root = path.join(__dirname, '..');
const script = path.join(__dirname, 'support', 'determinism.js');

describe('same input, same bits', () => {
  const isas = backend().supported;
  const byIsa: Record<string, Record<string, string>> = {};
  test.each(isas)('LOSSKIT_ISA=%s: every run and every byteOffset agree', (isa) => {
    let out = '';
    try {
      out = execFileSync(process.execPath, [script, root], { cwd: root, env: { ...process.env, LOSSKIT_ISA: isa } }).toString();
    } catch (e) {
      const err = e as { stderr?: Buffer };
      throw new Error(`not deterministic under ${isa}:\n${err.stderr?.toString()}`);
    }
    const r = JSON.parse(out.trim().split('\n').pop() as string);
    expect(r.isa).toBe(isa);
    byIsa[isa] = r.digests;
  });
  afterAll(() => {
    const names = Object.keys(byIsa[isas[0]] || {});
    const differ = names.filter((n) => new Set(isas.map((i) => byIsa[i]?.[n])).size > 1);
    console.log(`determinism: ${names.length} functions bit-identical within each of ${isas.join(', ')}; ` +
      `results differ between ISAs (last bits) for: ${differ.join(', ') || 'none'}`);
  });
});
