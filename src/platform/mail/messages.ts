import { defineMessages } from '../i18n/index.ts';

export const outboxMessages = defineMessages({
  en: {
    'outbox.title': 'Outbox',
    'outbox.intro': 'Emails and text messages the platform sends, and whether each was delivered. With the development transports they stop here; with SMTP or an SMS gateway only their delivery is shown.',
    'outbox.status': 'Delivery',
    'outbox.sent': 'delivered',
    'outbox.failed': 'not delivered: {error}',
    'outbox.queued': 'waiting; {attempts} attempts so far; last error: {error}',
    'outbox.withheld': 'withheld: sent to a real recipient',
    'outbox.when': 'When',
    'outbox.channel': 'Channel',
    'outbox.to': 'To',
    'outbox.message': 'Message',
    'outbox.empty': 'No messages yet.',
  },
  'zh-HK': {
    'outbox.title': '寄件匣',
    'outbox.intro': '平台發出的電郵及短訊，以及每則是否已送達。使用開發用途徑時訊息只會留在這裏；使用 SMTP 或短訊閘道時只顯示送達情況。',
    'outbox.status': '送達情況',
    'outbox.sent': '已送達',
    'outbox.failed': '未能送達：{error}',
    'outbox.queued': '等待中；已嘗試 {attempts} 次；上次錯誤：{error}',
    'outbox.withheld': '不予顯示：已發給真實收件人',
    'outbox.when': '時間',
    'outbox.channel': '途徑',
    'outbox.to': '收件人',
    'outbox.message': '訊息',
    'outbox.empty': '暫時沒有訊息。',
  },
});
