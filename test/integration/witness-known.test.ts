import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Witness, writeWitness, type HeadSource } from '../../electron/core/register/witness';
import type { RegisterHeads } from '../../shared/domain/integrity/head';

/** A register of two chains whose rows are `hash-<chain>-<id>`, grown by hand. */
function register() {
  const length = { events: 0, audit: 0 };
  const link = (chain: 'events' | 'audit') => ({
    lastId: length[chain],
    lastHash: (length[chain] === 0 ? '0' : String(length[chain] % 10)).repeat(64).replace(/^./, chain === 'events' ? 'e' : 'a'),
  });
  const source: HeadSource = {
    heads: (): RegisterHeads => ({ events: link('events'), audit: link('audit') }),
    hashAt: (chain, id) => {
      if (id < 1 || id > length[chain]) return null;
      const was = length[chain];
      length[chain] = id;
      const h = link(chain).lastHash;
      length[chain] = was;
      return h;
    },
    schemaVersion: () => 17,
    ready: () => true,
  };
  return { length, source };
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function witnessOn() {
  const dir = mkdtempSync(join(tmpdir(), 'optin-witness-known-'));
  dirs.push(dir);
  const r = register();
  const dbPath = join(dir, 'register.db');
  const witness = new Witness(dbPath, r.source, () => Date.parse('2026-03-01T09:00:00Z'));
  const onDisk = () => JSON.parse(readFileSync(witness.path, 'utf8')) as RegisterHeads;
  return { ...r, dbPath, witness, onDisk };
}

/**
 * After each committed write that moved a chain the witness is rewritten; what it wrote itself is not read back and
 * parsed again while the file is still the one it wrote (issue #14 bench: paper entry). Any other change to the file
 * is seen and judged as before.
 */
describe('the witness remembers what it wrote', () => {
  it('follows every moved chain without reading back the file it wrote itself', () => {
    const t = witnessOn();
    t.length.events = 3;
    t.length.audit = 2;
    t.witness.sync();
    expect(t.onDisk().events.lastId).toBe(3);
    const read = vi.spyOn(t.witness, 'read');
    for (let i = 4; i <= 8; i++) {
      t.length.events = i;
      t.length.audit = i - 1;
      t.witness.sync();
      expect(t.onDisk()).toMatchObject({ events: { lastId: i }, audit: { lastId: i - 1 } });
    }
    expect(read).not.toHaveBeenCalled();
  });

  it('a witness rewritten in place by someone else, even with its old size and modification time, is read: an unreadable one is left as evidence', () => {
    const t = witnessOn();
    t.length.events = 3;
    t.witness.sync();
    const before = statSync(t.witness.path);
    const garbage = 'x'.repeat(before.size);
    writeFileSync(t.witness.path, garbage);
    utimesSync(t.witness.path, before.atime, before.mtime);
    const read = vi.spyOn(t.witness, 'read');
    t.length.events = 4;
    t.witness.sync();
    expect(read).toHaveBeenCalled();
    expect(readFileSync(t.witness.path, 'utf8')).toBe(garbage);
  });

  it('a witness replaced by one naming heads the register does not hold is left as it is, and later writes do not forget it', () => {
    const t = witnessOn();
    t.length.events = 3;
    t.length.audit = 3;
    t.witness.sync();
    const forged = {
      events: { lastId: 3, lastHash: 'f'.repeat(64) },
      audit: { lastId: 3, lastHash: t.source.hashAt('audit', 3)! },
    };
    writeWitness(t.witness.path, t.dbPath, forged, 17, Date.parse('2026-03-01T10:00:00Z'));
    for (const n of [4, 5]) {
      t.length.events = n;
      t.witness.sync();
      expect(t.onDisk().events).toEqual(forged.events);
    }
  });

  it('a witness deleted while the register is open is written again at the next moved chain', () => {
    const t = witnessOn();
    t.length.events = 2;
    t.witness.sync();
    unlinkSync(t.witness.path);
    t.length.events = 3;
    t.witness.sync();
    expect(t.onDisk().events.lastId).toBe(3);
  });

  it('after a reset the witness it wrote is the one remembered', () => {
    const t = witnessOn();
    t.length.events = 5;
    t.witness.sync();
    // The register restored shorter on purpose, and accepted as it is.
    t.length.events = 2;
    t.witness.reset();
    expect(t.onDisk().events.lastId).toBe(2);
    const read = vi.spyOn(t.witness, 'read');
    t.length.events = 3;
    t.witness.sync();
    expect(t.onDisk().events.lastId).toBe(3);
    expect(read).not.toHaveBeenCalled();
  });
});
