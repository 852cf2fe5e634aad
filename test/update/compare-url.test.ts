import { describe, expect, it } from 'vitest';
import { compareUrl } from '../../src/update/compare-url.js';

const R1 = '1a2b3c4d5e6f708192a3b4c5d6e7f80910111213';
const R2 = '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432';

describe('compareUrl', () => {
  it.each([
    ['https://github.com/acme/app', `https://github.com/acme/app/compare/${R1}...${R2}`],
    ['https://github.com/acme/app.git', `https://github.com/acme/app/compare/${R1}...${R2}`],
    ['https://github.com/acme/app/tree/main/sub', `https://github.com/acme/app/compare/${R1}...${R2}`],
    ['https://gitlab.com/group/sub/app', `https://gitlab.com/group/sub/app/-/compare/${R1}...${R2}`],
    ['https://gitlab.com/group/app/-/tree/main', `https://gitlab.com/group/app/-/compare/${R1}...${R2}`],
    ['https://gitlab.corp.example:8443/group/app', `https://gitlab.corp.example:8443/group/app/-/compare/${R1}...${R2}`],
    ['https://git.example/app', undefined],
    ['http://github.com/acme/app', undefined],
    ['https://user:pw@github.com/acme/app', undefined],
    ['https://github.com/acme/app?x=1', undefined],
    ['https://github.com/acme', undefined],
    ['not a url', undefined],
  ])('%s -> %s', (source, expected) => {
    expect(compareUrl({ source, revision: R1 }, { source, revision: R2 })).toBe(expected);
  });

  it('needs two different, plain revisions of the same repository', () => {
    const source = 'https://github.com/acme/app';
    expect(compareUrl({ source, revision: R1 }, { source, revision: R1 })).toBeUndefined();
    expect(compareUrl(undefined, { source, revision: R2 })).toBeUndefined();
    expect(compareUrl({ source }, { source, revision: R2 })).toBeUndefined();
    expect(compareUrl({ source, revision: R1 }, { source, revision: 'x](javascript:alert(1))' })).toBeUndefined();
    expect(compareUrl({ source: 'https://github.com/other/app', revision: R1 }, { source, revision: R2 })).toBeUndefined();
    // An old image without a source label: the new one's source is used.
    expect(compareUrl({ revision: R1 }, { source, revision: R2 })).toBe(`${source}/compare/${R1}...${R2}`);
  });
});
