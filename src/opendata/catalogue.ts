// The portal's fixed lists: categories (CKAN "groups", with the current portal's category ids), licences and
// the resource formats it accepts.

export interface Category { id: string; en: string; hk: string }

export const CATEGORIES: Category[] = [
  { id: 'city-management', en: 'City Management and Utilities', hk: '城市管理及公用設施' },
  { id: 'climate-and-weather', en: 'Climate and Weather', hk: '氣候及天氣' },
  { id: 'commerce-and-industry', en: 'Commerce and Industry', hk: '工商業' },
  { id: 'development', en: 'Development, Geography and Land Information', hk: '發展、地理及土地資訊' },
  { id: 'education', en: 'Education', hk: '教育' },
  { id: 'employment-and-labour', en: 'Employment and Labour', hk: '就業及勞工' },
  { id: 'environment', en: 'Environment', hk: '環境' },
  { id: 'finance', en: 'Finance', hk: '財經' },
  { id: 'food', en: 'Food', hk: '食物' },
  { id: 'health', en: 'Health', hk: '衞生' },
  { id: 'housing', en: 'Housing', hk: '房屋' },
  { id: 'information-technology-and-broadcasting', en: 'Technology and Broadcasting', hk: '科技及廣播' },
  { id: 'law-and-security', en: 'Law and Security', hk: '法律及保安' },
  { id: 'legislature', en: 'Election and Legislature', hk: '選舉及立法機關' },
  { id: 'miscellaneous', en: 'Miscellaneous', hk: '其他' },
  { id: 'population', en: 'Population', hk: '人口' },
  { id: 'recreation-and-culture', en: 'Recreation, Sports and Culture', hk: '康樂、體育及文化' },
  { id: 'social-welfare', en: 'Community and Social Welfare', hk: '社區及社會福利' },
  { id: 'transport', en: 'Transportation', hk: '運輸' },
];
export const categoryById = (id: string) => CATEGORIES.find((c) => c.id === id);

export interface Licence { id: string; title: string; url: string }
export const LICENCES: Licence[] = [
  { id: 'hk-dgov-terms', title: 'Terms and Conditions of Use of the Open Data Portal', url: 'https://data.gov.hk/en/terms-and-conditions' },
  { id: 'cc-by-4.0', title: 'Creative Commons Attribution 4.0', url: 'https://creativecommons.org/licenses/by/4.0/' },
  { id: 'odc-pddl', title: 'Open Data Commons Public Domain Dedication and Licence', url: 'https://opendatacommons.org/licenses/pddl/' },
];
export const licenceById = (id: string) => LICENCES.find((l) => l.id === id);

/** Formats a resource may declare, with the media type a download is served as. */
export const FORMATS: Record<string, string> = {
  CSV: 'text/csv; charset=utf-8',
  JSON: 'application/json',
  GeoJSON: 'application/geo+json',
  XML: 'application/xml',
  XLSX: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  PDF: 'application/pdf',
  API: 'application/json',
};
export const UPLOAD_FORMATS = ['CSV', 'JSON', 'GeoJSON', 'XML', 'XLSX', 'PDF'] as const;
export type UploadFormat = (typeof UPLOAD_FORMATS)[number];
export const isUploadFormat = (value: string): value is UploadFormat => (UPLOAD_FORMATS as readonly string[]).includes(value);

export const UPDATE_FREQUENCIES = ['real-time', 'daily', 'weekly', 'monthly', 'quarterly', 'yearly', 'as-needed'] as const;

/** The largest file a publisher may upload. */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;
