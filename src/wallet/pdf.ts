import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import type { DocumentRow } from './store.ts';

// Chinese text needs a CJK font: Debian's fonts-noto-cjk when installed; otherwise the PDF is in English only.
const CJK_FONT = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';

/** The printable document: its details, and a QR code that opens the public verification page. */
export async function documentPdf(document: DocumentRow, verifyUrl: string, issuerName: string): Promise<Buffer> {
  const qr = await QRCode.toBuffer(verifyUrl, { margin: 1, width: 220 });
  const pdf = new PDFDocument({ size: 'A4', margin: 56, info: { Title: document.title_en, Author: issuerName } });
  const chunks: Buffer[] = [];
  pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) => pdf.on('end', () => resolve(Buffer.concat(chunks))));
  const cjk = existsSync(CJK_FONT);
  if (cjk) pdf.registerFont('cjk', CJK_FONT, 'NotoSansCJKtc-Regular');
  pdf.fontSize(20).text(document.title_en);
  if (cjk) pdf.font('cjk').fontSize(16).text(document.title_zh_hk).font('Helvetica');
  pdf.moveDown().fontSize(12).text(`Issued by: ${issuerName}`).text(`Holder: ${document.holder_name}`);
  pdf.text(`Issued on: ${document.issued_at.toISOString().slice(0, 10)}`).text(`Valid until: ${document.valid_until ?? 'no expiry'}`);
  pdf.text(`Document number: ${document.id}`);
  for (const [name, value] of Object.entries(document.claims as Record<string, string>)) {
    if (cjk) pdf.font('cjk');
    pdf.text(`${name}: ${value}`);
    pdf.font('Helvetica');
  }
  pdf.moveDown().text('Scan to verify, or visit:').text(verifyUrl, { link: verifyUrl, underline: true });
  pdf.image(qr, { width: 160 });
  pdf.end();
  return done;
}
