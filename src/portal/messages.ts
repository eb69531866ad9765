import { defineMessages } from '../platform/i18n/index.ts';

export const portalMessages = defineMessages({
  en: {
    'home.title': 'Government services, in one place',
    'home.intro': 'Apply, pay, ask and find public data online, in English or Chinese, at any time.',
    'home.findService': 'Find a government service',
    'home.openData': 'Open data',
    'home.organisations': 'Bureaux and departments',
    'home.organisationsIntro': 'The organisations that provide services through this portal.',
    'home.lite': 'Prefer larger text and one thing at a time? Switch on lite mode at the top of any page.',
  },
  'zh-HK': {
    'home.title': '政府服務，一站辦妥',
    'home.intro': '隨時以中文或英文在網上申請、付款、查詢及尋找公共資料。',
    'home.findService': '尋找政府服務',
    'home.openData': '開放數據',
    'home.organisations': '決策局及部門',
    'home.organisationsIntro': '透過本網站提供服務的機構。',
    'home.lite': '想要較大字體、每次只做一件事？可在任何網頁頂部開啟長者模式。',
  },
});
