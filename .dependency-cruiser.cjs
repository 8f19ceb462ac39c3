// `npm run check:deps`: the module graph of src/ has no cycle and its dependencies point one way
// (docs/architecture.md): auth builds on users and sessions, common/ and config/ know no feature.
const features = '^src/(auth|sessions|users|recipes|health|mail)/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A cycle ties its modules together: none of them can change or load alone.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'common-knows-no-feature',
      severity: 'error',
      from: { path: '^src/(common|config)/' },
      to: { path: features },
    },
    {
      name: 'users-build-on-nothing-of-auth-or-sessions',
      severity: 'error',
      from: { path: '^src/users/' },
      to: { path: '^src/(auth|sessions)/' },
    },
    {
      name: 'sessions-build-on-nothing-of-auth',
      severity: 'error',
      from: { path: '^src/sessions/' },
      to: { path: '^src/auth/' },
    },
    {
      name: 'nothing-builds-on-realtime',
      comment: 'Real-time listens to what the features announce; they never call it.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(realtime/|app\\.(module|setup)\\.ts$)' },
      to: { path: '^src/realtime/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a type import is a dependency of the code that reads it.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
