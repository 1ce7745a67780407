#!/usr/bin/env node
// The relay on its own: `node bin/optin-relay.js serve --port P --data DIR …`, or `--help`. Runs the TypeScript
// through tsx, like bin/optin.js (the Docker image runs the same entry bundled, see Dockerfile.relay).
import { register } from 'tsx/esm/api';

register();
await import('../electron/relay/main.ts');
