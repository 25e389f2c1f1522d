/** Sorting topic ids the way topics.yaml lists them, so every view of a story shows its topics alike. */

/** A comparator: ids in `order` first, in that order; unknown ids after them, alphabetically. */
export function byTopicOrder(order: readonly string[]): (a: string, b: string) => number {
  const rank = new Map(order.map((id, i) => [id, i]));
  return (a, b) => {
    const ra = rank.get(a) ?? order.length;
    const rb = rank.get(b) ?? order.length;
    return ra - rb || a.localeCompare(b);
  };
}
