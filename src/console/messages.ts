import { defineMessages } from '../platform/i18n/index.ts';

export const consoleMessages = defineMessages({
  en: {
    'home.title': 'Staff console',
    'home.welcome': 'Signed in as {name}, {organisation}.',
    'home.roles': 'Your roles: {roles}',
    'home.tasks': 'What you can do',
    'link.organisations': 'Organisations',
    'link.organisationsHint': 'Bureaux and departments on the platform.',
    'link.staff': 'Staff of my organisation',
    'link.staffHint': 'Accounts and roles in your organisation.',
    'link.audit': 'Audit log',
    'link.auditHint': 'Every change, who made it and when; tamper-evident.',
    'link.api': 'API reference',
    'link.apiHint': 'The OpenAPI description of every endpoint.',
  },
  'zh-HK': {
    'home.title': '職員控制台',
    'home.welcome': '已登入：{name}，{organisation}。',
    'home.roles': '你的角色：{roles}',
    'home.tasks': '你可以',
    'link.organisations': '機構',
    'link.organisationsHint': '平台上的決策局及部門。',
    'link.staff': '本機構職員',
    'link.staffHint': '你所屬機構的帳戶及角色。',
    'link.audit': '審計紀錄',
    'link.auditHint': '每項更改、由誰作出及何時作出；可偵測竄改。',
    'link.api': 'API 參考',
    'link.apiHint': '所有端點的 OpenAPI 說明。',
  },
});
