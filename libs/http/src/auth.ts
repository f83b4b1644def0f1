import { AppError, ErrorCode } from '@industrialmind/errors';
import type { RequestHandler } from 'express';

/**
 * Lets a request through only with an identity holding at least one of `roles` (any identity when none are given):
 * 401 UNAUTHENTICATED without identity, 403 FORBIDDEN without a matching role.
 */
export function requireRole(...roles: string[]): RequestHandler {
  return (req, _res, next) => {
    const identity = req.identity;
    if (!identity) {
      next(new AppError(ErrorCode.UNAUTHENTICATED, 'authentication required'));
      return;
    }
    if (roles.length > 0 && !roles.some((role) => identity.roles.includes(role))) {
      next(
        new AppError(ErrorCode.FORBIDDEN, 'missing required role', { details: { required_any_of: roles } }),
      );
      return;
    }
    next();
  };
}
