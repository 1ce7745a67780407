#!/usr/bin/env node
// Serves the register and the browser build of the UI on http://127.0.0.1:5178 and prints the address to open,
// which carries this launch's access key after #k= (see README). `node bin/host.js --help` for the options.
import { register } from 'tsx/esm/api';

register();
await import('../electron/host/main.ts');
