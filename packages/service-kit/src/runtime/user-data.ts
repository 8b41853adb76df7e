import { UserDeleted } from '@diaspora/events';
import type { Database, Queryable } from '../db/database.js';
import { problems } from '../errors.js';
import { type EventConsumer, idempotentConsumer } from '../events/consumer.js';
import { implement, type ServiceDescriptor } from '../grpc/protos.js';
import type { GrpcBinding } from '../grpc/server.js';
import type { Logger } from '../logger.js';
import type { Scope, UnitOfWork } from '../store/unit-of-work.js';

/**
 * GDPR as a part of a service: what it holds about a member (their section of the archive the user service
 * assembles) and how it forgets them. The kit serves `common.v1.UserData` and consumes `users.user.deleted` once
 * per event, running `erase` in the consumer's transaction. A part without `erase` is export-only: the user
 * service erases its own rows in the deletion request that publishes the event.
 */
export interface UserDataPart {
  export(userId: string): Promise<object>;
  eraseIn?(tx: Queryable, userId: string): Promise<void>;
}

/** Binds a service's export and erase to its unit of work: `erase` gets the scope of the consumer's transaction. */
export function userData<S extends object>(
  uow: UnitOfWork<S>,
  part: { export(userId: string): Promise<object>; erase?(scope: Scope<S>, userId: string): Promise<void> },
): UserDataPart {
  const { erase } = part;
  return {
    export: (userId) => part.export(userId),
    ...(erase ? { eraseIn: (tx: Queryable, userId: string) => erase(uow.scopeFor(tx), userId) } : {}),
  };
}

interface UserDataHandlers {
  exportUserData(request: { userId: string }): Promise<{ service: string; json: string }>;
}

/** The contract of proto/common/v1/user_data.proto, which every personal-data service serves. */
const USER_DATA: ServiceDescriptor<unknown, UserDataHandlers> = {
  fullName: 'diaspora.common.v1.UserData',
  file: 'common/v1/user_data.proto',
  methods: ['exportUserData'],
};

export function userDataBinding(service: string, part: UserDataPart, logger: Logger): GrpcBinding {
  return implement(
    USER_DATA,
    {
      async exportUserData(request) {
        if (!request.userId) throw problems.badRequest('user_id is required');
        return { service, json: JSON.stringify(await part.export(request.userId)) };
      },
    },
    logger,
  );
}

/** The erasure consumer of a part that erases; none for an export-only part. */
export function userDataConsumers(db: Database, part: UserDataPart | undefined): EventConsumer[] {
  const eraseIn = part?.eraseIn;
  return eraseIn
    ? [idempotentConsumer(db, 'erase-user-data', UserDeleted, (tx, data) => eraseIn(tx, data.userId))]
    : [];
}
