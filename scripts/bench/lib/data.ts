/** Users for the raw-limit measurements: the local randomuser generator, the same records the API serves. */
import type { RandomUser } from '../../../layers/domain/randomuser';
import { generateUsers } from '../../randomuser/generator';

export const PAGE_SIZE = 5000;

export function benchUsers(seed: string, count: number): RandomUser[] {
  const users: RandomUser[] = [];
  const now = new Date();
  for (let page = 1; users.length < count; page++) {
    const results = Math.min(PAGE_SIZE, count - users.length);
    users.push(...(generateUsers({ results, seed, page, nats: null, gender: null, now }) as unknown as RandomUser[]));
  }
  return users;
}
