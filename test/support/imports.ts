import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import type { Output } from '../../shared/contract/api';
import type { ColumnMapping } from '../../shared/domain/csv/mapping';
import type { testBackend } from './backend';

type T = ReturnType<typeof testBackend>;

/** Write `text` (or raw bytes) to a file in the test's folder. */
export function writeFile(t: T, name: string, content: string | Buffer, encoding = 'utf8'): string {
  const path = join(t.dir, name);
  writeFileSync(path, typeof content === 'string' ? iconv.encode(content, encoding) : content);
  return path;
}

/** Inspect a file through the contract (the CLI's way: the path is adopted, then only its id crosses the door). */
export async function inspect(t: T, path: string, extra: Record<string, unknown> = {}): Promise<Output<'import.inspect'> & { fileId: string }> {
  const file = t.backend.files.adopt(path);
  const info = await t.call('import.inspect', { fileId: file.id, ...extra });
  return { ...info, fileId: file.id };
}

/** Run an import (preview unless `dryRun: false`) to its end; returns the finished job. */
export async function runImport(
  t: T,
  path: string,
  options: { dryRun?: boolean; mapping?: ColumnMapping[]; merge?: 'fill_blanks' | 'overwrite'; defaultCountry?: string } = {},
): Promise<Output<'import.job'>> {
  const info = await inspect(t, path);
  const job = await t.call('import.start', {
    fileId: info.fileId,
    mapping: options.mapping ?? info.mapping,
    dryRun: options.dryRun ?? true,
    ...(options.merge ? { merge: options.merge } : {}),
    ...(options.defaultCountry ? { defaultCountry: options.defaultCountry } : {}),
  });
  return t.backend.jobs.wait(job.jobId);
}

/** Run an import and return its summary, failing the test when it did not finish. */
export async function importFile(
  t: T,
  path: string,
  options: Parameters<typeof runImport>[2] = {},
): Promise<NonNullable<Output<'import.job'>['summary']>> {
  const job = await runImport(t, path, options);
  if (job.state !== 'done' || !job.summary) throw new Error(`import ${job.state}: ${job.error?.code} ${job.error?.message}`);
  return job.summary;
}

/** Every contact with its consent cells, keyed by phone, for comparing registers. */
export async function registerState(
  t: T,
): Promise<Map<string, { name: string; email: string | null; tags: string[]; cells: Record<string, { status: string; since: string | null }> }>> {
  const out = new Map<
    string,
    { name: string; email: string | null; tags: string[]; cells: Record<string, { status: string; since: string | null }> }
  >();
  const list = await t.call('contacts.list', { limit: 1000 });
  for (const c of list.contacts) {
    const full = await t.call('contacts.get', { contactId: c.id });
    const cells: Record<string, { status: string; since: string | null }> = {};
    for (const cell of full.consents)
      cells[`${cell.channel}/${cell.purpose}`] = { status: cell.status, since: cell.status === 'none' ? null : cell.since };
    out.set(c.phone, { name: c.name, email: c.email, tags: [...c.tags].sort(), cells });
  }
  return out;
}
