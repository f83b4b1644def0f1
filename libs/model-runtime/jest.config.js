module.exports = require('@industrialmind/jest-config')({ testTimeout: 30_000 });
