// Made-up sample datasets, labelled as samples in every title. Figures are invented for demonstrations.

export interface SampleDataset {
  name: string; organisation: string; category: string; tags: string[]; frequency: string; contact: string;
  titleEn: string; titleHk: string; notesEn: string; notesHk: string;
  resourceEn: string; resourceHk: string; format: 'CSV' | 'GeoJSON'; fileName: string;
  /** File contents, oldest first; all but the last are archived versions. */
  versions: string[];
}

const carParks = (hour: number) => [
  'park_id,name_en,name_tc,district,vacancy,updated_at',
  `TD-CP-001,Sample Harbour Car Park,樣本海港停車場,Central and Western,${40 + hour},2026-11-24T0${hour}:00+08:00`,
  `TD-CP-002,Sample Station Car Park,樣本車站停車場,Sha Tin,${12 + hour * 3},2026-11-24T0${hour}:00+08:00`,
  `TD-CP-003,Sample Market Car Park,樣本街市停車場,Kwun Tong,${5 + hour},2026-11-24T0${hour}:00+08:00`,
  `TD-CP-004,Sample Park Car Park,樣本公園停車場,Tuen Mun,${80 - hour * 2},2026-11-24T0${hour}:00+08:00`,
].join('\n');

const aqhi = (day: number) => [
  'station,station_tc,date,aqhi,risk',
  `Central,中環,2026-11-${20 + day},${3 + day},Low`,
  `Kwun Tong,觀塘,2026-11-${20 + day},${4 + day},Moderate`,
  `Tung Chung,東涌,2026-11-${20 + day},${2 + day},Low`,
  `Yuen Long,元朗,2026-11-${20 + day},${5 + day},Moderate`,
].join('\n');

const markets = [
  'market_id,name_en,name_tc,district,stalls,opening_hours',
  'FEHD-M-01,Sample Wet Market,樣本街市,Wan Chai,120,06:00-20:00',
  'FEHD-M-02,Sample Cooked Food Centre,樣本熟食中心,Sham Shui Po,45,07:00-23:00',
  'FEHD-M-03,Sample Municipal Services Building,樣本市政大廈,Tsuen Wan,210,06:00-20:00',
].join('\n');

// Points in HK1980 Grid (EPSG:2326), metres east and north.
const controlStations = JSON.stringify({
  type: 'FeatureCollection',
  crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::2326' } },
  features: [
    { type: 'Feature', properties: { station_id: 'LS-S-001', name_en: 'Sample station Victoria Peak', name_tc: '樣本太平山站', height_m: 552.4 }, geometry: { type: 'Point', coordinates: [833420.0, 815260.0] } },
    { type: 'Feature', properties: { station_id: 'LS-S-002', name_en: 'Sample station Lion Rock', name_tc: '樣本獅子山站', height_m: 495.0 }, geometry: { type: 'Point', coordinates: [837180.0, 824850.0] } },
    { type: 'Feature', properties: { station_id: 'LS-S-003', name_en: 'Sample station Tai Mo Shan', name_tc: '樣本大帽山站', height_m: 957.0 }, geometry: { type: 'Point', coordinates: [829740.0, 830450.0] } },
  ],
}, null, 1);

export const SAMPLE_DATASETS: SampleDataset[] = [
  {
    name: 'sample-car-park-vacancy', organisation: 'TD', category: 'transport', tags: ['parking', 'car park', '停車場'], frequency: 'real-time', contact: 'opendata@td.sample.gov.hk',
    titleEn: 'Car park vacancy (sample)', titleHk: '停車場空置車位（樣本）',
    notesEn: 'Vacant parking spaces at sample car parks. Made-up figures for demonstration.', notesHk: '樣本停車場的空置車位數目。數字為示範而虛構。',
    resourceEn: 'Car park vacancy', resourceHk: '停車場空置車位', format: 'CSV', fileName: 'car-park-vacancy.csv',
    versions: [carParks(1), carParks(2), carParks(3)],
  },
  {
    name: 'sample-air-quality-health-index', organisation: 'EPD', category: 'environment', tags: ['air quality', 'AQHI', '空氣質素'], frequency: 'daily', contact: 'opendata@epd.sample.gov.hk',
    titleEn: 'Air Quality Health Index (sample)', titleHk: '空氣質素健康指數（樣本）',
    notesEn: 'Daily Air Quality Health Index at sample monitoring stations, with several archived versions.', notesHk: '樣本監測站的每日空氣質素健康指數，附多個歷史版本。',
    resourceEn: 'Daily AQHI', resourceHk: '每日空氣質素健康指數', format: 'CSV', fileName: 'aqhi-daily.csv',
    versions: [aqhi(1), aqhi(2), aqhi(3), aqhi(4)],
  },
  {
    name: 'sample-public-markets', organisation: 'FEHD', category: 'food', tags: ['markets', '街市'], frequency: 'monthly', contact: 'opendata@fehd.sample.gov.hk',
    titleEn: 'Public markets (sample)', titleHk: '公眾街市（樣本）',
    notesEn: 'Sample public markets with their stalls and opening hours.', notesHk: '樣本公眾街市的檔位數目及開放時間。',
    resourceEn: 'Public markets', resourceHk: '公眾街市', format: 'CSV', fileName: 'public-markets.csv',
    versions: [markets],
  },
  {
    name: 'sample-survey-control-stations', organisation: 'LANDSD', category: 'development', tags: ['survey', 'geodetic', '測量'], frequency: 'yearly', contact: 'opendata@landsd.sample.gov.hk',
    titleEn: 'Survey control stations (sample)', titleHk: '測量控制站（樣本）',
    notesEn: 'Sample survey control stations as a GeoJSON layer in HK1980 Grid (EPSG:2326); served in WGS 84 too.', notesHk: '以香港1980方格網（EPSG:2326）提供的樣本測量控制站 GeoJSON 圖層。',
    resourceEn: 'Control stations', resourceHk: '控制站', format: 'GeoJSON', fileName: 'control-stations.geojson',
    versions: [controlStations],
  },
];
