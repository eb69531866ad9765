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

/** Records sit a few levels down; a document nested deeper is no table, and no element's path grows without end. */
const MAX_DEPTH = 64;

interface Open {
  /** The names of the open elements down to this one, joined by `/`: built once, when the element opens. */
  path: string;
  attributes: Row;
  /** Without a prototype, so that a field named `constructor` or `__proto__` is a field like any other. */
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
  const found: [string, Row][] = [];
  let tabular = true;
  let failure: Error | undefined;
  let doctype = false;

  parser.on('doctype', () => { doctype = true; });
  parser.on('error', (error) => { failure ??= error; });
  // Once the document is known to be no table, the handlers do nothing: the parser only checks that it is well-formed.
  parser.on('opentag', (tag: SaxesTagPlain) => {
    if (!tabular) return;
    if (open.length === MAX_DEPTH) {
      tabular = false;
      open.length = 0;
      return;
    }
    const parent = open.at(-1);
    if (parent) {
      parent.parent = true;
      parent.text = ''; // a parent's own text (white space between its children, mixed content) is no value
      const grandparent = open.at(-2);
      if (grandparent) grandparent.flat = false; // the parent has children of its own: it is no field
    }
    const path = parent ? `${parent.path}/${tag.name}` : tag.name;
    open.push({ path, attributes: { ...tag.attributes }, fields: Object.create(null) as Row, text: '', parent: false, flat: true });
  });
  const addText = (text: string) => {
    const top = open.at(-1);
    if (tabular && top && !top.parent) top.text += text;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('closetag', (tag) => {
    if (!tabular) return;
    const element = open.pop()!;
    const parent = open.at(-1);
    if (!element.parent) {
      if (parent) {
        if (Object.hasOwn(parent.fields, tag.name)) parent.flat = false;
        else parent.fields[tag.name] = element.text.trim();
      }
    } else if (element.flat) {
      found.push([element.path, { ...element.attributes, ...element.fields }]);
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
