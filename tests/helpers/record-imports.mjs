// `node --import ./tests/helpers/record-imports.mjs ...`: appends every module specifier the
// process resolves (ESM `import`/`import()` through a resolve hook, CommonJS `require` through
// `Module._load`) to the file named by OUTPOOLS_RECORD_IMPORTS, one per line.
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';

const file = process.env.OUTPOOLS_RECORD_IMPORTS;
if (file) {
  register(
    `data:text/javascript,${encodeURIComponent(`
      import { appendFileSync } from 'node:fs';
      const file = ${JSON.stringify(file)};
      export async function resolve(specifier, context, next) {
        appendFileSync(file, specifier + '\\n');
        return next(specifier, context);
      }
    `)}`,
  );
  const load = Module._load;
  Module._load = function recordRequire(request, ...rest) {
    appendFileSync(file, `${request}\n`);
    return load.call(this, request, ...rest);
  };
}
