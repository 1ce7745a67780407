import { z } from 'zod';

/** An uploaded or produced file, by id. */
export const FileId = z.string().uuid('common.notFileId');
/** A chunk of an upload. */
export const Base64 = z
  .string()
  .max(3_000_000, 'files.chunkTooLarge')
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'files.notBase64');

/** Uploading files in chunks and reading produced ones. */
export const filesMethods = {
  'files.begin': {
    input: z.object({ name: z.string().trim().min(1).max(300) }),
    output: z.object({ uploadId: FileId }),
  },
  'files.append': {
    input: z.object({ uploadId: FileId, offset: z.number().int().min(0), data: Base64 }),
    output: z.object({ bytes: z.number().int() }),
  },
  'files.finish': {
    input: z.object({ uploadId: FileId }),
    output: z.object({ fileId: FileId, name: z.string(), bytes: z.number().int() }),
  },
  'files.discard': {
    input: z.object({ fileId: FileId }),
    output: z.object({ discarded: z.boolean() }),
  },
  'files.read': {
    input: z.object({
      fileId: FileId,
      offset: z.number().int().min(0).default(0),
      length: z
        .number()
        .int()
        .min(1)
        .max(2 * 1024 * 1024)
        .default(1024 * 1024),
    }),
    output: z.object({ name: z.string(), data: z.string(), total: z.number().int() }),
  },
} as const;
