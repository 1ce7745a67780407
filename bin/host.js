#!/usr/bin/env node
// Serves the register and the browser build of the UI on http://127.0.0.1:5178 (see README).
import { register } from 'tsx/esm/api';

register();
await import('../electron/host/main.ts');
