import { setFlagsFromString } from 'node:v8';

// Loading and wiring the application is one burst of allocation that V8 answers by growing its
// young generation to the maximum, ~25 MB that an idle server would then keep resident for
// nothing. So the young generation keeps its initial size while the server starts (the modules
// load inside the import below) and may grow again, by V8's default factor of 2, under load.
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
