import { z } from 'zod';

/** Maintenance of the register itself. */
export const registerMethods = {
  'register.rebuildProjection': { input: z.object({}), output: z.object({ cells: z.number().int(), changed: z.number().int() }) },
} as const;
