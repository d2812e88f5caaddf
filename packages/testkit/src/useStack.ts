import type { TestEnv } from './isolation.ts';
import { testEnv } from './mochaHooks.ts';
import type { ServiceName } from './serviceProcess.ts';
import { type Stack, startStack } from './stack.ts';

export type StackEnv = Record<string, string>;

/**
 * For a mocha suite: starts the services before its tests and stops them after them. Returns a getter, since the
 * stack exists only once the suite's `before` has run. `env` may be a function, read when the stack starts (after
 * the run's database and vhost exist). `on` gives another environment than the run's (startStack), read then too.
 */
export function useStack(names: readonly ServiceName[], env: StackEnv | (() => StackEnv) = {}, on: () => TestEnv = testEnv): () => Stack {
  let stack: Stack | undefined;
  before(async function () {
    this.timeout(60_000);
    stack = await startStack(names, typeof env === 'function' ? env() : env, {}, on());
  });
  after(async function () {
    this.timeout(60_000);
    await stack?.stop();
  });
  return () => {
    if (!stack) throw new Error('the stack has not started: call useStack inside a describe block');
    return stack;
  };
}
