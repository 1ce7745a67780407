/**
 * Stands in for Electron's utility-process `process.parentPort` in a plain Node child started with an IPC channel
 * (`child_process.fork` / `spawn` with 'ipc'), so the real backend-process entry runs in a test:
 * `node --import tsx --import ./test/support/parent-port.ts electron/backend-process/index.ts`.
 * As Electron's, it queues what arrives until a 'message' listener is there.
 */
import { EventEmitter } from 'node:events';

const port = Object.assign(new EventEmitter(), {
  postMessage: (message: unknown): void => {
    process.send?.(message);
  },
});
const early: unknown[] = [];
process.on('message', (data) => {
  if (port.listenerCount('message') > 0 && early.length === 0) port.emit('message', { data });
  else early.push(data);
});
port.on('newListener', (event: string) => {
  if (event === 'message') setImmediate(() => early.splice(0).forEach((data) => port.emit('message', { data })));
});
(process as unknown as { parentPort: typeof port }).parentPort = port;
