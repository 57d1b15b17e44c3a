/** npm scripts run on the Node the project targets (Lambda nodejs22.x), installed from the npm registry. */
describe('toolchain', () => {
  it('runs the tests on Node 22', () => {
    expect(Number(process.versions.node.split('.')[0])).toBe(22);
  });
});
