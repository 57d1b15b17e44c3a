/** Named failures of the offline Kafka event source mapping; each says where it came from. */

/** serverless.yml (a `kafka`/`msk` event or `custom.offlineKafka`) describes something AWS would reject. */
export class EventDefinitionError extends Error {
  constructor(where: string, message: string) {
    super(`${where}: ${message}`);
    this.name = 'EventDefinitionError';
  }
}

/** A `filterPatterns` entry is not a valid Lambda event filtering pattern. */
export class FilterPatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FilterPatternError';
  }
}

/** The function threw, timed out or its runtime failed: the whole batch counts as failed. */
export class FunctionError extends Error {
  constructor(
    readonly functionKey: string,
    cause: unknown,
  ) {
    super(describeError(cause), { cause });
    this.name = 'FunctionError';
  }
}

/** With ReportBatchItemFailures on, the handler returned something that is not a valid batch response. */
export class BatchResponseError extends Error {
  constructor(message: string) {
    super(`malformed handler result: ${message}`);
    this.name = 'BatchResponseError';
  }
}

/** The on-failure destination topic did not take the discarded records; nothing is committed. */
export class DestinationError extends Error {
  constructor(destination: string, cause: unknown) {
    super(`on-failure destination ${destination} unavailable: ${describeError(cause)}`, { cause });
    this.name = 'DestinationError';
  }
}

/** The source topic does not exist (auto.create.topics is off on the stack's broker). */
export class TopicNotFoundError extends Error {
  constructor(topic: string) {
    super(`topic "${topic}" does not exist`);
    this.name = 'TopicNotFoundError';
  }
}

/** One line for a log: the message, or the name of a value that is not an Error. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}
