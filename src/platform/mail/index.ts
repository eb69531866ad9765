export { outboxMailer, outboxSms, type Mailer, type SmsSender, type QueuedMessage } from './mail.ts';
export { mailService, type MailService } from './service.ts';
export { deliverDue, type DeliveryOutcome } from './delivery.ts';
export { DeliveryError, logTransport, transportsFor, type Transport, type Transports } from './transports.ts';
export { smtpTransport } from './smtp.ts';
export { smsGatewayTransport } from './sms-gateway.ts';
export { outboxRoutes } from './routes.tsx';
