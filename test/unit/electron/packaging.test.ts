import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FuseV1Options } from '@electron/fuses';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { PlatformPackager } from 'app-builder-lib';
import { DebugLogger } from 'builder-util';

// electron-builder's own reader and schema (the installed version), not a hand-rolled YAML parse: a misspelt key
// would be refused here exactly as `npm run package` would refuse it.
const root = join(import.meta.dirname, '../../..');

const REQUIRED = {
  runAsNode: false,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableCookieEncryption: true,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
} as const;

async function config() {
  return getConfig(root, join(root, 'electron-builder.yml'), null);
}

describe('electron-builder.yml', () => {
  it('sets every required Electron fuse, to the required value', async () => {
    const { electronFuses } = await config();
    expect(electronFuses).toBeTruthy();
    for (const [fuse, value] of Object.entries(REQUIRED)) {
      expect(electronFuses?.[fuse as keyof typeof REQUIRED], fuse).toBe(value);
    }
  });

  it('is valid against the installed electron-builder schema (fuse names included)', async () => {
    const scheme = JSON.parse(readFileSync(join(root, 'node_modules/app-builder-lib/scheme.json'), 'utf8')) as {
      definitions: { FuseOptionsV1: { properties: Record<string, unknown> } };
    };
    for (const fuse of Object.keys(REQUIRED)) expect(scheme.definitions.FuseOptionsV1.properties, fuse).toHaveProperty(fuse);
    await expect(validateConfiguration(await config(), new DebugLogger(false))).resolves.toBeUndefined();
    // The schema does refuse what it does not know, so the pass above means something.
    await expect(
      validateConfiguration({ ...(await config()), electronFuses: { ...REQUIRED, runAsNodes: false } as never }, new DebugLogger(false)),
    ).rejects.toThrow(/electronFuses/);
  });

  it('electron-builder turns it into the fuse wire the binary gets: each fuse flipped as required', async () => {
    const { electronFuses } = await config();
    // generateFuseConfig is private: it is what electron-builder hands to @electron/fuses right before signing.
    const generate = (PlatformPackager.prototype as unknown as { generateFuseConfig(f: unknown): Promise<Record<number, boolean>> })
      .generateFuseConfig;
    const wire = await generate.call({}, electronFuses);
    expect(wire[FuseV1Options.RunAsNode]).toBe(false);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(true);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
  });

  it('packs the app into app.asar (the only place it may load from) with integrity on', async () => {
    const c = await config();
    expect(c.asar).not.toBe(false);
    expect(c.disableAsarIntegrity ?? false).toBe(false);
  });
});
