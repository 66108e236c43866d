// Request/response over a worker's message port: each request carries an id, the worker answers
// { id, ok, value | error } (see test/support/worker.js).
import type { Worker } from 'worker_threads';

let nextId = 0;
export function ask<T>(w: Worker, msg: object): Promise<T> {
  const id = ++nextId;
  return new Promise((resolve, reject) => {
    const onMsg = (m: { id: number; ok: boolean; value: T; error?: string }) => {
      if (m.id !== id) return;
      w.off('message', onMsg);
      w.off('error', reject);
      if (m.ok) resolve(m.value);
      else reject(new Error(m.error));
    };
    w.on('message', onMsg);
    w.once('error', reject);
    w.postMessage({ ...msg, id });
  });
}
