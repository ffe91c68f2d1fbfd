// The `sora_session` cookie: httpOnly (page scripts never see it), SameSite=Strict (foreign sites' requests
// do not carry it), the whole site, and Secure when the API is reached over https or config says so.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE, type Config } from '@sora-studio/shared';

export type CookieConfig = Pick<Config, 'SESSION_COOKIE_SECURE' | 'PUBLIC_BASE_URL'>;

export function secureCookies(request: FastifyRequest, config: CookieConfig): boolean {
  return config.SESSION_COOKIE_SECURE || request.protocol === 'https' || (config.PUBLIC_BASE_URL?.startsWith('https:') ?? false);
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, config: CookieConfig, token: string, expiresAt: Date): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    path: '/',
    secure: secureCookies(request, config),
    expires: expiresAt,
  });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply, config: CookieConfig): void {
  reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', path: '/', secure: secureCookies(request, config) });
}
