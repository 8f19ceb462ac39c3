import { setFlagsFromString } from 'node:v8';

// Starting is one burst of allocation after which V8 would keep its young generation at its
// maximum for good (idle RSS: docs/performance.md), so it keeps its initial size until the server
// listens (the modules load inside the import below) and may grow again, by V8's default 2, under load.
setFlagsFromString('--semi-space-growth-factor=1');
try {
  const { startServer } = await import('./server.js');
  await startServer();
} catch (error) {
  // The error and its stack (an invalid configuration names each bad variable), without the
  // line of bundled code that Node would print above an uncaught exception.
  console.error(error);
  process.exit(1);
}
setFlagsFromString('--semi-space-growth-factor=2');
