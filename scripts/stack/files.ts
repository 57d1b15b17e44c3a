import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** Writes generated config only when it changed, so a warm `up` leaves files (and mtimes) alone. */
export function writeIfChanged(file: string, content: string): void {
  if (existsSync(file) && readFileSync(file, 'utf8') === content) return;
  writeFileSync(file, content);
}

/** key=value lines for Java .properties / zoo.cfg files. */
export function properties(entries: Record<string, string | number | boolean>): string {
  return `${Object.entries(entries)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')}\n`;
}
