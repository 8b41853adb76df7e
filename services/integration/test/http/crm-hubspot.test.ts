import { createServer } from 'node:http';
import { RegistrationCanceled, RegistrationCreated } from '@diaspora/events';
import { newId } from '@diaspora/service-kit';
import { until } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { member, publish, startIntegration } from '../fixtures.js';

interface Upsert {
  inputs: { idProperty: string; id: string; properties: Record<string, string> }[];
}

/** A local fake of the HubSpot CRM API parts the connector uses (contact properties, batch upsert by email). */
async function startFakeHubSpot(token: string) {
  const upserts: Upsert[] = [];
  const properties = new Set<string>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const send = (status: number, json: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
      if (req.headers.authorization !== `Bearer ${token}`)
        return send(401, { status: 'error', category: 'INVALID_AUTHENTICATION' });
      if (req.method === 'POST' && req.url === '/crm/v3/properties/contacts') {
        const { name } = JSON.parse(body) as { name: string };
        if (properties.has(name)) return send(409, { status: 'error', category: 'OBJECT_ALREADY_EXISTS' });
        properties.add(name);
        return send(201, { name });
      }
      if (req.method === 'POST' && req.url === '/crm/v3/objects/contacts/batch/upsert') {
        const input = JSON.parse(body) as Upsert;
        upserts.push(input);
        const now = new Date().toISOString();
        return send(200, {
          status: 'COMPLETE',
          startedAt: now,
          completedAt: now,
          results: input.inputs.map((i, n) => ({
            id: String(100 + n),
            properties: i.properties,
            new: true,
            createdAt: now,
            updatedAt: now,
            archived: false,
          })),
        });
      }
      return send(404, { status: 'error', message: `no fake for ${req.method} ${req.url}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    upserts,
    properties,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const registration = (userId: string, eventId: string, title: string) => ({
  registrationId: newId('reg'),
  userId,
  status: 'confirmed' as const,
  eventId,
  eventTitle: title,
  eventType: 'free' as const,
  domain: 'commerce',
  startsAt: '2027-02-01T18:00:00.000Z',
  timezone: 'Europe/Paris',
  organizerId: 'usr_org',
  at: new Date().toISOString(),
});

describe('HubSpot connector (against a local fake of its API)', () => {
  const fatou = member({ displayName: 'Fatou Ndiaye Sow', email: 'fatou@example.org' });
  let hubspot: Awaited<ReturnType<typeof startFakeHubSpot>>;
  let ctx: Awaited<ReturnType<typeof startIntegration>>;
  beforeAll(async () => {
    hubspot = await startFakeHubSpot('pat-na1-test');
    ctx = await startIntegration([fatou], {
      CRM_CONNECTOR: 'hubspot',
      HUBSPOT_ACCESS_TOKEN: 'pat-na1-test',
      HUBSPOT_BASE_PATH: hubspot.url,
    });
  });
  afterAll(async () => {
    await ctx?.close();
    await hubspot?.close();
  });

  it("upserts the member's contact by email with their registrations, and again when one is canceled", async () => {
    const eventId = newId('evt');
    await publish(ctx.service, RegistrationCreated, registration(fatou.id, eventId, 'Salon export'), 'event');
    const first = await until(() => hubspot.upserts[0], { what: 'the HubSpot upsert', timeoutMs: 10_000 });
    expect(hubspot.properties).toEqual(new Set(['diaspora_user_id', 'diaspora_registrations']));
    expect(first.inputs).toEqual([
      {
        idProperty: 'email',
        id: 'fatou@example.org',
        properties: expect.objectContaining({
          email: 'fatou@example.org',
          firstname: 'Fatou',
          lastname: 'Ndiaye Sow',
          diaspora_user_id: fatou.id,
          diaspora_registrations: `2027-02-01 Salon export (${eventId})`,
        }),
      },
    ]);
    await publish(
      ctx.service,
      RegistrationCanceled,
      { ...registration(fatou.id, eventId, 'Salon export'), previousStatus: 'confirmed', reason: 'member' },
      'event',
    );
    const second = await until(() => hubspot.upserts[1], { what: 'the second upsert', timeoutMs: 10_000 });
    expect(second.inputs[0]!.properties.diaspora_registrations).toBe('');
  });
});
