/**
 * Every link in the project's Markdown stays in the repository and lands: the file it names exists,
 * and a `#fragment` names a heading of that file (GitHub's anchors: lower case, punctuation dropped,
 * spaces as hyphens, a repeated heading numbered).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const markdown = execFileSync('git', ['ls-files', '*.md'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);

/** The text outside fenced code blocks, whose `#` lines are not headings nor their brackets links. */
function outsideFences(text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, '');
}

function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const [, heading] of outsideFences(text).matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const base = heading!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/`/g, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

function linksOf(text: string): string[] {
  // Inline code spans can hold brackets that are not links.
  const prose = outsideFences(text).replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!);
}

describe('links in the Markdown', () => {
  it('finds the Markdown files', () => {
    expect(markdown).toEqual(expect.arrayContaining(['README.md', 'docs/stack.md']));
  });

  it.each(markdown)('%s: every link names a file of the repository, and a heading in it', (file) => {
    const broken: string[] = [];
    for (const link of linksOf(readFileSync(path.join(root, file), 'utf8'))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link)) {
        broken.push(`${link}: leaves the repository`);
        continue;
      }
      const [target = '', fragment] = link.split('#');
      const resolved = target ? path.resolve(path.dirname(path.join(root, file)), decodeURIComponent(target)) : path.join(root, file);
      if (!existsSync(resolved)) {
        broken.push(`${link}: no such file`);
        continue;
      }
      if (fragment !== undefined && statSync(resolved).isFile() && resolved.endsWith('.md') && !anchorsOf(readFileSync(resolved, 'utf8')).has(fragment)) {
        broken.push(`${link}: no heading #${fragment} in ${path.relative(root, resolved)}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('reads anchors as GitHub makes them', () => {
    expect([...anchorsOf('# The native stack\n## `up`: what it does\n### Disk\n### Disk\n## A [link](x.md), too')]).toEqual([
      'the-native-stack',
      'up-what-it-does',
      'disk',
      'disk-1',
      'a-link-too',
    ]);
  });
});
