import { describe, expect, it } from 'vitest';
import { createSendSlots } from '../../src/delivery/send-slots.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('createSendSlots', () => {
  it('never has more than the limit taken, and serves waiters in arrival order', async () => {
    const slots = createSendSlots(3);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    await Promise.all(
      [1, 2, 3, 4, 5, 6, 7].map(async (n) => {
        await slots.take();
        started.push(n);
        running++;
        most = Math.max(most, running);
        await tick();
        running--;
        slots.give();
      }),
    );
    expect(most).toBe(3);
    expect(started).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('treats a limit below one as one', async () => {
    const slots = createSendSlots(0);
    await slots.take();
    let second = false;
    void slots.take().then(() => (second = true));
    await tick();
    expect(second).toBe(false);
    slots.give();
    await tick();
    expect(second).toBe(true);
  });
});
