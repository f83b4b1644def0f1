import { randomUUID } from 'node:crypto';
import type { Logger } from '@industrialmind/logger';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** Who is calling, as verified upstream (the gateway). Handlers read it; `requireRole` enforces it. */
export interface Identity {
  subject: string;
  roles: readonly string[];
}

/** Derives the caller's identity from a request; `undefined` means anonymous. Throw an AppError to reject. */
export type IdentifyFn = (req: Request) => Identity | undefined | Promise<Identity | undefined>;

declare global {
  // Augments express's own Request type (the documented way; express declares it in this global namespace).
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The caller's `x-request-id` when well-formed, else a fresh UUID; echoed in the response header. */
      requestId: string;
      /** The app logger with `request_id` bound. */
      log: Logger;
      /** Set by the app's `identify` hook; undefined for anonymous callers. */
      identity?: Identity;
    }
  }
}

export const REQUEST_ID_HEADER = 'x-request-id';

// Accept caller ids that are safe to log and echo; anything else (too long, odd characters) is replaced.
export const ACCEPTED_REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Assigns the request id and a request-scoped logger. */
export function requestContext(logger: Logger): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const incoming = req.get(REQUEST_ID_HEADER);
    req.requestId = incoming !== undefined && ACCEPTED_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    // The child logger is made on first use: with redaction configured, pino's child() costs more than a
    // whole small request, and most requests never log.
    let log: Logger | undefined;
    Object.defineProperty(req, 'log', {
      configurable: true,
      enumerable: true,
      get: () => (log ??= logger.child({ request_id: req.requestId })),
      set: (value: Logger) => (log = value),
    });
    res.setHeader(REQUEST_ID_HEADER, req.requestId);
    next();
  };
}

/** Runs the app's identify hook and stores the result on `req.identity`. */
export function identifyCaller(identify: IdentifyFn): RequestHandler {
  return async (req, _res, next) => {
    req.identity = await identify(req);
    next();
  };
}
