import type { Trx } from '../platform/db/database.ts';
import * as store from './store.ts';

// Rows on their way into a resource's table, whatever the file format: written in batches as they arrive (a large
// file is never held in memory), their columns collected in order of appearance and typed as they go.

const BATCH = 1_000;
const NUMBER = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

export type Row = Record<string, unknown>;

export class RowWriter {
  /** Each column, in order of appearance: numeric while every value so far is a number; undefined while all are empty. */
  private readonly columns = new Map<string, boolean | undefined>();
  private batch: Row[] = [];
  private count = 0;

  private constructor(private readonly trx: Trx, private readonly resourceId: string) {}

  /** Starts with no rows: a replaced file's rows go. */
  static async start(trx: Trx, resourceId: string): Promise<RowWriter> {
    await store.replaceRows(trx, resourceId, []);
    return new RowWriter(trx, resourceId);
  }

  async add(row: Row): Promise<void> {
    for (const [key, value] of Object.entries(row)) {
      if (value === null || value === undefined || value === '') {
        if (!this.columns.has(key)) this.columns.set(key, undefined);
        continue;
      }
      const numeric = typeof value === 'number' || (typeof value === 'string' && NUMBER.test(value));
      this.columns.set(key, (this.columns.get(key) ?? true) && numeric);
    }
    this.batch.push(row);
    if (this.batch.length === BATCH) await this.flush();
  }

  private async flush(): Promise<void> {
    await store.appendRows(this.trx, this.resourceId, this.count, this.batch);
    this.count += this.batch.length;
    this.batch = [];
  }

  get rowCount(): number {
    return this.count + this.batch.length;
  }

  /** Writes what is left; the columns, each numeric when every value in it is a number. */
  async finish(): Promise<{ fields: store.FieldInfo[]; rowCount: number }> {
    await this.flush();
    return { fields: [...this.columns].map(([id, numeric]) => ({ id, type: numeric === true ? 'numeric' as const : 'text' as const })), rowCount: this.count };
  }

  /** The file turned out not to be a table: none of its rows stay. */
  async discard(): Promise<void> {
    this.batch = [];
    await store.replaceRows(this.trx, this.resourceId, []);
  }
}
