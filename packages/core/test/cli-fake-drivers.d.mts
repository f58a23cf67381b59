// Types of cli-fake-drivers.mjs, for the TypeScript tests that import from it.

/** Connection methods of a driver that connects to nothing. */
export declare const noopMethods: {
  connect(): Promise<object>;
  close(): Promise<void>;
  ping(): Promise<boolean>;
  client(): object;
};

/** The plain-JS kv driver of the CLI tests. */
export declare const kvDriver: { readonly type: 'kv' } & typeof noopMethods;

declare const drivers: { readonly sqlDriver: { readonly type: 'sql' } & typeof noopMethods };
export default drivers;
