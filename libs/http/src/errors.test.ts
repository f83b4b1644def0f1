import { AppError, ErrorCode } from '@industrialmind/errors';
import { STATUS_BY_CODE, normalizeError } from './errors';

describe(normalizeError.name, () => {
  it('keeps AppErrors', () => {
    const err = new AppError(ErrorCode.CONFLICT, 'exists');

    expect(normalizeError(err)).toBe(err);
  });

  it('maps exposed 4xx http errors from express by status', () => {
    const uri = Object.assign(new URIError("Failed to decode param '%E0'"), { status: 400, expose: true });
    const forbidden = Object.assign(new Error('verify failed'), {
      statusCode: 403,
      expose: true,
      type: 'entity.verify.failed',
    });
    const teapot = Object.assign(new Error('secret detail'), { status: 418, expose: false });

    expect(normalizeError(uri)).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: "Failed to decode param '%E0'",
    });
    expect(normalizeError(forbidden)).toMatchObject({ code: 'FORBIDDEN', message: 'verify failed' });
    expect(normalizeError(teapot)).toMatchObject({ code: 'VALIDATION_FAILED', message: 'bad request' });
  });

  it('turns everything else into INTERNAL without its message', () => {
    expect(normalizeError(new Error('ECONNREFUSED 10.0.0.5'))).toMatchObject({
      code: 'INTERNAL',
      message: 'internal error',
    });
    expect(normalizeError('thrown string')).toMatchObject({ code: 'INTERNAL', message: 'internal error' });
    expect(normalizeError(Object.assign(new Error('x'), { status: 502 }))).toMatchObject({
      code: 'INTERNAL',
    });
  });

  it('has a status for every client-facing code', () => {
    expect(STATUS_BY_CODE).toEqual({
      VALIDATION_FAILED: 400,
      UNAUTHENTICATED: 401,
      FORBIDDEN: 403,
      NOT_FOUND: 404,
      CONFLICT: 409,
      PAYLOAD_TOO_LARGE: 413,
      RATE_LIMITED: 429,
      UPSTREAM_UNAVAILABLE: 503,
      UPSTREAM_TIMEOUT: 504,
    });
  });
});
