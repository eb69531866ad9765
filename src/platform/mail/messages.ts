import { defineMessages } from '../i18n/index.ts';

export const outboxMessages = defineMessages({
  en: {
    'outbox.title': 'Development outbox',
    'outbox.intro': 'Emails and text messages the platform would have sent. Only the development adapters put messages here.',
    'outbox.when': 'When',
    'outbox.channel': 'Channel',
    'outbox.to': 'To',
    'outbox.message': 'Message',
    'outbox.empty': 'No messages yet.',
  },
  'zh-HK': {
    'outbox.title': '開發用寄件匣',
    'outbox.intro': '平台原應發出的電郵及短訊。只有開發用轉接器會把訊息放在這裏。',
    'outbox.when': '時間',
    'outbox.channel': '途徑',
    'outbox.to': '收件人',
    'outbox.message': '訊息',
    'outbox.empty': '暫時沒有訊息。',
  },
});
