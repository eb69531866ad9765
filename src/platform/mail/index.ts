export { outboxMailer, outboxSms, type Mailer, type SmsSender } from './mail.ts';
export { outboxRoutes } from './routes.tsx';
