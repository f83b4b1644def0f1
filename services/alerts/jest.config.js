module.exports = require('@industrialmind/jest-config')({ testTimeout: 120_000 });
