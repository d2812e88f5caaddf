/** Runs `task(i)` for i = 0 … count-1 with at most `width` running at once. */
export async function concurrently(count: number, width: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(width, count) }, worker));
}
