/** groundct's version, written into every artifact's provenance (a test checks it equals package.json's). */
export const GROUNDCT_VERSION = '0.1.0';
