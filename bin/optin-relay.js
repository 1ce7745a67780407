#!/usr/bin/env node
// The relay on its own (the Docker image runs this): `node bin/optin-relay.js serve --port P --data DIR …`, or
// `--help`. Runs the TypeScript through tsx, like bin/optin.js.
import { register } from 'tsx/esm/api';

register();
const { runRelayServe } = await import('../electron/relay/cli.ts');
process.exitCode = await runRelayServe(process.argv.slice(2), process.env);
