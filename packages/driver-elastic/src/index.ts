/** Placeholder: this package is being written. @module */
export {};
