#!/usr/bin/env node
// The `optin` command: runs the TypeScript CLI through tsx so it works straight after `npm install`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../electron/cli/index.ts');
process.exitCode = await main(process.argv.slice(2));
