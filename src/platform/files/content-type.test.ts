import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nameFitsType, sniffContentType } from './content-type.ts';

test('a file type is judged by its first bytes, and a name must not claim another type', () => {
  assert.equal(sniffContentType(Buffer.from('%PDF-1.7\n')), 'application/pdf');
  assert.equal(sniffContentType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0])), 'image/png');
  assert.equal(sniffContentType(Buffer.from([0xff, 0xd8, 0xff, 0xe0])), 'image/jpeg');
  assert.equal(sniffContentType(Buffer.from('MZ\x90\x00')), 'application/x-msdownload');
  assert.equal(sniffContentType(Buffer.from('plain text')), undefined);
  assert.equal(sniffContentType(Buffer.alloc(0)), undefined);
  assert.ok(nameFitsType('scan.JPEG', 'image/jpeg'));
  assert.ok(nameFitsType('scan', 'image/png'), 'no ending claims nothing');
  assert.ok(!nameFitsType('scan.pdf', 'image/png'));
});
