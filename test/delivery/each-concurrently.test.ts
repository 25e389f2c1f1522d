import { describe, expect, it } from 'vitest';
import { eachConcurrently } from '../../src/delivery/each-concurrently.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('eachConcurrently', () => {
  it('runs every element, never more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await eachConcurrently([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running++;
      most = Math.max(most, running);
      await tick();
      running--;
      done.push(n);
    });
    expect(most).toBe(3);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('finishes the other elements when one throws, then rejects with the first error', async () => {
    const done: number[] = [];
    const run = eachConcurrently([1, 2, 3, 4], 2, async (n) => {
      await tick();
      if (n === 2) throw new Error('send 2 failed');
      done.push(n);
    });
    await expect(run).rejects.toThrow('send 2 failed');
    expect(done.sort()).toEqual([1, 3, 4]);
  });
});
