import { defineMessages } from '../../platform/i18n/index.ts';

// Texts of the upload progress and of what became of an uploaded file. `{percent}` in the progress texts is
// filled in by the browser script, so it is passed through the formatter as a literal.

export const uploadMessages = defineMessages({
  en: {
    'progress.label': 'Upload progress',
    'progress.sending': 'Uploading: {percent}% sent',
    'progress.checking': 'File sent. Checking and publishing it…',
    'progress.failed': 'The upload did not finish. Check your connection and try again.',
    'uploaded.title': 'File uploaded',
    'uploaded.file': '{name} ({size}) is published.',
    'ingest.rows': '{count, plural, one {# row} other {# rows}} can be queried through the API (datastore_search).',
    'ingest.none': 'Published for download only: the content is not a table, so its rows cannot be queried.',
  },
  'zh-HK': {
    'progress.label': '上載進度',
    'progress.sending': '上載中：已傳送 {percent}%',
    'progress.checking': '檔案已傳送，正在檢查及發布…',
    'progress.failed': '上載未能完成。請檢查網絡連線後再試。',
    'uploaded.title': '檔案已上載',
    'uploaded.file': '{name}（{size}）已發布。',
    'ingest.rows': '可透過 API（datastore_search）查詢 {count} 行資料。',
    'ingest.none': '只供下載：內容並非表格，因此無法查詢其資料行。',
  },
});
