import { ErrorCode } from '@industrialmind/errors';
import type { Request } from 'express';
import { actorOf } from './actor';

describe(actorOf.name, () => {
  it('takes the claimed name without identity, and only the caller’s own name with one', () => {
    expect(actorOf({} as Request, 'ana')).toBe('ana');
    const req = { identity: { subject: 'bob', roles: ['technician'] } } as unknown as Request;
    expect(actorOf(req, 'bob')).toBe('bob');
    expect(() => actorOf(req, 'ana', 'author')).toThrow(
      expect.objectContaining({
        code: ErrorCode.FORBIDDEN,
        details: [{ location: 'body', path: 'author', message: 'must be "bob"' }],
      }),
    );
  });
});
