import path from 'node:path';

export const startedByTestsFile = (stackHome: string): string => path.join(stackHome, 'run', 'started-by-tests.json');
