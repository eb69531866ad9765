import { toSimplified } from '../platform/i18n/index.ts';
import type { RequiredDocumentRow } from './store.ts';

type Doc = [en: string, hk: string, mandatory: boolean, noteEn?: string, noteHk?: string];
type SampleRequirements = { eligibility: [en: string, hk: string]; documents: Doc[] };

const ID_CARD: Doc = ['Hong Kong identity card', '香港身份證', true];
const ADDRESS_PROOF: Doc = ['Proof of address issued in the last three months', '最近三個月內發出的住址證明', true, 'For example a utility bill or a bank statement', '例如水電費單或銀行月結單'];
const BR_CERTIFICATE: Doc = ['Business registration certificate', '商業登記證', true, 'If you apply for a company', '如以公司名義申請'];

// Made-up requirements modelled on common ones, for the sample services (by slug).
const SAMPLE_REQUIREMENTS: Record<string, SampleRequirements> = {
  'renew-driving-licence': {
    eligibility: ['Holders of a Hong Kong full driving licence that expires within the next four months or expired less than three years ago.\nDrivers aged 70 or over renew for one to three years, with a medical examination report.', '持有將於四個月內屆滿或屆滿未滿三年的香港正式駕駛執照人士。\n年滿 70 歲的駕駛人士可續期一至三年，並須提交體格檢驗報告。'],
    documents: [ID_CARD, ['Your current driving licence', '你現有的駕駛執照', true], ['A recent photograph', '近照', false, 'Only if you look different from the photograph on your licence', '只在你的樣貌與執照上的相片不同時才需要'], ['Medical examination report (form TD256)', '體格檢驗報告（表格 TD256）', false, 'Drivers aged 70 or over', '年滿 70 歲的駕駛人士']],
  },
  'vehicle-licence-renewal': {
    eligibility: ['The registered owner of a private car or motorcycle whose vehicle licence expires within the next four months.', '車輛牌照將於四個月內屆滿的私家車或電單車登記車主。'],
    documents: [['Valid third-party insurance cover note or certificate', '有效的第三者保險暫保單或保險證書', true], ['Vehicle examination certificate', '車輛檢驗證明書', false, 'Private cars six years old or more', '車齡六年或以上的私家車']],
  },
  'international-driving-permit': {
    eligibility: ['Holders of a valid Hong Kong full driving licence who will drive in a country or territory that accepts the 1949 convention permit.', '持有有效香港正式駕駛執照，並將在接受 1949 年公約許可證的國家或地區駕駛的人士。'],
    documents: [ID_CARD, ['Your full driving licence', '你的正式駕駛執照', true], ['A recent colour photograph, 40 mm by 50 mm', '近照一張（彩色，40 毫米 x 50 毫米）', true]],
  },
  'restaurant-licence': {
    eligibility: ['Anyone aged 18 or over, or a company registered in Hong Kong, with premises that can be used as a restaurant under the lease and the Buildings Ordinance.', '年滿 18 歲人士，或在香港註冊的公司，而其處所根據租約及《建築物條例》可用作食肆。'],
    documents: [ID_CARD, BR_CERTIFICATE, ['Layout plans of the premises (six copies)', '處所平面圖（一式六份）', true, 'Drawn to a scale of 1:100, showing the kitchen and the exits', '比例為 1:100，須標示廚房及出口'], ['Tenancy agreement or proof of ownership of the premises', '處所的租約或業權證明', true]],
  },
  'hawker-licence-renewal': {
    eligibility: ['Holders of a fixed-pitch or itinerant hawker licence that is still valid or expired less than three months ago.', '持有仍然有效或屆滿未滿三個月的固定攤位或流動小販牌照人士。'],
    documents: [ID_CARD, ['Your current hawker licence', '你現有的小販牌照', true], ['Two recent photographs', '近照兩張', true]],
  },
  'replace-identity-card': {
    eligibility: ['Hong Kong residents aged 11 or over whose identity card was lost, stolen or damaged.', '身份證遺失、被盜或損毀的 11 歲或以上香港居民。'],
    documents: [['Police loss report memo', '警方遺失報告', false, 'If the card was stolen', '如身份證被盜'], ['Your damaged identity card', '已損毀的身份證', false, 'If the card was damaged, bring it to your appointment', '如身份證已損毀，請於預約時帶同']],
  },
  'passport-application': {
    eligibility: ['Chinese citizens who are Hong Kong permanent residents and hold a Hong Kong permanent identity card.', '持有香港永久性居民身份證的中國公民。'],
    documents: [ID_CARD, ['Your current or last passport', '你現有或最近的護照', false, 'If you had one before', '如曾持有'], ['A recent colour photograph, 40 mm by 50 mm, with a white background', '近照一張（彩色，40 毫米 x 50 毫米，白色背景）', true]],
  },
  'short-term-tenancy': {
    eligibility: ['Individuals aged 18 or over and companies registered in Hong Kong that propose a temporary use allowed on the land under the statutory plan.', '年滿 18 歲人士及在香港註冊的公司，而擬議的臨時用途為法定圖則所容許。'],
    documents: [ID_CARD, BR_CERTIFICATE, ['Location plan marking the land', '標示有關土地的位置圖', true, 'At a scale of 1:1000 or larger', '比例為 1:1000 或更大'], ADDRESS_PROOF],
  },
  'waste-disposal-account': {
    eligibility: ['The main contractor of construction work worth HK$1 million or more, who must open an account within 21 days of being awarded the contract.', '價值港幣 100 萬元或以上建築工程的總承建商，須於獲批合約後 21 日內開立帳戶。'],
    documents: [BR_CERTIFICATE, ['Letter of award of the contract', '合約批出信', true], ['Bank guarantee or a deposit', '銀行擔保或按金', false, 'Unless you pay the charges in advance', '除非你預繳費用']],
  },
  'noise-permit': {
    eligibility: ['Contractors who need to use powered equipment between 7 pm and 7 am, or on a public holiday, at a construction site.', '需要在晚上 7 時至早上 7 時或公眾假期於建築地盤使用機動設備的承建商。'],
    documents: [BR_CERTIFICATE, ['Site plan showing the equipment and the nearest homes', '顯示設備位置及最近住所的地盤平面圖', true], ['List of the powered mechanical equipment', '機動設備清單', true, 'With the sound power level of each item', '須列出每項設備的聲功率級']],
  },
};

const trilingual = (en: string, hk: string) => ({ en, 'zh-HK': hk, 'zh-CN': toSimplified(hk) });

const columns = new Map<string, ReturnType<typeof requirementColumns>>();
/** The columns of a sample service's requirements (the synthetic catalogue repeats them); a slug without any gets none. */
export function sampleRequirements(slug: string) {
  let found = columns.get(slug);
  if (!found) columns.set(slug, (found = requirementColumns(slug)));
  return found;
}

function requirementColumns(slug: string) {
  const sample = SAMPLE_REQUIREMENTS[slug];
  if (!sample) return {};
  const [en, hk] = sample.eligibility;
  const documents = sample.documents.map(([labelEn, labelHk, mandatory, noteEn, noteHk]): RequiredDocumentRow => ({
    label: trilingual(labelEn, labelHk), note: noteEn && noteHk ? trilingual(noteEn, noteHk) : null, mandatory,
  }));
  return { eligibility_en: en, eligibility_zh_hk: hk, eligibility_zh_cn: toSimplified(hk), required_documents: JSON.stringify(documents) };
}
