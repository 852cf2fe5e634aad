import { describe, expect, it } from 'vitest';

import { challengeScopes, parseChallenges, type Challenge } from '../../src/registry/challenge.js';

describe('parseChallenges', () => {
  const cases: Array<[string, string | string[] | undefined, Challenge[]]> = [
    ['absent header', undefined, []],
    ['empty header', '', []],
    ['basic', 'Basic realm="Registry Realm"', [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]],
    [
      'docker hub bearer with a comma inside a quoted scope',
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push"',
      [{ scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:samalba/my-app:pull,push' } }],
    ],
    [
      'two challenges in one header',
      'Basic realm="x", Bearer realm="y",service="z"',
      [
        { scheme: 'basic', params: { realm: 'x' } },
        { scheme: 'bearer', params: { realm: 'y', service: 'z' } },
      ],
    ],
    [
      'two header lines',
      ['Basic realm="x"', 'Bearer realm="y"'],
      [
        { scheme: 'basic', params: { realm: 'x' } },
        { scheme: 'bearer', params: { realm: 'y' } },
      ],
    ],
    [
      'escaped quotes and backslashes',
      'Bearer realm="a \\"quoted\\" \\\\ realm", service=plain',
      [{ scheme: 'bearer', params: { realm: 'a "quoted" \\ realm', service: 'plain' } }],
    ],
    [
      'case-insensitive scheme and param names, values kept',
      'BEARER Realm="R", SERVICE="Svc"',
      [{ scheme: 'bearer', params: { realm: 'R', service: 'Svc' } }],
    ],
    ['token68', 'Negotiate YWJjZA==', [{ scheme: 'negotiate', params: {}, token68: 'YWJjZA==' }]],
    [
      'token68 followed by another challenge',
      'Foo abc==, Basic realm="b"',
      [
        { scheme: 'foo', params: {}, token68: 'abc==' },
        { scheme: 'basic', params: { realm: 'b' } },
      ],
    ],
    [
      'scheme without params before another challenge',
      'Negotiate, Basic realm="b"',
      [
        { scheme: 'negotiate', params: {} },
        { scheme: 'basic', params: { realm: 'b' } },
      ],
    ],
    [
      'spaces around = and empty list elements',
      ' , Bearer realm = "r" ,, error="insufficient_scope" ,',
      [{ scheme: 'bearer', params: { realm: 'r', error: 'insufficient_scope' } }],
    ],
    [
      'repeated scope params are joined',
      'Bearer realm="r",scope="repository:a:pull",scope="repository:b:pull"',
      [{ scheme: 'bearer', params: { realm: 'r', scope: 'repository:a:pull repository:b:pull' } }],
    ],
    [
      'empty quoted value',
      'Bearer realm="", service="s"',
      [{ scheme: 'bearer', params: { realm: '', service: 's' } }],
    ],
    ['garbage is skipped', '"junk", Basic realm="ok"', [{ scheme: 'basic', params: { realm: 'ok' } }]],
  ];

  it.each(cases)('%s', (_name, header, expected) => {
    expect(parseChallenges(header)).toEqual(expected);
  });
});

describe('challengeScopes', () => {
  it('splits a space-separated scope', () => {
    const [challenge] = parseChallenges('Bearer realm="r",scope="repository:a:pull repository:b:pull,push"');
    expect(challengeScopes(challenge)).toEqual(['repository:a:pull', 'repository:b:pull,push']);
  });
  it('is empty without a scope', () => {
    expect(challengeScopes(undefined)).toEqual([]);
  });
});
