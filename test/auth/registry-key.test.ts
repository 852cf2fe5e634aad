import { describe, expect, it } from 'vitest';
import { convertToHostname } from '../../src/auth/registry-key.js';

// docker/cli cli/config/credentials/file_store_test.go TestConvertToHostname, plus the
// IPv6 and empty-port keys of issue 15. Go's url.URL.Hostname() drops brackets and an
// empty port; net.JoinHostPort puts them back only when there is a port.
describe('convertToHostname (docker/cli ConvertToHostname)', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['::1', '::1'],
    ['[::1]', '[::1]'],
    ['example.com', 'example.com'],
    ['http://example.com', 'example.com'],
    ['https://example.com', 'example.com'],
    ['https://example.com/', 'example.com'],
    ['https://example.com/v2/', 'example.com'],
    ['unix:///var/run/docker.sock', 'unix:'],
    ['ftp://example.com', 'example.com'],
    ['127.0.0.1:6556', '127.0.0.1:6556'],
    ['::1:6556', '::1:6556'],
    ['[::1]:6556', '[::1]:6556'],
    ['example.com:6555', 'example.com:6555'],
    ['https://127.0.0.1:6555/v2/', '127.0.0.1:6555'],
    ['https://::1:6555/v2/', '[::1]:6555'],
    ['https://[::1]:6555/v2/', '[::1]:6555'],
    ['https://[::1]/v2/', '::1'],
    ['https://example.com:/v2/', 'example.com'],
    ['https://[::1]:/v2/', '::1'],
    ['http://example.com:6555', 'example.com:6555'],
    ['https://example.com:6555', 'example.com:6555'],
    ['https://example.com:6555/v2/', 'example.com:6555'],
    ['https://user:pw@example.com:6555/v2/', 'example.com:6555'],
    // url.Parse fails (bad port): fall back to the text before the first `/`.
    ['https://example.com:abc/v2/', 'https:'],
  ])('%s -> %s', (input, expected) => {
    expect(convertToHostname(input)).toBe(expected);
  });
});
