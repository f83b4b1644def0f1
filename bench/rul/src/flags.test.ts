import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEPLOYED_NODE_FLAGS } from './flags';

describe('DEPLOYED_NODE_FLAGS', () => {
  it('equals NODE_OPTIONS of the rul-api image, so the bench default is what we deploy', () => {
    const dockerfile = readFileSync(
      resolve(__dirname, '..', '..', '..', 'services', 'rul-api', 'Dockerfile'),
      'utf8',
    );
    const match = /NODE_OPTIONS=("([^"]*)"|(\S+))/.exec(dockerfile);
    expect(match).not.toBeNull();
    expect(match![2] ?? match![3]).toBe(DEPLOYED_NODE_FLAGS);
  });
});
