import { buffer } from 'node:stream/consumers';
import type { FileStore } from './file-store.ts';

// What a file is, judged by its first bytes ("magic numbers"), never by the name or the type the browser claims.

export type SniffedType = 'application/pdf' | 'image/png' | 'image/jpeg' | 'application/x-msdownload' | 'application/zip';

const SIGNATURES: { type: SniffedType; bytes: number[] }[] = [
  { type: 'application/pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF-
  { type: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
  { type: 'application/x-msdownload', bytes: [0x4d, 0x5a] }, // MZ: Windows programs
  { type: 'application/zip', bytes: [0x50, 0x4b, 0x03, 0x04] },
];

/** The name endings that honestly describe each type. */
export const EXTENSIONS: Record<SniffedType, string[]> = {
  'application/pdf': ['pdf'], 'image/png': ['png'], 'image/jpeg': ['jpg', 'jpeg'], 'application/x-msdownload': ['exe', 'dll'], 'application/zip': ['zip'],
};

export function sniffContentType(head: Uint8Array): SniffedType | undefined {
  return SIGNATURES.find((s) => s.bytes.every((b, i) => head[i] === b))?.type;
}

/** Reads the first bytes of a stored file and names its type. */
export async function storedContentType(files: FileStore, key: string): Promise<SniffedType | undefined> {
  return sniffContentType(await buffer(await files.get(key, { start: 0, end: 15 })));
}

/** True when the name has no ending, or one that fits the type found in the content. */
export function nameFitsType(fileName: string, type: SniffedType): boolean {
  const dot = fileName.lastIndexOf('.');
  if (dot <= 0) return true;
  return EXTENSIONS[type].includes(fileName.slice(dot + 1).toLowerCase());
}
