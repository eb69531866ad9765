import type { FormDefinition } from './form-definition.ts';

/** The sample live form of "Renew a full driving licence": shows routing (probationary drivers get one more step) and a file question. */
export const DRIVING_LICENCE_FORM: FormDefinition = {
  steps: [
    { id: 'licence', title: { en: 'Your licence', 'zh-HK': '你的駕駛執照' }, questions: [
      { id: 'idNumber', type: 'id_number', label: { en: 'Identity card number', 'zh-HK': '身份證號碼' }, hint: { en: 'For example A123456(3)', 'zh-HK': '例如 A123456(3)' }, required: true },
      { id: 'licenceType', type: 'selection', label: { en: 'Type of licence', 'zh-HK': '執照類別' }, required: true, options: [
        { value: 'full', label: { en: 'Full licence', 'zh-HK': '正式駕駛執照' } },
        { value: 'probationary', label: { en: 'Probationary licence', 'zh-HK': '暫准駕駛執照' } },
      ] },
    ], next: [{ question: 'licenceType', equals: 'full', goto: 'contact' }] },
    { id: 'probation', title: { en: 'Your probation', 'zh-HK': '暫准駕駛期' }, questions: [
      { id: 'probationEnds', type: 'date', label: { en: 'When does your probation end?', 'zh-HK': '暫准駕駛期何時屆滿？' }, required: true },
    ] },
    { id: 'contact', title: { en: 'How to reach you', 'zh-HK': '聯絡方法' }, questions: [
      { id: 'phone', type: 'phone', label: { en: 'Mobile number', 'zh-HK': '手提電話號碼' }, required: true, prefill: 'phone' },
      { id: 'email', type: 'email', label: { en: 'Email address', 'zh-HK': '電郵地址' }, required: false, prefill: 'email' },
      { id: 'address', type: 'address', label: { en: 'Address for the new licence', 'zh-HK': '新執照的寄送地址' }, required: true, prefill: 'correspondence_address' },
    ] },
    { id: 'photo', title: { en: 'Your photograph', 'zh-HK': '你的相片' }, questions: [
      { id: 'photograph', type: 'file', label: { en: 'A recent photograph', 'zh-HK': '近照' }, hint: { en: 'Only if you look different from the photograph on your licence', 'zh-HK': '只在你的樣貌與執照上的相片不同時才需要' }, required: false },
    ] },
    { id: 'declaration', title: { en: 'Declaration', 'zh-HK': '聲明' }, questions: [
      { id: 'declare', type: 'declaration', label: { en: 'Declaration', 'zh-HK': '聲明' }, required: true },
    ] },
  ],
};
