import {
  AppError,
  ErrorCode,
  describeError,
  isAppError,
  isRetryable,
  isUpstreamFailure,
  toAppError,
} from './index';

describe(AppError.name, () => {
  it('derives retryability from the code unless told otherwise', () => {
    expect(new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, 'influx down').retryable).toBe(true);
    expect(new AppError(ErrorCode.VALIDATION_FAILED, 'bad').retryable).toBe(false);
    expect(new AppError(ErrorCode.INTERNAL, 'x', { retryable: true }).retryable).toBe(true);
  });

  it('serialises code, message and details but not the cause or stack', () => {
    const sut = new AppError(ErrorCode.NOT_FOUND, 'machine m-1 not found', {
      details: { id: 'm-1' },
      cause: new Error('db'),
    });
    const json = JSON.parse(JSON.stringify(sut));
    expect(json).toEqual({
      code: 'NOT_FOUND',
      message: 'machine m-1 not found',
      retryable: false,
      details: { id: 'm-1' },
    });
    expect(sut.cause).toBeInstanceOf(Error);
  });

  it('classifies foreign errors as retryable but not as upstream failures', () => {
    expect(isRetryable(new TypeError('x'))).toBe(true);
    expect(isUpstreamFailure(new TypeError('x'))).toBe(false);
    expect(isUpstreamFailure(new AppError(ErrorCode.UPSTREAM_TIMEOUT, 't'))).toBe(true);
    expect(isRetryable(new AppError(ErrorCode.CONFLICT, 'c'))).toBe(false);
  });

  it('describes any thrown value in one line', () => {
    expect(describeError(new AppError(ErrorCode.CONFLICT, 'exists'))).toBe('CONFLICT: exists');
    expect(describeError(new RangeError('too big'))).toBe('RangeError: too big');
    expect(describeError('plain')).toBe('plain');
  });

  it('wraps foreign errors and keeps AppErrors', () => {
    const app = new AppError(ErrorCode.FORBIDDEN, 'no');
    expect(toAppError(app)).toBe(app);
    const wrapped = toAppError(new Error('boom'), ErrorCode.UPSTREAM_UNAVAILABLE);
    expect(wrapped.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(wrapped.retryable).toBe(true);
    expect(toAppError(42).message).toBe('42');
    expect(isAppError({ name: 'AppError', code: 'X' })).toBe(true);
    expect(isAppError(null)).toBe(false);
  });
});
