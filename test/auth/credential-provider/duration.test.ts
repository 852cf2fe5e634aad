import { describe, expect, it } from 'vitest';
import { parseGoDuration } from '../../../src/auth/credential-provider/duration.js';

// Cases from Go's time/time_test.go parseDurationTests.
describe('parseGoDuration (Go time.ParseDuration)', () => {
  it.each([
    ['0', 0], ['5s', 5000], ['30s', 30_000], ['1478s', 1_478_000], ['-5s', -5000], ['+5s', 5000], ['-0', 0], ['+0', 0],
    ['5.0s', 5000], ['5.6s', 5600], ['5.s', 5000], ['.5s', 500], ['1.0s', 1000], ['1.00s', 1000], ['1.004s', 1004],
    ['100.00100s', 100_001], ['10ns', 1e-5], ['11us', 0.011], ['12µs', 0.012], ['12μs', 0.012], ['13ms', 13], ['14s', 14_000],
    ['15m', 900_000], ['16h', 57_600_000], ['3h30m', 12_600_000], ['10.5s4m', 250_500], ['-2m3.4s', -123_400],
    ['1h2m3s4ms5us6ns', 3_723_004.005006], ['39h9m14.425s', 140_954_425], ['12h0m0s', 43_200_000],
  ])('%s -> %s ms', (text, ms) => {
    expect(parseGoDuration(text)).toBeCloseTo(ms, 6);
  });

  it.each(['', '3', '-', 's', '.', '-.', '.s', '+.s', '1d', '3000000h.', '1.2.3s', '12 h', 'h12'])('rejects %j', (text) => {
    expect(parseGoDuration(text)).toBeUndefined();
  });
});
