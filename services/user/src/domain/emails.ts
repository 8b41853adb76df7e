import type { MailMessage } from '@diaspora/service-kit/providers';

const link = (appUrl: string, path: string, token: string) =>
  `${appUrl.replace(/\/$/, '')}${path}?token=${encodeURIComponent(token)}`;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

export function verificationEmail(input: {
  to: string;
  displayName: string;
  token: string;
  appUrl: string;
  ttlHours: number;
}): MailMessage {
  const url = link(input.appUrl, '/verify-email', input.token);
  return {
    to: input.to,
    subject: 'Confirm your email address',
    text: [
      `Hello ${input.displayName},`,
      '',
      'Confirm the email address of your Diaspora Community account by opening this link:',
      url,
      '',
      `Or enter this code in the app: ${input.token}`,
      '',
      `The link works once and expires in ${input.ttlHours} hours. If you did not sign up, ignore this email.`,
    ].join('\n'),
    html: `<p>Hello ${escapeHtml(input.displayName)},</p><p><a href="${escapeHtml(url)}">Confirm your email address</a></p><p>The link works once and expires in ${input.ttlHours} hours.</p>`,
  };
}

export function passwordResetEmail(input: {
  to: string;
  displayName: string;
  token: string;
  appUrl: string;
  ttlMinutes: number;
}): MailMessage {
  const url = link(input.appUrl, '/reset-password', input.token);
  return {
    to: input.to,
    subject: 'Reset your password',
    text: [
      `Hello ${input.displayName},`,
      '',
      'Someone (hopefully you) asked to reset the password of your Diaspora Community account. Open this link:',
      url,
      '',
      `Or enter this code in the app: ${input.token}`,
      '',
      `The link works once and expires in ${input.ttlMinutes} minutes. Resetting signs you out everywhere.`,
      'If you did not ask for this, ignore this email: your password stays as it is.',
    ].join('\n'),
    html: `<p>Hello ${escapeHtml(input.displayName)},</p><p><a href="${escapeHtml(url)}">Reset your password</a></p><p>The link works once and expires in ${input.ttlMinutes} minutes.</p>`,
  };
}
