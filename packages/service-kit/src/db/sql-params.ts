/**
 * Numbered parameters for SQL built from optional parts: `add(value)` returns its `$n` placeholder, so filters
 * compose without index bookkeeping; `where` joins the conditions that were added.
 */
export class SqlParams {
  readonly values: unknown[] = [];
  readonly conditions: string[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  /** Adds a condition, written with placeholders from `add`: `params.and(`city = ${params.add(city)}`)`. */
  and(condition: string): this {
    this.conditions.push(condition);
    return this;
  }

  get where(): string {
    return this.conditions.length ? `WHERE ${this.conditions.join(' AND ')}` : '';
  }
}
