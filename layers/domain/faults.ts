/**
 * The one record-fault type: a failure that is the record's own (bytes that do not decode, a user
 * that cannot be transformed, a payload that no longer fits its schema). Retrying cannot fix it,
 * so the record goes to the dead-letter topic and its batch goes on; any other error is the
 * infrastructure's and fails the batch, which is retried.
 */
export class RecordFault extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordFault';
  }
}

export function isRecordFault(err: unknown): err is RecordFault {
  return err instanceof RecordFault;
}
