/**
 * One `optin batch send` in a process of its own that a crash test can kill at a chosen point of a hand-off.
 * Job from $OPTIN_CRASH_JOB: {"db","batch","providers":[…],"crash":"marked|answered|recorded:K"|null}.
 * Prints the final progress as JSON when it is not killed.
 */
import { createBackend } from '../../electron/core/backend';
import { EnvSecrets } from '../../electron/core/infra/secrets';
import type { FaultPoint } from '../../electron/core/sending/runner';

const job = JSON.parse(process.env.OPTIN_CRASH_JOB ?? '{}') as { db: string; batch: number; providers: string[]; crash: string | null };
const [point, nth] = (job.crash ?? '').split(':') as [FaultPoint | '', string | undefined];
let seen = 0;
const backend = createBackend({
  dbPath: job.db,
  secrets: new EnvSecrets(),
  providerTimeoutMs: 3000,
  fault: point
    ? (p) => {
        // SIGKILL: no finally blocks, no transaction commit — as a power cut or a killed process.
        if (p === point && ++seen === Number(nth ?? 1)) process.kill(process.pid, 'SIGKILL');
      }
    : undefined,
});
const r = await backend.dispatch('campaign.send', { batch: job.batch, providers: job.providers, wait: true, maxWaitSeconds: 10 });
process.stdout.write(JSON.stringify(r) + '\n');
backend.close();
