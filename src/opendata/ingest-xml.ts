import { SaxesParser, type SaxesTagPlain } from 'saxes';
import type { Readable } from 'node:stream';
import type { Trx } from '../platform/db/database.ts';
import { invalidInput } from '../platform/errors.ts';
import type { Ingested } from './ingest.ts';
import { RowWriter, type Row } from './ingest-rows.ts';

// An XML file is a table when it repeats a record element whose children are plain elements (the fields):
// `<stations><station id="1"><name>…</name><district>…</district></station>…</stations>`. The record's attributes
// are fields too. The parser streams and expands no entities of a DTD (only XML's five and character references):
// no entity bombs, no external files. Anything else is published for download but not ingested (undefined).

interface Open {
  attributes: Row;
  fields: Row;
  text: string;
  /** Has element children, so it is a record or a container, not a field. */
  parent: boolean;
  /** Every child is a field (text only, each name once): a record, if it is a parent. */
  flat: boolean;
}

/** Decides which element path holds the records: the first path seen twice. */
class RecordPicker {
  private chosen: string | undefined;
  private readonly waiting = new Map<string, Row>();
  /** A document whose candidates never repeat is not a table (and must not fill memory). */
  private static readonly MAX_WAITING = 1_000;

  constructor(private readonly rows: RowWriter) {}

  /** False once too many candidates wait for a repeat: then the document is no table. */
  async offer(path: string, row: Row): Promise<boolean> {
    if (this.chosen !== undefined) {
      if (path === this.chosen) await this.rows.add(row);
      return true;
    }
    const first = this.waiting.get(path);
    if (first === undefined) {
      this.waiting.set(path, row);
      return this.waiting.size <= RecordPicker.MAX_WAITING;
    }
    this.chosen = path;
    this.waiting.clear();
    await this.rows.add(first);
    await this.rows.add(row);
    return true;
  }

  /** True when there is a table: some record element was repeated. */
  get found(): boolean {
    return this.chosen !== undefined;
  }
}

export async function ingestXml(trx: Trx, resourceId: string, content: Readable): Promise<Ingested | undefined> {
  const rows = await RowWriter.start(trx, resourceId);
  const picker = new RecordPicker(rows);
  const parser = new SaxesParser();
  const open: Open[] = [];
  const names: string[] = [];
  const found: [string, Row][] = [];
  let tabular = true;
  let failure: Error | undefined;
  let doctype = false;

  parser.on('doctype', () => { doctype = true; });
  parser.on('error', (error) => { failure ??= error; });
  parser.on('opentag', (tag: SaxesTagPlain) => {
    const parent = open.at(-1);
    if (parent) {
      parent.parent = true;
      const grandparent = open.at(-2);
      if (grandparent) grandparent.flat = false; // the parent has children of its own: it is no field
    }
    open.push({ attributes: { ...tag.attributes }, fields: {}, text: '', parent: false, flat: true });
    names.push(tag.name);
  });
  parser.on('text', (text) => { const top = open.at(-1); if (top) top.text += text; });
  parser.on('cdata', (text) => { const top = open.at(-1); if (top) top.text += text; });
  parser.on('closetag', (tag) => {
    const element = open.pop()!;
    const path = names.join('/');
    names.pop();
    const parent = open.at(-1);
    if (!element.parent) {
      if (parent) {
        if (tag.name in parent.fields) parent.flat = false;
        else parent.fields[tag.name] = element.text.trim();
      }
    } else if (element.flat) {
      found.push([path, { ...element.attributes, ...element.fields }]);
    }
  });

  try {
    content.setEncoding('utf8');
    for await (const chunk of content) {
      parser.write(chunk as string);
      if (failure) break;
      for (const [path, row] of found.splice(0)) if (tabular) tabular = await picker.offer(path, row);
    }
    if (!failure) parser.close();
    for (const [path, row] of found.splice(0)) if (tabular) tabular = await picker.offer(path, row);
  } catch (error) {
    failure ??= error as Error;
  }
  // A DTD's own entities are never expanded: such a file is published, but not read as a table.
  if (failure && !doctype) throw invalidInput([{ field: 'file', reason: `The XML file is not well-formed: ${failure.message}` }]);
  if (failure || !tabular || !picker.found) {
    await rows.discard();
    return undefined;
  }
  return { ...(await rows.finish()), sourceCrs: null };
}
