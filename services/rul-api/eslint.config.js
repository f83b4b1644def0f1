module.exports = require('@industrialmind/eslint-config');
