import { call } from '../api/client';

/** Bytes per upload or download call: the contract allows 2 MB; 1 MB keeps the progress bar moving. */
const CHUNK_BYTES = 1024 * 1024;

/** A file the register holds after an upload. */
export interface StoredFile {
  fileId: string;
  name: string;
  bytes: number;
}

/** A slice of a file as base64, read natively by the browser (fast even for 1 MB). */
function sliceAsBase64(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.readAsDataURL(blob);
  });
}

function base64ToBytes(data: string): Uint8Array<ArrayBuffer> {
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Send a file to the register in chunks. `onProgress` hears the bytes sent so far; when `stopped()` turns true
 * the upload ends early and null comes back.
 */
export async function uploadFile(file: File, onProgress: (sent: number) => void, stopped: () => boolean): Promise<StoredFile | null> {
  const { uploadId } = await call('files.begin', { name: file.name || 'upload.csv' });
  let offset = 0;
  // A stopped upload is thrown away at once rather than left for the daily sweep.
  const abandon = (): null => {
    void call('files.discard', { fileId: uploadId }).catch(() => undefined);
    return null;
  };
  while (offset < file.size) {
    if (stopped()) return abandon();
    const data = await sliceAsBase64(file.slice(offset, offset + CHUNK_BYTES));
    offset = (await call('files.append', { uploadId, offset, data })).bytes;
    onProgress(offset);
  }
  if (stopped()) return abandon();
  return call('files.finish', { uploadId });
}

/** Fetch a file the register made (an export, a report, a printed sheet) as bytes, in chunks. */
export async function fetchFile(fileId: string): Promise<{ name: string; bytes: Uint8Array<ArrayBuffer> }> {
  const parts: Uint8Array<ArrayBuffer>[] = [];
  let offset = 0;
  let name = 'download';
  for (;;) {
    const chunk = await call('files.read', { fileId, offset, length: CHUNK_BYTES });
    name = chunk.name;
    const bytes = base64ToBytes(chunk.data);
    parts.push(bytes);
    offset += bytes.length;
    if (offset >= chunk.total || bytes.length === 0) break;
  }
  const whole = new Uint8Array(offset);
  let at = 0;
  for (const p of parts) {
    whole.set(p, at);
    at += p.length;
  }
  return { name, bytes: whole };
}

/** Hand bytes to the browser's download (the desktop app asks where to save). */
export function saveBytes(bytes: Uint8Array<ArrayBuffer>, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Give the browser time to start the download before the blob goes.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Fetch a file the register made (an export or a report) and hand it to the browser's download. */
export async function downloadFile(fileId: string, type = 'text/csv'): Promise<{ name: string; bytes: number }> {
  const { name, bytes } = await fetchFile(fileId);
  saveBytes(bytes, name, type);
  return { name, bytes: bytes.length };
}
