/** Placeholder for the `outpools` command (being written). @module */
export async function main(argv: readonly string[]): Promise<number> {
  console.error(`outpools: not implemented yet (${argv.join(' ')})`);
  return 2;
}
