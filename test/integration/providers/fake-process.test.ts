import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { createAdapter } from '../../../electron/core/sending/providers/index';
import { mapSecrets, outgoing, testEnv } from '../../support/fake-providers/secrets';

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGTERM');
});

/** Starts a fake the way e2e tests and benchmarks do: its own process, URL read from the first stdout line. */
async function startProcess(kind: string, ...args: string[]): Promise<Record<string, string>> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/fake-providers/run.ts', kind, ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.push(child);
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`fake exited with ${code}`)));
  });
  return JSON.parse(line) as Record<string, string>;
}

describe('fake providers in their own process', () => {
  it('a fake SMS.ru, scripted from the command line, serves well over 500 requests/s', async () => {
    const info = await startProcess('smsru', '--answers', JSON.stringify([{ refuse: 207 }]));
    expect(info).toMatchObject({ kind: 'smsru', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    const a = createAdapter({ name: 'ru', kind: 'smsru', options: { baseUrl: info.url! } }, testEnv(mapSecrets({ ru: { apiId: info.apiId! } })));
    expect(await a.send(outgoing())).toMatchObject({ kind: 'refused', code: '207' });
    expect(await a.send(outgoing())).toMatchObject({ kind: 'accepted' });

    // The fake's own capacity, measured with a bare keep-alive client so the adapter's cost is not counted.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
    const post = (i: number) =>
      new Promise<number>((resolve, reject) => {
        const body = new URLSearchParams({ api_id: info.apiId!, to: `7916${String(i).padStart(7, '0')}`, msg: 'Привет', json: '1' }).toString();
        const req = http.request(
          `${info.url}/sms/send`,
          { method: 'POST', agent, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } },
          (res) => res.resume().on('end', () => resolve(res.statusCode ?? 0)),
        );
        req.on('error', reject);
        req.end(body);
      });
    const blast = async (n: number) => {
      let next = 0;
      const t = performance.now();
      await Promise.all(
        Array.from({ length: 32 }, async () => {
          while (next < n) expect(await post(next++)).toBe(200);
        }),
      );
      return n / ((performance.now() - t) / 1000);
    };
    await blast(300);
    expect(await blast(1500)).toBeGreaterThan(500);
    agent.destroy();
    const received = (await fetch(`${info.url}/__fake/received`).then((r) => r.json())) as unknown[];
    expect(received).toHaveLength(1802);
  });

  it('a fake Twilio prints its credentials and takes control calls', async () => {
    const info = await startProcess('twilio', '--port', '0');
    expect(info).toMatchObject({ kind: 'twilio', accountSid: expect.stringMatching(/^AC/), authToken: expect.any(String) });
    const res = await fetch(`${info.url}/__fake/inbound`, {
      method: 'POST',
      body: JSON.stringify({ from: '+79160000001', to: '+15005550006', body: 'СТОП' }),
    });
    expect(res.status).toBe(201);
    const a = createAdapter(
      { name: 'tw', kind: 'twilio', options: { accountSid: info.accountSid!, from: '+15005550006', baseUrl: info.url! } },
      testEnv(mapSecrets({ tw: { authToken: info.authToken! } })),
    );
    expect(await a.inbound!(Date.now() - 60_000)).toMatchObject([{ from: '+79160000001', text: 'СТОП', channel: 'sms' }]);
  });
});
