/** Module boundaries of the monorepo, checked by `npm test` (npm run check:boundaries). */
module.exports = {
  forbidden: [
    {
      name: 'no-app-imports-another-app',
      comment: 'Apps talk over Kafka; only libs/contracts crosses apps.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/([^/]+)/', pathNot: '^apps/$1/' },
    },
    {
      name: 'no-lib-imports-an-app',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'no-deep-import-into-a-lib',
      comment: 'Libraries are imported by alias (@parley/<lib>), never by relative path into their src.',
      severity: 'error',
      from: { path: '^(apps|libs)/([^/]+)/' },
      to: { path: '^libs/([^/]+)/src/(?!index\\.ts$)', pathNot: ['^libs/$2/', '^libs/contracts/src/http\\.ts$'] },
    },
    {
      name: 'no-openapi-outside-the-gateway',
      comment:
        'Only the gateway serves an OpenAPI document: the other apps must not load @nestjs/swagger (6 MB resident, ' +
        '10-15% of a start\'s CPU), so they take their contracts from @parley/contracts, never @parley/contracts/http.',
      severity: 'error',
      from: { path: '^apps/(?!gateway/)[^/]+/src/main\\.ts$' },
      to: { path: '^node_modules/@nestjs/swagger/', reachable: true },
    },
    {
      name: 'no-testing-lib-in-production-code',
      severity: 'error',
      from: { path: '^(apps|libs)/[^/]+/src/', pathNot: ['\\.spec\\.ts$', '^libs/testing/'] },
      to: { path: '^libs/testing/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
