import { ROOT_CONTEXT, context, trace, type Context, type ContextManager } from '@opentelemetry/api';
import { AppError, ErrorCode } from '@industrialmind/errors';
import { createLogger, REDACTED } from './logger';
import { createCapturedLogger } from './testing';

/** A synchronous context manager: enough to make a span "active" without the SDK. */
class StackContextManager implements ContextManager {
  private stack: Context[] = [];
  active(): Context {
    return this.stack[this.stack.length - 1] ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    this.stack.push(ctx);
    try {
      return fn.call(thisArg, ...args);
    } finally {
      this.stack.pop();
    }
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.stack = [];
    return this;
  }
}

describe(createLogger.name, () => {
  it('writes JSON lines with service, version, profile, level name and ISO time', () => {
    const sut = createCapturedLogger({
      service: 'ingestion',
      version: '1.2.3',
      profile: 'full',
      level: 'info',
    });

    sut.logger.info({ topic: 'sensor-readings' }, 'consumer started');
    sut.logger.debug('not written at info');

    expect(sut.lines()).toEqual([
      expect.objectContaining({
        service: 'ingestion',
        version: '1.2.3',
        profile: 'full',
        level: 'info',
        msg: 'consumer started',
        topic: 'sensor-readings',
      }),
    ]);
    expect(Date.parse(String(sut.lines()[0]!.time))).not.toBeNaN();
  });

  it('adds trace and span ids from the active span', () => {
    const manager = new StackContextManager();
    context.setGlobalContextManager(manager);
    try {
      const sut = createCapturedLogger();
      const span = trace.wrapSpanContext({
        traceId: '0af7651916cd43dd8448eb211c80319c',
        spanId: 'b7ad6b7169203331',
        traceFlags: 1,
      });

      context.with(trace.setSpan(context.active(), span), () => sut.logger.info('inside span'));
      sut.logger.info('outside span');

      expect(sut.find('inside span')).toMatchObject({
        trace_id: '0af7651916cd43dd8448eb211c80319c',
        span_id: 'b7ad6b7169203331',
      });
      expect(sut.find('outside span')).not.toHaveProperty('trace_id');
    } finally {
      context.disable();
    }
  });

  it('redacts auth headers, passwords, tokens and keys at any nesting up to four levels', () => {
    const sut = createCapturedLogger({ redact: ['custom.field'] });

    sut.logger.info(
      {
        req: { headers: { authorization: 'Bearer abc', cookie: 'sid=1', 'x-api-key': 'k1', accept: 'json' } },
        password: 'p0',
        user: { name: 'ann', apiKey: 'k2' },
        config: { db: { password: 'p1', host: 'db' } },
        custom: { field: 'c' },
      },
      'request received',
    );

    expect(sut.find('request received')).toMatchObject({
      req: { headers: { authorization: REDACTED, cookie: REDACTED, 'x-api-key': REDACTED, accept: 'json' } },
      password: REDACTED,
      user: { name: 'ann', apiKey: REDACTED },
      config: { db: { password: REDACTED, host: 'db' } },
      custom: { field: REDACTED },
    });
  });

  it('serialises errors with type, message, stack, code and cause', () => {
    const sut = createCapturedLogger();
    const err = new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, 'influx down', {
      cause: new Error('ECONNREFUSED'),
    });

    sut.logger.error({ err }, 'write failed');

    expect(sut.find('write failed')).toMatchObject({
      err: {
        type: 'AppError',
        message: expect.stringContaining('influx down'),
        code: 'UPSTREAM_UNAVAILABLE',
        retryable: true,
        stack: expect.any(String),
      },
    });
    expect(JSON.stringify(sut.find('write failed'))).toContain('ECONNREFUSED');
  });

  it('keeps base fields in child loggers', () => {
    const sut = createCapturedLogger({ service: 'alerts' });

    sut.logger.child({ component: 'rules' }).warn('rule skipped');

    expect(sut.find('rule skipped')).toMatchObject({ service: 'alerts', component: 'rules', level: 'warn' });
    sut.clear();
    expect(sut.lines()).toEqual([]);
  });

  it('writes to stdout by default', () => {
    const sut = createLogger({ service: 's', version: 'v', profile: 'lite', level: 'silent' });

    expect(sut.level).toBe('silent');
    expect(() => sut.info('dropped')).not.toThrow();
  });
});
