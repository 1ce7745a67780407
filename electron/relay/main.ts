// The relay as a program of its own: `node bin/optin-relay.js serve …` runs this through tsx, and the Docker image
// (Dockerfile.relay) runs it bundled into one file. Only the server's modules are reached from here.
import { runRelayServe } from './cli';

process.exitCode = await runRelayServe(process.argv.slice(2), process.env);
