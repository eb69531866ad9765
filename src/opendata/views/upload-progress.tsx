import { readFileSync } from 'node:fs';
import { raw } from '#jsx/jsx-runtime';
import type { PageContext } from '../../ui/index.ts';
import type { ResourceRow } from '../store.ts';
import { formatSize } from './format.ts';
import { uploadMessages } from './upload-messages.ts';

const SCRIPT = readFileSync(new URL('../assets/upload-progress.js', import.meta.url), 'utf8');
/** Smaller files go up with the plain form: they are sent before a progress bar would mean anything. */
export const PROGRESS_THRESHOLD_BYTES = 1024 * 1024;

/** Inside an upload form: a progress bar (shown by the script) and a polite live status; inert without JavaScript. */
export function UploadProgress(props: { ctx: PageContext; id: string }) {
  const t = uploadMessages(props.ctx.locale);
  const id = `upload-progress-${props.id}`;
  return (
    <div class="upload-progress" data-upload-progress data-threshold={String(PROGRESS_THRESHOLD_BYTES)}
      data-sending={t('progress.sending', { percent: '{percent}' })} data-checking={t('progress.checking')} data-failed={t('progress.failed')}>
      <div class="upload-progress-bar" hidden>
        <label for={id}>{t('progress.label')}</label>
        <progress id={id} max="100" value="0"></progress>
      </div>
      <p role="status" class="hint"></p>
    </div>
  );
}

/** The enhancement itself, once per page, allowed by the page's CSP nonce. */
export function UploadProgressScript(props: { ctx: PageContext }) {
  return <script nonce={props.ctx.nonce}>{raw(SCRIPT)}</script>;
}

/** Whether a file resource's rows can be queried, or why it is only for download. */
export function IngestStatus(props: { ctx: PageContext; resource: ResourceRow }) {
  const t = uploadMessages(props.ctx.locale);
  const r = props.resource;
  if (!r.file_key) return null;
  return <span class="hint">{r.row_count !== null ? t('ingest.rows', { count: r.row_count }) : t('ingest.none')}</span>;
}

/** The confirmation after an upload: what was published and whether its rows can be queried. */
export function UploadedNotice(props: { ctx: PageContext; resource: ResourceRow }) {
  const t = uploadMessages(props.ctx.locale);
  const r = props.resource;
  return (
    <div class="notice" role="status">
      <h2>{t('uploaded.title')}</h2>
      <p>{t('uploaded.file', { name: r.file_name ?? r.name_en, size: formatSize(r.size ?? 0) })} <IngestStatus ctx={props.ctx} resource={r} /></p>
    </div>
  );
}
