module.exports = require('@industrialmind/jest-config')({ testTimeout: 60_000 });
