import { parse } from 'csv-parse';
import { json } from 'node:stream/consumers';
import type { Readable } from 'node:stream';
import type { Trx } from '../platform/db/database.ts';
import { invalidInput } from '../platform/errors.ts';
import { crsOf, toWgs84 } from './spatial.ts';
import * as store from './store.ts';
import { RowWriter } from './ingest-rows.ts';

// CSV and GeoJSON files are ingested into rows (jsonb) so that datastore_search and the previews can query them;
// JSON and XML files too when they hold a table (ingest-json.ts, ingest-xml.ts).

export interface Ingested { fields: store.FieldInfo[]; rowCount: number; sourceCrs: string | null }

const BATCH = 1_000;

/** Streams the CSV's records into the resource's rows; the first line names the columns. */
export async function ingestCsv(trx: Trx, resourceId: string, content: Readable): Promise<Ingested> {
  const rows = await RowWriter.start(trx, resourceId);
  const parser = content.pipe(parse({ columns: (header: string[]) => header.map((h, i) => h.trim() || `column_${i + 1}`), bom: true, skip_empty_lines: true, relax_column_count: true, trim: true }));
  try {
    for await (const record of parser as AsyncIterable<Record<string, string>>) await rows.add(record);
  } catch (error) {
    throw invalidInput([{ field: 'file', reason: `The CSV file cannot be read: ${(error as Error).message}` }]);
  }
  return { ...(await rows.finish()), sourceCrs: null };
}

/** A feature is a few levels deep (a MultiPolygon's positions are four arrays down); this is far more than any needs. */
const MAX_FEATURE_DEPTH = 32;

/** Whether arrays or objects nest deeper than `limit` in `value`; walked with a stack of its own (no recursion to overflow). */
function nestedDeeperThan(value: unknown, limit: number): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [item, depth] = pending.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    if (depth === limit) return true;
    for (const inner of Object.values(item)) pending.push([inner, depth + 1]);
  }
  return false;
}

interface Feature { type: 'Feature'; id?: unknown; geometry: { type: string } | null; properties: Record<string, unknown> | null }

/** Each feature becomes a row: its properties and its geometry, converted to WGS 84 (the source CRS is recorded). */
export async function ingestGeoJson(trx: Trx, resourceId: string, content: Readable): Promise<Ingested> {
  let document: { type?: unknown; features?: unknown; crs?: { properties?: { name?: unknown } } };
  try {
    document = (await json(content)) as typeof document;
  } catch {
    throw invalidInput([{ field: 'file', reason: 'The GeoJSON file is not valid JSON.' }]);
  }
  if (document?.type !== 'FeatureCollection' || !Array.isArray(document.features)) {
    throw invalidInput([{ field: 'file', reason: 'The GeoJSON file must be a FeatureCollection.' }]);
  }
  // The geometry is converted and bounded, and the row serialised, by recursive code: a deeper feature would overflow its stack.
  if (document.features.some((feature) => nestedDeeperThan(feature, MAX_FEATURE_DEPTH))) {
    throw invalidInput([{ field: 'file', reason: 'The GeoJSON file has a feature nested too deeply to be a geometry.' }]);
  }
  const crs = crsOf(document);
  if (!crs) throw invalidInput([{ field: 'file', reason: 'The GeoJSON coordinate reference system is not supported (use EPSG:4326 or EPSG:2326).' }]);
  // Each property, in order of appearance: numeric while every value of it so far is a number or empty. Typed as the
  // features are read (never a pass over every row per property: features with a property each would be quadratic).
  const numeric = new Map<string, boolean>();
  const rows: Record<string, unknown>[] = (document.features as Feature[]).map((feature) => {
    const properties = feature?.properties ?? {};
    for (const [key, value] of Object.entries(properties)) numeric.set(key, (numeric.get(key) ?? true) && (value == null || typeof value === 'number'));
    return { ...properties, geometry: toWgs84(feature?.geometry as never, crs) };
  });
  await store.replaceRows(trx, resourceId, []);
  for (let i = 0; i < rows.length; i += BATCH) await store.appendRows(trx, resourceId, i, rows.slice(i, i + BATCH));
  numeric.delete('geometry');
  const fields = [...numeric].map(([id, isNumeric]) => ({ id, type: isNumeric ? 'numeric' as const : 'text' as const }));
  // The geometry is a column too (GeoJSON, WGS 84), so that datastore_search returns it with the properties.
  return { fields: [...fields, { id: 'geometry', type: 'text' }], rowCount: rows.length, sourceCrs: crs };
}
