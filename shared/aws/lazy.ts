/**
 * Adapters whose implementation — and the AWS SDK client behind it — loads on first use. With esbuild
 * code splitting each adapter is its own chunk, so a cold start parses only what the handler needs
 * at once; an event that needs no AWS call (netwarden's own, a failed call, a redelivery, a malformed
 * event) never loads an SDK client at all. Handlers import adapters only through the loaders built
 * on these: lazy-adapters.ts, lazy-audit-adapters.ts (the audits' own), lazy-weekly-readers.ts (the weekly
 * check's, from one module) and lazy-secrets.ts (SSM only).
 */
type AsyncMethods<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => Promise<R> : never;
};

export function lazyAdapter<T extends AsyncMethods<T>>(load: () => Promise<T>): T {
  let loading: Promise<T> | undefined;
  return new Proxy({} as T, {
    get(_target, method) {
      return async (...args: unknown[]) => {
        loading ??= load();
        const adapter = await loading;
        const fn = adapter[method as keyof T] as unknown as (...args: unknown[]) => Promise<unknown>;
        return fn.apply(adapter, args);
      };
    },
  });
}

export function lazyFunction<A extends unknown[], R>(
  load: () => Promise<(...args: A) => Promise<R>>,
): (...args: A) => Promise<R> {
  let loading: Promise<(...args: A) => Promise<R>> | undefined;
  return async (...args: A) => {
    loading ??= load();
    return (await loading)(...args);
  };
}
