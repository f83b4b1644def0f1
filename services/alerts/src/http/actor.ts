import { AppError, ErrorCode } from '@industrialmind/errors';
import type { Request } from 'express';

/**
 * The person a lifecycle step is recorded for. Behind the gateway the request carries the verified caller
 * (`req.identity`); then the body may only name that caller (403 otherwise), so history and feedback cannot be
 * written in someone else's name. Without an identity (lite, tests) the body's name is taken as given.
 */
export function actorOf(req: Request, claimed: string, field = 'actor'): string {
  const identity = req.identity;
  if (identity && identity.subject !== claimed)
    throw new AppError(ErrorCode.FORBIDDEN, `${field} must be the authenticated caller`, {
      details: [{ location: 'body', path: field, message: `must be "${identity.subject}"` }],
    });
  return claimed;
}
