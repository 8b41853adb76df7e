// Mail and one-time-code providers (SendGrid, Twilio, and the local dev outbox), a subpath of the kit so that
// only services that send carry their SDKs.
export * from './mail.js';
export * from './otp.js';
