import { JSONParser } from '@streamparser/json-node';
import { pipeline, type Readable } from 'node:stream';
import type { Trx } from '../platform/db/database.ts';
import { invalidInput } from '../platform/errors.ts';
import type { Ingested } from './ingest.ts';
import { RowWriter, type Row } from './ingest-rows.ts';

// A JSON file is a table when it is an array of flat objects (`[{"a": 1}, …]`), or an object with exactly one such
// array among its properties (`{"meta": {…}, "records": [{…}, …]}`). It is parsed as a stream: one row at a time
// is in memory. Anything else is published for download but not ingested (undefined).

const isFlatObject = (value: unknown): value is Row =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => v === null || typeof v !== 'object');

interface Parsed { value: unknown; key?: string | number | undefined; stack: { key?: string | number | undefined }[] }

/** `first` is the file's first significant character, `[` or `{` (the content check made sure of it). */
export async function ingestJson(trx: Trx, resourceId: string, first: string, content: Readable): Promise<Ingested | undefined> {
  const topLevelArray = first === '[';
  // Elements of the top-level array, or values two levels down (elements of each property's array).
  const parser = new JSONParser({ paths: [topLevelArray ? '$.*' : '$.*.*'], keepStack: false });
  const parsed = pipeline(content, parser, () => undefined) as unknown as AsyncIterable<Parsed>;
  const rows = await RowWriter.start(trx, resourceId);
  let table: string | number | undefined;
  const mixed = new Set<string | number>();
  let tabular = true;
  try {
    for await (const { value, key, stack } of parsed) {
      if (!tabular) continue;
      const property = topLevelArray ? '' : stack[1]?.key;
      if (typeof key !== 'number' || property === undefined) continue; // a property of a nested object, not an element
      if (!isFlatObject(value)) {
        // An array of something else does not matter, unless it is (or becomes) the table's array.
        mixed.add(property);
        if (property === table || topLevelArray) tabular = false;
        continue;
      }
      table ??= property;
      if (property !== table || mixed.has(property)) tabular = false;
      else await rows.add(value);
    }
  } catch (error) {
    throw invalidInput([{ field: 'file', reason: `The JSON file is not valid JSON: ${(error as Error).message}` }]);
  }
  if (!tabular || rows.rowCount === 0) {
    await rows.discard();
    return undefined;
  }
  return { ...(await rows.finish()), sourceCrs: null };
}
