import type { ServiceDescriptor } from '../../src/grpc/protos.js';

/** The smallest real contract (common/v1/user_data.proto) for tests of clients and servers. */
export interface UserDataClient {
  exportUserData(request: { userId: string }): Promise<{ service: string; json: string }>;
  close(): void;
}

export const USER_DATA: ServiceDescriptor<UserDataClient, { exportUserData(r: { userId: string }): Promise<object> }> =
  {
    fullName: 'diaspora.common.v1.UserData',
    file: 'common/v1/user_data.proto',
    methods: ['exportUserData'],
  };
