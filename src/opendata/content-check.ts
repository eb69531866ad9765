import type { UploadFormat } from './catalogue.ts';
import type { InputErrorKey } from './error-messages.ts';

// A declared format must match what the file really is: a PDF called CSV, or a CSV that is really a
// spreadsheet, would break every script that downloads it. The first bytes are enough to tell.

const startsWith = (head: Buffer, magic: string) => head.subarray(0, magic.length).equals(Buffer.from(magic, 'latin1'));

/** The first character of a text file that is not a byte-order mark or white space. */
export function firstCharacter(head: Buffer): string {
  const text = head.toString('utf8').replace(/^\uFEFF/, '').trimStart();
  return text.charAt(0);
}

function isText(head: Buffer): boolean {
  if (head.includes(0)) return false;
  // A multi-byte character may be cut at the end of the sample: drop up to 3 trailing bytes before decoding.
  for (let cut = 0; cut <= 3 && cut < head.length; cut++) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, head.length - cut));
      return true;
    } catch {
      // try a shorter sample
    }
  }
  return head.length === 0;
}

/** Why the file's first bytes do not fit the declared format (a message key), or undefined when they do. */
export function formatMismatch(format: UploadFormat, head: Buffer): InputErrorKey | undefined {
  if (head.length === 0) return 'empty';
  switch (format) {
    case 'PDF':
      return startsWith(head, '%PDF-') ? undefined : 'notPdf';
    case 'XLSX':
      return startsWith(head, 'PK\u0003\u0004') ? undefined : 'notXlsx';
    case 'XML':
      return isText(head) && firstCharacter(head) === '<' ? undefined : 'notXml';
    case 'JSON':
      return isText(head) && ['{', '['].includes(firstCharacter(head)) ? undefined : 'notJson';
    case 'GeoJSON':
      return isText(head) && firstCharacter(head) === '{' ? undefined : 'notGeoJson';
    case 'CSV':
      if (!isText(head)) return 'notCsv';
      return ['{', '[', '<'].includes(firstCharacter(head)) ? 'csvLooksStructured' : undefined;
  }
}
