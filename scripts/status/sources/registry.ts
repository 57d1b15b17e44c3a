/**
 * The schema registry's subjects (Confluent API): the pipeline's topics' subjects with their
 * versions and the latest version's schema id; any other subject (tests, benchmarks) by name only,
 * so the reading stays a handful of requests however many subjects accumulate.
 */

export interface SubjectReading {
  subject: string;
  versions: number[];
  latestId: number | undefined;
}

export interface RegistryReading {
  pipeline: SubjectReading[];
  others: string[];
}

const ACCEPT = { accept: 'application/vnd.schemaregistry.v1+json, application/json' };

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: ACCEPT, signal: AbortSignal.timeout(4000) });
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

async function subjectReading(url: string, subject: string): Promise<SubjectReading> {
  const path = `${url}/subjects/${encodeURIComponent(subject)}/versions`;
  const [versions, latest] = await Promise.all([getJson<number[]>(path), getJson<{ id?: number }>(`${path}/latest`)]);
  return { subject, versions, latestId: latest.id };
}

/** `topics`: the pipeline's topics; their `-key` and `-value` subjects are read in full. */
export async function readRegistry(url: string, topics: readonly string[]): Promise<RegistryReading> {
  const subjects = (await getJson<string[]>(`${url}/subjects`)).sort();
  const ours = new Set(topics.flatMap((topic) => [`${topic}-key`, `${topic}-value`]));
  return {
    pipeline: await Promise.all(subjects.filter((s) => ours.has(s)).map((s) => subjectReading(url, s))),
    others: subjects.filter((s) => !ours.has(s)),
  };
}
