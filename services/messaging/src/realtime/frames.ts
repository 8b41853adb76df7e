import { type FieldError, malformedText, toProblem } from '@diaspora/service-kit';
import { type Static, type TSchema, Type } from 'typebox';
import { Compile } from 'typebox/compile';
import { MESSAGE_TYPES } from '../domain/message-content.js';

// Client → server frames. Every frame may carry `ref` (any short string) that the answer (`ack` or `error`) repeats.
const Ref = Type.Optional(Type.String({ maxLength: 64 }));
const ConversationId = Type.String({ pattern: '^cnv_[0-9a-z]{26}$' });
const MessageId = Type.String({ pattern: '^msg_[0-9a-z]{26}$' });

export const ClientFrames = {
  /** First frame after connecting: what this device already has, so it gets exactly what it missed. */
  resume: Type.Object(
    {
      op: Type.Literal('resume'),
      ref: Ref,
      lastMessageId: Type.Optional(MessageId),
      /** The last message seen in each conversation the device holds (one id per conversation). */
      lastMessageIds: Type.Optional(Type.Array(MessageId, { maxItems: 1000 })),
    },
    { additionalProperties: false },
  ),
  send: Type.Object(
    {
      op: Type.Literal('send'),
      ref: Ref,
      conversationId: ConversationId,
      type: Type.Enum([...MESSAGE_TYPES]),
      body: Type.Object({}, { additionalProperties: true }),
      clientMessageId: Type.String({ minLength: 1, maxLength: 64 }),
      attachments: Type.Optional(Type.Array(Type.String({ pattern: '^med_[0-9a-z]{26}$' }), { maxItems: 10 })),
    },
    { additionalProperties: false },
  ),
  read: Type.Object(
    { op: Type.Literal('read'), ref: Ref, conversationId: ConversationId, upTo: MessageId },
    { additionalProperties: false },
  ),
  typing: Type.Object(
    { op: Type.Literal('typing'), ref: Ref, conversationId: ConversationId },
    { additionalProperties: false },
  ),
  /** A fresh access token before the current one expires keeps the socket open. */
  refresh: Type.Object(
    { op: Type.Literal('refresh'), ref: Ref, token: Type.String({ minLength: 10, maxLength: 4096 }) },
    { additionalProperties: false },
  ),
  ping: Type.Object({ op: Type.Literal('ping'), ref: Ref }, { additionalProperties: false }),
} satisfies Record<string, TSchema>;

export type ClientOp = keyof typeof ClientFrames;
export type ClientFrame<O extends ClientOp> = Static<(typeof ClientFrames)[O]>;

const validators = Object.fromEntries(
  Object.entries(ClientFrames).map(([op, schema]) => [op, Compile(schema as TSchema)]),
) as Record<ClientOp, ReturnType<typeof Compile>>;

/** Error codes of `error` frames; `status` mirrors the HTTP status the same failure has on the REST API. */
export type ErrorCode =
  | 'bad_frame'
  | 'unknown_op'
  | 'frame_too_large'
  | 'validation'
  | 'rate_limited'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'quota_exceeded'
  | 'unavailable'
  | 'internal';

export class FrameError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Parses and checks one text frame; throws FrameError with a code a client can act on. */
export function parseClientFrame(text: string): { op: ClientOp; frame: Record<string, unknown> } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new FrameError('bad_frame', 'A frame must be one JSON object.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new FrameError('bad_frame', 'A frame must be one JSON object.');
  const { op, ref } = value as { op?: unknown; ref?: unknown };
  const extra = typeof ref === 'string' && ref.length <= 64 ? { ref } : {};
  if (typeof op !== 'string') throw new FrameError('bad_frame', 'A frame needs an "op".', extra);
  if (!Object.hasOwn(validators, op))
    throw new FrameError(
      'unknown_op',
      `Unknown op "${op.slice(0, 32)}"; known: ${Object.keys(ClientFrames).join(', ')}.`,
      extra,
    );
  // The same text rule as every REST route (NUL, unpaired surrogates): no store can hold such strings.
  const malformed = malformedText(value);
  if (malformed)
    throw new FrameError('validation', `The ${op} frame is not valid.`, {
      ...extra,
      errors: [{ field: malformed.field || 'frame', message: malformed.message }],
    });
  const validator = validators[op as ClientOp];
  if (!validator.Check(value)) {
    const errors: FieldError[] = [...validator.Errors(value)].slice(0, 10).map((error) => {
      const segments = error.instancePath.split('/').filter(Boolean);
      if (error.keyword === 'required')
        segments.push(String((error.params as { requiredProperties?: string[] }).requiredProperties?.[0] ?? ''));
      if (error.keyword === 'additionalProperties')
        segments.push(String((error.params as { additionalProperties?: string[] }).additionalProperties?.[0] ?? ''));
      return { field: segments.join('.') || 'frame', message: error.message };
    });
    throw new FrameError('validation', `The ${op} frame is not valid.`, { ...extra, errors });
  }
  return { op: op as ClientOp, frame: value as Record<string, unknown> };
}

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'validation',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  410: 'conflict',
  413: 'frame_too_large',
  415: 'validation',
  429: 'rate_limited',
  503: 'unavailable',
};

/** The error frame for a failure: the same problem (type, status, detail, field errors) as the REST API gives. */
export function errorFrame(error: unknown, ref: string | undefined): Record<string, unknown> {
  const base = ref === undefined ? {} : { ref };
  if (error instanceof FrameError)
    return { op: 'error', code: error.code, message: error.message, ...error.extra, ...base };
  // Unexpected errors come out masked (500) and dependency outages as 503, exactly as over HTTP.
  const problem = toProblem(error);
  const body = problem.toBody();
  const retryAfter = problem.headers['retry-after'];
  const code: ErrorCode = body.type.endsWith('/messaging-quota-exceeded')
    ? 'quota_exceeded'
    : (CODE_BY_STATUS[problem.status] ?? (problem.status >= 500 ? 'internal' : 'conflict'));
  return {
    op: 'error',
    ...base,
    code,
    message: body.detail ?? body.title,
    status: problem.status,
    problem: body,
    ...(retryAfter ? { retryAfterSeconds: Number(retryAfter) } : {}),
  };
}
