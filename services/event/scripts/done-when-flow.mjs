#!/usr/bin/env node
// The "Done when" flow through a running gateway (all-in-one or distributed), with real HTTP:
// super → ambassador → consul appointed through the user service's governance routes; the consul publishes a
// local event; members register, check in and rate; the consul's scorecard reflects it.
// Usage: GATEWAY_URL=http://127.0.0.1:8000 SUPERUSER_EMAIL=… SUPERUSER_PASSWORD=… node services/event/scripts/done-when-flow.mjs
const base = process.env.GATEWAY_URL ?? 'http://127.0.0.1:8000';
const stamp = Date.now();

async function api(method, path, body, token) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  return { status: response.status, body: type.includes('json') && text ? JSON.parse(text) : text };
}

function expect(condition, message, detail) {
  if (!condition) {
    console.error(`FAIL: ${message}`, detail === undefined ? '' : JSON.stringify(detail));
    process.exit(1);
  }
  console.log(`ok   ${message}`);
}

async function member(name, city = 'Paris') {
  const email = `${name}-${stamp}@example.com`;
  const registered = await api('POST', '/api/v1/users/auth/register', {
    email,
    password: 'a long passphrase here',
    displayName: name,
    originCountry: 'SN',
    residenceCountry: 'FR',
    residenceCity: city,
    languages: ['fr'],
  });
  expect(registered.status === 201, `register ${name}`, registered.body);
  return { id: registered.body.user.id, email };
}

const login = async (email, password = 'a long passphrase here') => {
  const response = await api('POST', '/api/v1/users/auth/login', { email, password });
  expect(response.status === 200, `login ${email}`, response.body);
  return response.body.accessToken;
};

const superToken = await login(process.env.SUPERUSER_EMAIL, process.env.SUPERUSER_PASSWORD);
const awa = await member('awa-ambassador');
const cheikh = await member('cheikh-consul');
const guests = [await member('guest-1'), await member('guest-2'), await member('guest-3')];

const appointed = await api('POST', '/api/v1/users/ambassadors', { userId: awa.id, country: 'FR' }, superToken);
expect(appointed.status === 201, 'super appoints an ambassador of FR', appointed.body);
const awaToken = await login(awa.email);
const consul = await api(
  'POST',
  '/api/v1/users/consuls',
  { userId: cheikh.id, country: 'FR', city: 'Paris' },
  awaToken,
);
expect(consul.status === 201, 'the ambassador appoints a consul of Paris', consul.body);
const cheikhToken = await login(cheikh.email);

const refused = await api('POST', '/api/v1/events', { title: 'x' }, await login(guests[0].email));
expect(refused.status === 400, 'bad input is a 400 problem', refused.body);

const startsAt = new Date(Date.now() + 8_000);
const created = await api(
  'POST',
  '/api/v1/events',
  {
    title: 'Paris diaspora meetup',
    description: 'Monthly local gathering',
    domain: 'associations',
    type: 'local',
    startsAt: startsAt.toISOString(),
    endsAt: new Date(startsAt.getTime() + 4_000).toISOString(),
    timezone: 'Europe/Paris',
    venue: { name: 'Maison', address: '1 rue X', city: 'Paris', country: 'FR', lat: 48.85, lon: 2.35 },
    capacity: 2,
    languages: ['fr'],
  },
  cheikhToken,
);
expect(created.status === 201 && created.body.type === 'local', 'the consul publishes a local event', created.body);
const eventId = created.body.id;

const guestTokens = [];
for (const guest of guests) guestTokens.push(await login(guest.email));
const registrations = [];
for (const token of guestTokens)
  registrations.push(await api('POST', `/api/v1/events/${eventId}/registrations`, undefined, token));
expect(
  registrations.map((r) => r.body.status).join() === 'confirmed,confirmed,waitlisted',
  'two confirmed, the third waitlisted',
  registrations.map((r) => r.body),
);
const ics = await api('GET', `/api/v1/events/${eventId}.ics`);
expect(ics.status === 200 && String(ics.body).includes('BEGIN:VEVENT'), 'public .ics through the gateway', ics.status);

const checkIn = await api(
  'POST',
  `/api/v1/events/${eventId}/check-in`,
  { code: registrations[0].body.checkInCode },
  cheikhToken,
);
expect(checkIn.status === 200, 'the consul checks a guest in', checkIn.body);
const again = await api(
  'POST',
  `/api/v1/events/${eventId}/check-in`,
  { code: registrations[0].body.checkInCode },
  cheikhToken,
);
expect(again.status === 409 && again.body.checkedInBy === cheikh.id, 'second scan: 409 with who and when', again.body);

await new Promise((resolve) => setTimeout(resolve, Math.max(0, startsAt.getTime() + 4_500 - Date.now())));
const scores = { eventQuality: 5, participantQuality: 4, exchangeQuality: 5, venueQuality: 4, organizerPerformance: 5 };
const rated = await api('POST', `/api/v1/events/${eventId}/ratings`, scores, guestTokens[0]);
expect(rated.status === 201, 'the checked-in guest rates the ended event', rated.body);
const notAttendee = await api('POST', `/api/v1/events/${eventId}/ratings`, scores, guestTokens[1]);
expect(notAttendee.status === 403, 'a guest who did not check in cannot rate', notAttendee.body);

const card = await api('GET', `/api/v1/events/organizers/${cheikh.id}/scorecard`, undefined, await login(awa.email));
expect(
  card.status === 200 && card.body.isConsul && card.body.eventsHeld === 1 && card.body.averages.ratings === 1,
  'the ambassador sees the consul scorecard: 1 held of 4, 1 rating',
  card.body,
);
console.log(JSON.stringify(card.body));
