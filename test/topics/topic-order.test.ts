import { describe, expect, it } from 'vitest';
import { byTopicOrder } from '../../src/topics/topic-order.js';

describe('byTopicOrder', () => {
  it('lists topics as topics.yaml does, not alphabetically', () => {
    expect(['ceasefire', 'qatar-talks', 'm23'].sort(byTopicOrder(['m23', 'qatar-talks', 'ceasefire']))).toEqual(['m23', 'qatar-talks', 'ceasefire']);
  });

  it('puts topics the file no longer lists last, alphabetically', () => {
    expect(['zeta', 'alpha', 'ceasefire', 'm23'].sort(byTopicOrder(['m23', 'ceasefire']))).toEqual(['m23', 'ceasefire', 'alpha', 'zeta']);
  });
});
