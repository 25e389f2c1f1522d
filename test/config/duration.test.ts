import { describe, it, expect } from 'vitest';
import { formatDuration, parseDuration } from '../../src/config/duration.js';

describe('parseDuration', () => {
  it('reads seconds, minutes, hours and days into milliseconds', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('1d')).toBe(86_400_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
  });

  it('reads a bare number as seconds', () => {
    expect(parseDuration(90)).toBe(90_000);
  });

  it('refuses text without a unit, unknown units and negative numbers', () => {
    expect(parseDuration('abc')).toBeNull();
    expect(parseDuration('10')).toBeNull();
    expect(parseDuration('5w')).toBeNull();
    expect(parseDuration(-1)).toBeNull();
  });
});

describe('formatDuration', () => {
  it('writes the largest whole unit', () => {
    expect(formatDuration(86_400_000)).toBe('1d');
    expect(formatDuration(5_400_000)).toBe('90m');
    expect(formatDuration(1_500)).toBe('1.5s');
  });
});
