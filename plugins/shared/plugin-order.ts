/**
 * serverless-offline creates the functions in its init hook and exits in its end hook, so a plugin that must
 * see either has to be listed before it. True when `ours` comes after serverless-offline in `plugins`.
 */
export function listedAfterServerlessOffline(plugins: unknown, ours: string): boolean {
  const list: unknown[] = Array.isArray(plugins) ? plugins : ((plugins as { modules?: unknown[] } | undefined)?.modules ?? []);
  const names = list.map(String);
  const offline = names.indexOf('serverless-offline');
  return offline >= 0 && names.findIndex((name) => name.includes(ours)) > offline;
}
