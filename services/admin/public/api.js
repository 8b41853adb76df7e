// The dashboard's only way to the API: same origin, the signed-in admin's token, problem+json errors as Error.
const KEY = 'diaspora-admin-session';

export const session = {
  get: () => JSON.parse(sessionStorage.getItem(KEY) ?? 'null'),
  set: (value) => sessionStorage.setItem(KEY, JSON.stringify(value)),
  clear: () => sessionStorage.removeItem(KEY),
};

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

async function send(method, path, body, token) {
  return fetch(path, {
    method,
    headers: {
      accept: 'application/json',
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

async function parse(response) {
  const text = await response.text();
  const data = text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
  if (!response.ok) throw new ApiError(response.status, typeof data === 'object' ? data : undefined);
  return data;
}

export async function signIn(email, password) {
  const answer = await parse(await send('POST', '/api/v1/users/auth/login', { email, password }));
  session.set({ accessToken: answer.accessToken, refreshToken: answer.refreshToken, user: answer.user });
  return answer.user;
}

/** One refresh when the access token has expired, then the call again; otherwise the error as it came. */
export async function api(method, path, body) {
  const current = session.get();
  let response = await send(method, path, body, current?.accessToken);
  if (response.status === 401 && current?.refreshToken) {
    const refreshed = await send('POST', '/api/v1/users/auth/refresh', { refreshToken: current.refreshToken });
    if (refreshed.ok) {
      const pair = await refreshed.json();
      session.set({ ...current, accessToken: pair.accessToken, refreshToken: pair.refreshToken });
      response = await send(method, path, body, pair.accessToken);
    }
  }
  return parse(response);
}

export const query = (params) => {
  const entries = Object.entries(params).filter(([, value]) => value !== undefined && value !== null && value !== '');
  return entries.length ? `?${new URLSearchParams(entries)}` : '';
};
