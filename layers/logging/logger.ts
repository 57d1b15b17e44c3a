/** Structured JSON logging through AWS Lambda Powertools; one logger per process. */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'tributary' });

export type Log = Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
