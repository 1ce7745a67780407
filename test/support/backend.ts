import { onTestFinished } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackend, type Backend, type BackendOptions } from '../../electron/core/backend';
import type { Input, Method, Output } from '../../shared/contract/api';

/** A controllable clock for tests. */
export class TestClock {
  constructor(public t = Date.parse('2026-03-01T09:00:00Z')) {}
  now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

/** A backend on a fresh SQLite file in a temp folder, outputs checked against the contract. */
export function testBackend(
  clock = new TestClock(),
  extra: Partial<BackendOptions> = {},
): {
  backend: Backend;
  clock: TestClock;
  dir: string;
  dbPath: string;
  call: Caller;
  cleanup: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'optin-test-'));
  const dbPath = join(dir, 'register.db');
  let n = 0;
  const backend = createBackend({
    dbPath,
    clock,
    ids: { uuid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}` },
    checkOutputs: true,
    ...extra,
    onInternalError: (m, e) => {
      console.error(`internal error in ${m}:`, e);
      throw e;
    },
  });
  const call: Caller = async (method, input) => {
    const r = await backend.dispatch(method, input);
    if (!r.ok) throw Object.assign(new Error(`${r.error.code}: ${r.error.message}`), { apiError: r.error });
    return r.value as never;
  };
  return {
    backend,
    clock,
    dir,
    dbPath,
    call,
    cleanup: () => {
      backend.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Call an operation and return its value, throwing on refusal. */
export type Caller = <M extends Method>(method: M, input: Input<M>) => Promise<Output<M>>;

/** A test backend removed when the current test finishes. */
export function scopedBackend(extra: Partial<BackendOptions> = {}, clock = new TestClock()): ReturnType<typeof testBackend> {
  const t = testBackend(clock, extra);
  onTestFinished(t.cleanup);
  return t;
}
