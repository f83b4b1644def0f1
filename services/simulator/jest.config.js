module.exports = require('@industrialmind/jest-config')();
