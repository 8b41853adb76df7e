import { startTestService } from '@diaspora/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { userService } from '../../src/app.js';

let service: Awaited<ReturnType<typeof startTestService>>;
beforeAll(async () => {
  service = await startTestService(userService, { env: { BCRYPT_COST: '4' } });
});
afterAll(() => service?.close());

it('registers', async () => {
  const response = await service.app.inject({
    method: 'POST',
    url: '/api/v1/users/auth/register',
    payload: {
      email: 'amina@example.com',
      password: 'correct horse battery',
      displayName: 'Amina',
      originCountry: 'SN',
      residenceCountry: 'FR',
      residenceCity: 'Paris',
      languages: ['fr', 'wo'],
    },
  });
  console.log(response.statusCode, response.body);
  expect(response.statusCode).toBe(201);
});
