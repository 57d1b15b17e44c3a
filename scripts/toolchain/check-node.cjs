// npm runs package scripts with node_modules/.bin first on PATH, where the `node` package puts
// Node 22: this check proves the toolchain the project targets (Lambda nodejs22.x) is the one in use.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  console.error(`tributary: Node ${process.versions.node} is running package scripts; Node 22 is required.\n` +
    'Run `npm install` (it installs Node 22 from the npm registry into node_modules) and use `npm run ...`.');
  process.exit(1);
}
