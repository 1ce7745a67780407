import { main as smsc } from './smsc';
import { main as smsru } from './smsru';
import { main as twilio } from './twilio';
import { main as webhook } from './webhook';
import { main as whatsapp } from './whatsapp-cloud';

/**
 * Starts one fake provider as its own process, for e2e tests and benchmarks:
 *   npx tsx test/support/fake-providers/run.ts <twilio|whatsapp-cloud|smsru|smsc|webhook> [--port 0] [--latency-ms 0] [--answers '[…]']
 * Prints one JSON line ({"kind","url",…credentials}) and serves until SIGTERM.
 */
export async function run(argv = process.argv.slice(2)): Promise<void> {
  const [kind, ...rest] = argv;
  const mains: Record<string, (argv: string[]) => Promise<unknown>> = { twilio, 'whatsapp-cloud': whatsapp, smsru, smsc, webhook };
  const start = kind ? mains[kind] : undefined;
  if (!start) {
    process.stderr.write(`usage: run.ts <${Object.keys(mains).join('|')}> [--port N] [--host H] [--latency-ms N] [--answers JSON]\n`);
    process.exit(2);
  }
  await start(rest);
}

void run();
