/**
 * @aws-lambda-powertools/kafka declares its root types only through package.json "exports", which
 * this project's moduleResolution ("node") does not read; this points the root import at them.
 * Node, jest and esbuild resolve the JavaScript through "exports" as usual.
 */
declare module '@aws-lambda-powertools/kafka' {
  export * from '@aws-lambda-powertools/kafka/lib/cjs/index';
}
