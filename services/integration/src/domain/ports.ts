import type { Scope as KitScope, UnitOfWork as KitUnitOfWork } from '@diaspora/service-kit';

/**
 * What the domain needs from the outside, named here so that domain/ never imports store/ or http/.
 * `Stores` lists the repositories the unit of work puts on every scope (built in store/, wired in app.ts).
 */
export type Stores = Record<never, never>;
export type Scope = KitScope<Stores>;
export type UnitOfWork = KitUnitOfWork<Stores>;
