/** serverless-offline's Lambda runtime (ESM-only, untyped): the part this plugin uses. */
declare module 'serverless-offline/lambda' {
  export interface OfflineLambdaFunction {
    setEvent(event: unknown): void;
    runHandler(): Promise<unknown>;
  }

  export default class Lambda {
    constructor(serverless: unknown, options: Record<string, unknown>);
    create(lambdas: Array<{ functionKey: string; functionDefinition: unknown }>): void;
    get(functionKey: string): OfflineLambdaFunction;
    cleanup(): Promise<void>;
  }
}
