import { AppError, ErrorCode } from '@industrialmind/errors';
import type { Request, RequestHandler } from 'express';
import type { z } from 'zod';

/** Zod schemas for the parts of a request a route reads. */
export interface RequestSchemas {
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
}

/** One invalid field: where it was (`body`, `query`, `params`), its dotted path and what is wrong. */
export interface FieldProblem {
  location: keyof RequestSchemas;
  path: string;
  message: string;
}

type Out<S, Fallback> = S extends z.ZodType ? z.output<S> : Fallback;

/** The handler type `validate()` returns; handlers after it on the same route see the parsed types. */
export type ValidatedHandler<S extends RequestSchemas> = RequestHandler<
  Out<S['params'], Request['params']>,
  unknown,
  Out<S['body'], unknown>,
  Out<S['query'], Request['query']>
>;

const LOCATIONS = ['params', 'query', 'body'] as const;

/** The problems of a failed zod parse, as `validate()` reports them. */
export function fieldProblems(location: keyof RequestSchemas, error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({
    location,
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

/**
 * Parses params, query and body with their schemas and replaces them with the parsed values (defaults applied,
 * unknown keys stripped as the schema says). Any failure answers 400 VALIDATION_FAILED whose `details` lists
 * every bad field of every part.
 *
 * @example
 * router.post('/predict', validate({ body: PredictRequest }), async (req, res) => res.json(await predict(req.body)));
 */
export function validate<S extends RequestSchemas>(schemas: S): ValidatedHandler<S> {
  const handler: RequestHandler = (req, _res, next) => {
    const problems: FieldProblem[] = [];
    const parsed: Partial<Record<keyof RequestSchemas, unknown>> = {};
    for (const location of LOCATIONS) {
      const schema = schemas[location];
      if (!schema) continue;
      const result = schema.safeParse(req[location]);
      if (result.success) parsed[location] = result.data;
      else problems.push(...fieldProblems(location, result.error));
    }
    if (problems.length > 0) {
      next(new AppError(ErrorCode.VALIDATION_FAILED, 'request validation failed', { details: problems }));
      return;
    }
    if ('params' in parsed) req.params = parsed.params as Request['params'];
    if ('body' in parsed) req.body = parsed.body;
    // express 5 serves req.query from a getter on the prototype; an own property shadows it for later handlers.
    if ('query' in parsed)
      Object.defineProperty(req, 'query', {
        value: parsed.query,
        writable: true,
        configurable: true,
        enumerable: true,
      });
    next();
  };
  return handler as unknown as ValidatedHandler<S>;
}
