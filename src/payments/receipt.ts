import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import type { Queryable } from '../platform/db/database.ts';
import type { Locale } from '../platform/i18n/index.ts';
import { conflict, notFound } from '../platform/errors.ts';
import { getOrganisationById } from '../organisations/index.ts';
import { formatHkd } from './item.ts';
import { paymentMessages } from './messages.ts';
import * as store from './store.ts';

// Chinese names need a CJK font; Debian's fonts-noto-cjk provides one (the browser tests need it too).
const CJK_FONT = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';
const hasCjkFont = existsSync(CJK_FONT);

/** A PDF receipt for a successful payment, in the payer's language; anyone with the payment link may fetch it. */
export async function paymentReceipt(db: Queryable, paymentId: string, locale: Locale): Promise<Buffer> {
  const payment = await store.paymentById(db, paymentId);
  if (!payment) throw notFound('The payment');
  if (payment.state !== 'success') throw conflict('A receipt is only issued for a successful payment.');
  const item = (await store.itemById(db, payment.item_id))!;
  const organisation = await getOrganisationById(db, payment.organisation_id);
  const t = paymentMessages(hasCjkFont ? locale : 'en');
  const name = { en: item.name_en, 'zh-HK': item.name_zh_hk, 'zh-CN': item.name_zh_cn }[hasCjkFont ? locale : 'en'];
  const doc = new PDFDocument({ size: 'A4', margin: 56, info: { Title: t('receipt.title'), Author: 'smartgov' } });
  if (hasCjkFont) doc.registerFont('body', CJK_FONT, locale === 'zh-CN' ? 'NotoSansCJKsc-Regular' : 'NotoSansCJKtc-Regular');
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.font(hasCjkFont ? 'body' : 'Helvetica');
  doc.fontSize(20).text(t('receipt.title')).moveDown();
  doc.fontSize(12);
  const lines: [string, string][] = [
    [t('receipt.organisation'), organisation?.name[hasCjkFont ? locale : 'en'] ?? ''],
    [t('receipt.item'), name],
    [t('receipt.revenueCode'), item.revenue_code],
    [t('receipt.amount'), formatHkd(payment.amount_cents)],
    [t('receipt.paidAt'), payment.settled_at!.toISOString().replace('T', ' ').slice(0, 19) + ' UTC'],
    [t('receipt.paymentId'), payment.id],
  ];
  if (payment.reference) lines.push([t('receipt.reference'), payment.reference]);
  if (payment.refunded_cents > 0) lines.push([t('receipt.refunded'), formatHkd(payment.refunded_cents)]);
  if (payment.duplicate_of) lines.push([t('receipt.duplicateOf'), payment.duplicate_of]);
  for (const [label, value] of lines) doc.text(`${label}: ${value}`);
  doc.end();
  return done;
}
