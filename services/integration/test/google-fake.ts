import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

interface FakeEvent {
  id: string;
  etag: string;
  [field: string]: unknown;
}

/**
 * A local fake of Google's OAuth endpoints (`/auth`, `/token`, `/revoke`) and the parts of Calendar v3 the adapter
 * uses (under `/calendar/v3/`), strict where it matters: PKCE is checked, revoked grants answer invalid_grant,
 * unknown access tokens 401.
 */
export async function startFakeGoogle() {
  const codes = new Map<string, { challenge: string }>();
  const accessTokens = new Set<string>();
  const refreshTokens = new Set<string>();
  const revoked: string[] = [];
  /** The sync tokens events.list was called with ('full' without one). */
  const listed: string[] = [];
  const calendars = new Map<string, { summary: string; events: Map<string, FakeEvent> }>([
    ['awa@gmail.example', { summary: 'awa@gmail.example', events: new Map() }],
  ]);
  let seq = 0;
  /** Change sequence for events.list sync tokens (`sync-<n>`: changes after n). */
  let changeSeq = 0;
  const stamp = (event: FakeEvent) => Object.assign(event, { updated: new Date().toISOString(), changed: ++changeSeq });

  const json = (res: ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => resolve(body));
    });
  const issue = () => {
    const access = `ya29.${randomBytes(8).toString('hex')}`;
    accessTokens.add(access);
    return access;
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const body = await read(req);
    if (url.pathname === '/token') {
      const form = new URLSearchParams(body);
      if (form.get('grant_type') === 'authorization_code') {
        const code = codes.get(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        if (!code || createHash('sha256').update(verifier).digest('base64url') !== code.challenge)
          return json(res, 400, { error: 'invalid_grant', error_description: 'bad code or PKCE verifier' });
        codes.delete(form.get('code')!);
        const refresh = `1//${randomBytes(8).toString('hex')}`;
        refreshTokens.add(refresh);
        return json(res, 200, {
          access_token: issue(),
          refresh_token: refresh,
          expires_in: 3599,
          token_type: 'Bearer',
        });
      }
      if (form.get('grant_type') === 'refresh_token') {
        if (!refreshTokens.has(form.get('refresh_token') ?? ''))
          return json(res, 400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
        return json(res, 200, { access_token: issue(), expires_in: 3599, token_type: 'Bearer' });
      }
      return json(res, 400, { error: 'unsupported_grant_type' });
    }
    if (url.pathname === '/revoke') {
      const token = url.searchParams.get('token') ?? new URLSearchParams(body).get('token') ?? '';
      revoked.push(token);
      refreshTokens.delete(token);
      return json(res, 200, {});
    }
    if (!url.pathname.startsWith('/calendar/v3/')) return json(res, 404, { error: { code: 404 } });
    const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!accessTokens.has(bearer)) return json(res, 401, { error: { code: 401, message: 'Invalid Credentials' } });
    const path = url.pathname.slice('/calendar/v3/'.length).split('/').map(decodeURIComponent);
    const payload = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    if (path[0] === 'users' && path[2] === 'calendarList') {
      if (path[3] === 'primary') return json(res, 200, { id: 'awa@gmail.example', primary: true });
      return json(res, 200, { items: [...calendars].map(([id, c]) => ({ id, summary: c.summary })) });
    }
    if (path[0] === 'calendars' && path.length === 1 && req.method === 'POST') {
      const id = `cal${++seq}@group.calendar.google.com`;
      calendars.set(id, { summary: String(payload.summary), events: new Map() });
      return json(res, 200, { id, summary: payload.summary });
    }
    const calendar = calendars.get(path[1] ?? '');
    if (path[0] === 'calendars' && path[2] === 'events' && calendar) {
      if (path.length === 3 && req.method === 'POST') {
        const event = stamp({ ...payload, id: `ev${++seq}`, etag: `"${seq}"`, status: 'confirmed' });
        calendar.events.set(event.id, event);
        return json(res, 200, event);
      }
      if (path.length === 3 && req.method === 'GET') {
        // events.list: incremental with syncToken (deleted events included as status "cancelled"), else everything.
        const token = url.searchParams.get('syncToken');
        const since = token ? Number(/^sync-(\d+)$/.exec(token)?.[1] ?? Number.NaN) : 0;
        if (Number.isNaN(since) || since > changeSeq)
          return json(res, 410, {
            error: { code: 410, message: 'Sync token is no longer valid, a full sync is required.' },
          });
        const items = [...calendar.events.values()].filter((e) =>
          token
            ? (e.changed as number) > since
            : e.status !== 'cancelled' || url.searchParams.get('showDeleted') === 'true',
        );
        listed.push(token ?? 'full');
        return json(res, 200, { items, nextSyncToken: `sync-${changeSeq}` });
      }
      const existing = calendar.events.get(path[3] ?? '');
      if (!existing) return json(res, 404, { error: { code: 404, message: 'Not Found' } });
      if (req.method === 'PUT') {
        const event = stamp({ status: 'confirmed', ...payload, id: existing.id, etag: `"${++seq}"` });
        calendar.events.set(existing.id, event);
        return json(res, 200, event);
      }
      if (req.method === 'DELETE') {
        stamp(Object.assign(existing, { status: 'cancelled' }));
        return res.writeHead(204).end();
      }
    }
    return json(res, 404, { error: { code: 404, message: `no fake for ${req.method} ${url.pathname}` } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    oauthBaseUrl: base,
    apiRootUrl: `${base}/`,
    /** What Google's consent screen does: remembers the challenge of a code it hands back. */
    consent(authorizeUrl: string) {
      const url = new URL(authorizeUrl);
      const code = `4/${randomBytes(6).toString('hex')}`;
      codes.set(code, { challenge: url.searchParams.get('code_challenge') ?? '' });
      return { code, state: url.searchParams.get('state') ?? '', params: url.searchParams };
    },
    diasporaEvents() {
      const calendar = [...calendars.values()].find((c) => c.summary === 'Diaspora');
      return calendar ? [...calendar.events.values()].filter((e) => e.status !== 'cancelled') : [];
    },
    /** The member edits an event in Google (its `updated` becomes now, or `updated` when given). */
    edit(eventId: string, changes: Record<string, unknown>, updated?: string) {
      for (const calendar of calendars.values()) {
        const event = calendar.events.get(eventId);
        if (event) stamp(Object.assign(event, changes));
        if (event && updated) event.updated = updated;
      }
    },
    listed,
    /** The member revoked access in their Google account. */
    revokeAll() {
      refreshTokens.clear();
      accessTokens.clear();
    },
    revoked,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
