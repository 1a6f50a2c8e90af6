// One error type for every bad input, so the CLI can print it plainly (no stack) and tests can
// check that a message names the file and the place, e.g. `data.csv: line 7, column 3: "abc" is not a number`.

/** A file that cannot be opened or read (ENOENT, EACCES, ...), reported like any bad input. */
export function unreadable(file: string, e: unknown): InputError {
  const err = e as { code?: string; message?: string };
  return new InputError(file, '', `cannot read file (${err.code ?? err.message})`);
}

export class InputError extends Error {
  readonly file: string;
  readonly where: string;
  readonly problem: string;

  /** `where` may be '' when the problem concerns the whole file. */
  constructor(file: string, where: string, problem: string) {
    super(where ? `${file}: ${where}: ${problem}` : `${file}: ${problem}`);
    this.name = 'InputError';
    this.file = file;
    this.where = where;
    this.problem = problem;
  }
}
