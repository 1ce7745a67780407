import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Run `optin …` in its own process; resolves when it exits or `until` sees its output (then it is stopped). */
function optin(
  args: string[],
  env: Record<string, string>,
  until?: RegExp,
): Promise<{ code: number | null; out: string; err: string; url?: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['bin/optin.js', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let url: string | undefined;
    const timer = setTimeout(() => p.kill('SIGKILL'), 30_000);
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = until?.exec(out);
      if (m && !url) {
        url = m[1];
        void fetch(`${url}/events`, { headers: { Authorization: `Bearer ${env.OPTIN_RELAY_PULL_TOKEN ?? ''}` } })
          .then(async (r) => {
            out += `\nGET /events ${r.status} ${JSON.stringify(await r.json())}`;
          })
          .catch((e: unknown) => (out += `\nfetch failed: ${String(e)}`))
          .finally(() => p.kill('SIGTERM'));
      }
    });
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err, ...(url ? { url } : {}) });
    });
  });
}

describe('optin relay serve (issue #16 point 1)', () => {
  it('runs the relay from the optin command, serves the desktop with the pull token, and stops cleanly', async () => {
    const data = mkdtempSync(join(tmpdir(), 'optin-relay-cli-'));
    dirs.push(data);
    const r = await optin(
      ['relay', 'serve', '--port', '0', '--data', data],
      { OPTIN_RELAY_PULL_TOKEN: 'pull-token-0123456789', OPTIN_RELAY_APP_SECRET: 'meta-app-secret' },
      /listening on (http:\/\/127\.0\.0\.1:\d+)/,
    );
    expect(r.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(r.out).toMatch(/GET \/events 200 \{"events":\[\]/);
    expect(r.code).toBe(0);
  }, 60_000);

  it('refuses to start without a pull token, naming it, and the help lists the command', async () => {
    const data = mkdtempSync(join(tmpdir(), 'optin-relay-cli-'));
    dirs.push(data);
    const bad = await optin(['relay', 'serve', '--port', '0', '--data', data], { OPTIN_RELAY_PULL_TOKEN: '' });
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/pull.token/i);
    const help = await optin(['--help'], {});
    expect(help.out).toMatch(/relay serve/);
  }, 60_000);
});
