import { monotonicFactory } from 'ulid';

const nextUlid = monotonicFactory();

/** Prefixed, time-sortable identifiers (`usr_01J…`, `evt_01J…`): readable in logs, sortable in indexes. */
export function newId(prefix: string): string {
  return `${prefix}_${nextUlid().toLowerCase()}`;
}

export function hasPrefix(id: unknown, prefix: string): id is string {
  return typeof id === 'string' && id.startsWith(`${prefix}_`) && id.length === prefix.length + 27;
}
